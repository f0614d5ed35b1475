import {
  ACCIDENT_LEVELS,
  APPRAISAL_DECISIONS,
  APPRAISAL_RESULTS,
  type AnnualReportData,
  type ApiErrorDetail,
  type ReportProgress,
  type SoftRuleHit,
} from '@cqo/contracts';

// Rules of the enterprise annual report (SPEC §2, 004 三(二)), shared by the form and the API.
// Hard rules block submission; soft rules let it through with a written explanation (上报说明).

export const NARRATIVE_MAX = 5000;
export const HONOURS_MAX = 1000;
export const EXPLANATION_MAX = 2000;
export const REASON_MAX = 500;
/** 万元; a larger figure is a typo (the unit is ten thousand yuan). */
export const QUALITY_FUND_MAX = 1_000_000;
export const ACCIDENTS_MAX = 10_000;

export function emptyReportData(): AnnualReportData {
  return {
    hasAppraisalSystem: null,
    appraisalResult: null,
    appraisalDecision: null,
    qualityFund: null,
    accidents: { 一般: 0, 较大: 0, 重大: 0, 特别重大: 0 },
    honours: '',
    dutiesNarrative: '',
    problemsAndPlans: '',
  };
}

const chars = (s: string): number => Array.from(s).length;
const blank = (s: unknown): boolean => typeof s !== 'string' || s.trim() === '';

/**
 * Field-level errors of the report. `draft` checks only what is filled in (types, ranges, lengths);
 * `submit` also requires every field and an appraisal result whenever a system is declared.
 */
export function validateAnnualReport(data: AnnualReportData, mode: 'draft' | 'submit'): ApiErrorDetail[] {
  const errors: ApiErrorDetail[] = [];
  const err = (field: string, code: string, message: string) => errors.push({ field, code, message });
  const submit = mode === 'submit';

  if (data.hasAppraisalSystem === null) {
    if (submit) err('hasAppraisalSystem', 'required', '请选择是否建立首席质量官任职绩效考核制度');
  }
  if (data.appraisalResult !== null && !(APPRAISAL_RESULTS as readonly string[]).includes(data.appraisalResult)) {
    err('appraisalResult', 'invalid', `考核结果须为${APPRAISAL_RESULTS.join('、')}之一`);
  }
  if (data.appraisalDecision !== null && !(APPRAISAL_DECISIONS as readonly string[]).includes(data.appraisalDecision)) {
    err('appraisalDecision', 'invalid', '考核决定须为留任或解聘');
  }
  if (data.hasAppraisalSystem === true && submit) {
    if (data.appraisalResult === null) err('appraisalResult', 'required', '已建立任职绩效考核制度的，须填写本年度考核结果');
    if (data.appraisalDecision === null) err('appraisalDecision', 'required', '已建立任职绩效考核制度的，须填写考核决定（留任或解聘）');
  }
  if (data.hasAppraisalSystem === false && (data.appraisalResult !== null || data.appraisalDecision !== null)) {
    err('appraisalResult', 'noSystem', '未建立任职绩效考核制度的，不应填写考核结果和考核决定');
  }

  if (data.qualityFund === null) {
    if (submit) err('qualityFund', 'required', '请填写质量工作专项经费（万元），没有请填 0');
  } else if (typeof data.qualityFund !== 'number' || !Number.isFinite(data.qualityFund)) {
    err('qualityFund', 'notNumber', '质量工作专项经费须为数字');
  } else if (data.qualityFund < 0) {
    err('qualityFund', 'negative', '质量工作专项经费不能为负数');
  } else if (data.qualityFund > QUALITY_FUND_MAX) {
    err('qualityFund', 'tooLarge', `质量工作专项经费单位为万元，不能超过 ${QUALITY_FUND_MAX}`);
  } else if (Math.abs(Math.round(data.qualityFund * 100) - data.qualityFund * 100) > 1e-6) {
    err('qualityFund', 'tooPrecise', '质量工作专项经费最多保留两位小数');
  }

  for (const level of ACCIDENT_LEVELS) {
    const n = data.accidents?.[level];
    const field = `accidents.${level}`;
    if (n === undefined || n === null) {
      if (submit) err(field, 'required', `请填写${level}质量安全事故起数，没有请填 0`);
    } else if (typeof n !== 'number' || !Number.isInteger(n)) err(field, 'notInteger', `${level}事故起数须为整数`);
    else if (n < 0) err(field, 'negative', `${level}事故起数不能为负数`);
    else if (n > ACCIDENTS_MAX) err(field, 'tooLarge', `${level}事故起数不能超过 ${ACCIDENTS_MAX}`);
  }

  if (chars(data.honours ?? '') > HONOURS_MAX) err('honours', 'tooLong', `质量荣誉不能超过 ${HONOURS_MAX} 字`);
  for (const [field, label] of [
    ['dutiesNarrative', '首席质量官履职情况'],
    ['problemsAndPlans', '存在问题及下一年度工作计划'],
  ] as const) {
    const v = data[field];
    if (blank(v)) {
      if (submit) err(field, 'required', `请填写${label}`);
    } else if (chars(v) > NARRATIVE_MAX) err(field, 'tooLong', `${label}不能超过 ${NARRATIVE_MAX} 字`);
  }
  return errors;
}

/** Facts from outside the report that soft rules look at. */
export interface SoftRuleFacts {
  /** The yearly training rule applies to the CQO and is not met. */
  trainingShort: { shortHours: number; shortActivities: number } | null;
  /** Violations on record for the enterprise with an occurrence date in the year. */
  violationsInYear: number;
}

export function totalAccidents(data: AnnualReportData): number {
  return ACCIDENT_LEVELS.reduce((sum, level) => sum + (Number(data.accidents?.[level]) || 0), 0);
}

/** Soft rules the report fails (SPEC §2: submit with an explanation the reviewer sees). */
export function softRuleHits(data: AnnualReportData, facts: SoftRuleFacts): SoftRuleHit[] {
  const hits: SoftRuleHit[] = [];
  if (data.hasAppraisalSystem === false) {
    hits.push({ id: 'no-appraisal-system', message: '企业尚未建立首席质量官任职绩效考核制度' });
  }
  if (data.qualityFund === 0) {
    hits.push({ id: 'zero-fund', message: '本年度质量工作专项经费为 0' });
  }
  if (facts.trainingShort) {
    const parts: string[] = [];
    if (facts.trainingShort.shortHours > 0) parts.push(`差 ${facts.trainingShort.shortHours} 学时`);
    if (facts.trainingShort.shortActivities > 0) parts.push(`差 ${facts.trainingShort.shortActivities} 次培训活动`);
    hits.push({ id: 'training-short', message: `首席质量官本年度培训未达到年度要求（${parts.join('，') || '未达标'}）` });
  }
  const accidents = totalAccidents(data);
  if (accidents > 0 && facts.violationsInYear === 0) {
    hits.push({ id: 'accident-no-violation', message: `报告了 ${accidents} 起质量安全事故，但系统中没有该企业本年度的违规记录` });
  }
  return hits;
}

/** The 上报说明 must be given when any soft rule fails. */
export function explanationError(hits: readonly SoftRuleHit[], explanation: string | null | undefined): ApiErrorDetail | null {
  const text = (explanation ?? '').trim();
  if (chars(text) > EXPLANATION_MAX) return { field: 'explanation', code: 'tooLong', message: `上报说明不能超过 ${EXPLANATION_MAX} 字` };
  if (hits.length > 0 && text === '') {
    return { field: 'explanation', code: 'required', message: `以下情况须填写上报说明后提交：${hits.map((h) => h.message).join('；')}` };
  }
  return null;
}

/** A return must say why; an acceptance may. */
export function reasonError(reason: string | null | undefined, required: boolean): ApiErrorDetail | null {
  const text = (reason ?? '').trim();
  if (required && text === '') return { field: 'reason', code: 'required', message: '退回时须填写退回原因' };
  if (chars(text) > REASON_MAX) return { field: 'reason', code: 'tooLong', message: `原因不能超过 ${REASON_MAX} 字` };
  return null;
}

/** States a report moves between; anything else is refused with 409. */
export type ReportAction = 'save' | 'submit' | 'accept' | 'return';

const ALLOWED: Record<ReportAction, readonly ReportProgress[]> = {
  save: ['not-started', 'draft', 'returned'],
  submit: ['not-started', 'draft', 'returned'],
  accept: ['submitted'],
  return: ['submitted'],
};

export function canTransition(from: ReportProgress, action: ReportAction): boolean {
  return ALLOWED[action].includes(from);
}

/** Why the filer cannot edit a report in this state (null: they can). */
export function lockedReason(status: ReportProgress, reviewedAt: string | null): string | null {
  switch (status) {
    case 'accepted':
      return `报告已于 ${reviewedAt?.slice(0, 10) ?? ''} 被受理，已锁定，不能再修改`.replace('于  被', '被');
    case 'submitted':
      return '报告已上报，正在等待审核，审核前不能修改';
    case 'not-started':
    case 'draft':
    case 'returned':
      return null;
  }
}

export const REPORT_STATUS_LABELS: Record<ReportProgress, string> = {
  'not-started': '未填报',
  draft: '草稿',
  submitted: '已上报',
  returned: '已退回',
  accepted: '已受理',
};
