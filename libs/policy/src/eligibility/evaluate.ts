import {
  ACCIDENT_LEVELS,
  EDUCATION_LEVELS,
  QUALIFICATION_LEVELS,
  type AccidentLevel,
  type EducationLevel,
  type PolicyProfile,
  type PositionLevel,
  type QualificationLevel,
  type QualificationOption,
  type QualificationType,
  type RuleDefinition,
  type RuleResult,
  type RuleSeverity,
  type VerdictResult,
  type ViolationStatus,
  type ViolationType,
} from '@cqo/contracts';
import { daysBetween, termEndFor, yearOf } from './dates';
import { yearlyCompliance } from '../training/compliance';
import { profileRef } from './profiles';
import { checkTerm } from './term';

/** Training hours of one calendar year, from the training ledger (SPEC §4). */
export interface YearTraining {
  /** 继续教育(第一类) hours. */
  firstCategory: number;
  /** 第二类 hours. */
  secondCategory: number;
  /** 组织培训活动 records. */
  activities: number;
}

export interface ViolationFact {
  type: ViolationType;
  accidentLevel: AccidentLevel | null;
  occurredOn: string;
  status: ViolationStatus;
  sourceDocument: string;
}

/** Everything a verdict is judged on: the appointment as filed, the ledger, the violations. */
export interface EligibilityFacts {
  aboveSize: boolean;
  appointedOn: string;
  termEnd: string | null;
  positionLevel: PositionLevel;
  education: EducationLevel;
  qualificationType: QualificationType;
  qualificationLevel: QualificationLevel | null;
  qualityRelated: boolean;
  yearsInQuality: number;
  declarations: readonly string[];
  authorisationCertNo: string | null;
  initialTraining: { hours: number | null; certificateNo: string | null; completedOn: string | null };
  /** Ledger hours by calendar year; a missing year counts as none. */
  trainingByYear: Readonly<Record<number, YearTraining>>;
  /** Violations recorded against the person (not only the enterprise). */
  violations: readonly ViolationFact[];
}

interface Outcome {
  expected: string;
  actual: string;
  pass: boolean;
  applicable?: boolean;
  severity?: RuleSeverity;
}

const rank = <T extends string>(order: readonly T[], v: T): number => order.indexOf(v);
const hours = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)} 学时`;

/**
 * Judges one appointment on `asOf` under `profile` (SPEC §3): every rule with its clause, what it
 * expects, what the data shows and whether it passes. `ineligible` when a hard rule fails,
 * `attention` when only soft rules fail, `eligible` otherwise.
 */
export function evaluateEligibility(profile: PolicyProfile, facts: EligibilityFacts, asOf: string): VerdictResult {
  const rules: RuleResult[] = profile.rules.map((rule) => {
    const o = judge(profile, rule, facts, asOf);
    const applicable = o.applicable ?? true;
    return {
      id: rule.id,
      kind: rule.kind,
      title: rule.title,
      clause: rule.clause,
      clauseText: rule.clauseText,
      expected: o.expected,
      actual: o.actual,
      pass: !applicable || o.pass,
      applicable,
      severity: o.severity ?? rule.severity,
    };
  });
  const failing = rules.filter((r) => !r.pass);
  const verdict = failing.some((r) => r.severity === 'hard') ? 'ineligible' : failing.length ? 'attention' : 'eligible';
  return {
    verdict,
    profile: profileRef(profile),
    asOf,
    disqualified: failing.some((r) => r.kind === 'disqualification'),
    rules,
  };
}

function judge(profile: PolicyProfile, rule: RuleDefinition, f: EligibilityFacts, asOf: string): Outcome {
  switch (rule.kind) {
    case 'education':
      return {
        expected: `${rule.min}及以上`,
        actual: f.education,
        pass: rank(EDUCATION_LEVELS, f.education) >= rank(EDUCATION_LEVELS, rule.min),
      };
    case 'qualification':
      return judgeQualification(rule.anyOf, f);
    case 'experience':
      return { expected: `${rule.minYears} 年及以上`, actual: `${f.yearsInQuality} 年`, pass: f.yearsInQuality >= rule.minYears };
    case 'initial-training':
      return judgeInitialTraining(rule, f);
    case 'annual-training':
      return judgeAnnualTraining(profile, rule, f, asOf);
    case 'position': {
      const severity = f.aboveSize ? rule.severity : rule.smeSeverity;
      return {
        expected: `${rule.levels.join('或')}（${f.aboveSize ? '规上企业' : '中小微企业'}，${severity === 'hard' ? '硬性' : '柔性'}要求）`,
        actual: f.positionLevel,
        pass: rule.levels.includes(f.positionLevel),
        severity,
      };
    }
    case 'term': {
      // An ended term fails with the rule's own severity (the appointment is no longer in post). A
      // term longer than the usual one is a soft hit only: 004 三(一) 任期**一般**为5年.
      const t = checkTerm(rule, f.appointedOn, f.termEnd);
      const usualEnd = termEndFor(f.appointedOn, rule.years);
      const end = t.termEnd ?? usualEnd;
      const expected = `任期一般为 ${rule.years} 年（至 ${usualEnd}），且在任期内`;
      if (asOf > end) return { expected, actual: `任期已于 ${end} 届满`, pass: false };
      if (t.longerThanUsual) return { expected, actual: `${f.appointedOn} 至 ${end}；${t.longerThanUsual.message}`, pass: false, severity: 'soft' };
      return { expected, actual: `${f.appointedOn} 至 ${end}`, pass: true };
    }
    case 'declaration': {
      const ticked = f.declarations.includes(rule.declaration);
      return { expected: `已承诺：${rule.statement}`, actual: ticked ? '已承诺' : '未承诺', pass: ticked };
    }
    case 'disqualification': {
      const hits = f.violations.filter(
        (v) =>
          v.occurredOn <= asOf &&
          rule.violationTypes.includes(v.type) &&
          (rule.minAccidentLevel === null ||
            (v.accidentLevel !== null && rank(ACCIDENT_LEVELS, v.accidentLevel) >= rank(ACCIDENT_LEVELS, rule.minAccidentLevel))),
      );
      return {
        expected: `无${rule.violationTypes.join('、')}${rule.minAccidentLevel ? `（${rule.minAccidentLevel}及以上）` : ''}记录`,
        actual: hits.length
          ? hits.map((v) => `${v.occurredOn} ${v.type}${v.accidentLevel ? `（${v.accidentLevel}）` : ''}，${v.sourceDocument}`).join('；')
          : '无',
        pass: hits.length === 0,
      };
    }
  }
}

/** A 质量专业技术人员职业资格 counts as a 职称 of the same level where allowed (SPEC §3). */
function judgeQualification(anyOf: readonly QualificationOption[], f: EligibilityFacts): Outcome {
  const level = f.qualificationLevel;
  const meets = (min: QualificationLevel) => level !== null && rank(QUALIFICATION_LEVELS, level) >= rank(QUALIFICATION_LEVELS, min);
  const expected = anyOf
    .map((o) => {
      switch (o.kind) {
        case 'quality-certificate':
          return `${o.minLevel}及以上质量专业技术人员职业资格`;
        case 'title':
          return `${o.qualityRelated ? '质量相关专业' : ''}${o.minLevel}及以上专业技术职称${o.countQualityCertificate ? '（含同级质量专业技术人员职业资格）' : ''}`;
        case 'equivalent-experience':
          return '同等资格质量管理工作经历（承诺）';
      }
    })
    .join('，或');
  const pass = anyOf.some((o) => {
    switch (o.kind) {
      case 'quality-certificate':
        return f.qualificationType === '质量专业技术人员职业资格' && meets(o.minLevel);
      case 'title': {
        const kindOk = f.qualificationType === '专业技术职称' || (o.countQualityCertificate && f.qualificationType === '质量专业技术人员职业资格');
        const relatedOk = !o.qualityRelated || f.qualityRelated || f.qualificationType === '质量专业技术人员职业资格';
        return kindOk && relatedOk && meets(o.minLevel);
      }
      case 'equivalent-experience':
        return f.declarations.includes('equivalent-experience');
    }
  });
  const actual =
    f.qualificationType === '无'
      ? '无职称或职业资格'
      : `${f.qualificationLevel ?? ''}${f.qualificationType}${f.qualificationType === '专业技术职称' ? (f.qualityRelated ? '（质量相关专业）' : '（非质量相关专业）') : ''}`;
  return { expected, actual, pass };
}

function judgeInitialTraining(rule: Extract<RuleDefinition, { kind: 'initial-training' }>, f: EligibilityFacts): Outcome {
  const t = f.initialTraining;
  switch (rule.evidence) {
    case 'hours': {
      const min = rule.minHours ?? 0;
      const h = t.hours ?? 0;
      const before = t.completedOn !== null && t.completedOn <= f.appointedOn;
      const actual = t.hours === null ? '未记录任职培训' : `${hours(h)}，${t.completedOn ? `${t.completedOn} 完成` : '完成日期未填'}${t.completedOn && !before ? '（晚于聘任日期）' : ''}`;
      return { expected: `聘任前完成任职培训不少于 ${hours(min)}`, actual, pass: h >= min && before };
    }
    case 'certificate':
      return { expected: '持有任职培训合格证书', actual: t.certificateNo ? `证书编号 ${t.certificateNo}` : '未填写培训证书编号', pass: !!t.certificateNo };
    case 'certificate-or-letter':
      return {
        expected: '培训合格证书或任命授权书',
        actual: t.certificateNo ? `培训证书 ${t.certificateNo}` : f.authorisationCertNo ? `授权证书 ${f.authorisationCertNo}` : '均未填写',
        pass: !!t.certificateNo || !!f.authorisationCertNo,
      };
  }
}

/**
 * Yearly compliance for the last completed year Y = year(asOf) − 1 applies to CQOs active on
 * 31 December of Y who were appointed before 1 January of Y (SPEC §3); those appointed later are
 * judged on initial training only. The judgement itself is `yearlyCompliance` (the same one the
 * training pages and the shortfall list show); this only words it for the verdict.
 */
function judgeAnnualTraining(profile: PolicyProfile, rule: Extract<RuleDefinition, { kind: 'annual-training' }>, f: EligibilityFacts, asOf: string): Outcome {
  const year = yearOf(asOf) - 1;
  const parts: string[] = [];
  if (rule.minFirstCategory !== null) parts.push(`第一类不少于 ${hours(rule.minFirstCategory)}`);
  if (rule.minSecondCategory !== null) parts.push(`第二类不少于 ${hours(rule.minSecondCategory)}`);
  if (rule.minTotal !== null) parts.push(`合计不少于 ${hours(rule.minTotal)}`);
  if (rule.minActivities !== null) parts.push(`组织培训活动不少于 ${rule.minActivities} 次`);
  const expected = `${year} 年：${parts.join('，')}`;
  const t = f.trainingByYear[year] ?? { firstCategory: 0, secondCategory: 0, activities: 0 };
  // Judge this very rule, whichever annual-training rule the profile lists first.
  const c = yearlyCompliance({ ...profile, rules: [rule] }, { appointedOn: f.appointedOn, termEnd: f.termEnd }, year, { initial: 0, ...t });
  if (!c.applicable) {
    const actual = f.appointedOn >= `${year}-01-01` ? `${f.appointedOn} 聘任，${year} 年度不考核` : (c.reason ?? `${year} 年度不考核`);
    return { expected, actual, pass: true, applicable: false };
  }
  const actual = [
    rule.minFirstCategory !== null || rule.minTotal !== null ? `第一类 ${hours(t.firstCategory)}` : null,
    rule.minSecondCategory !== null || rule.minTotal !== null ? `第二类 ${hours(t.secondCategory)}` : null,
    rule.minActivities !== null ? `组织培训活动 ${t.activities} 次` : null,
  ]
    .filter(Boolean)
    .join('，');
  return { expected, actual, pass: c.compliant === true };
}

/** The term end a filing gets when it names none: the profile's term, less one day. */
export function defaultTermEnd(profile: PolicyProfile, appointedOn: string): string | null {
  const rule = profile.rules.find((r) => r.kind === 'term');
  return rule && rule.kind === 'term' ? termEndFor(appointedOn, rule.years) : null;
}

/** Whether a term ends within `days` of `asOf` (the 90-day expiry warning). */
export function termEndsWithin(termEnd: string | null, asOf: string, days: number): boolean {
  return termEnd !== null && termEnd >= asOf && daysBetween(asOf, termEnd) <= days;
}

/** Whether a violation of `type` (and accident `level`) disqualifies a CQO under `profile` (SPEC §5). */
export function isDisqualifying(profile: PolicyProfile, type: ViolationType, level: AccidentLevel | null): boolean {
  return profile.rules.some(
    (r) =>
      r.kind === 'disqualification' &&
      r.violationTypes.includes(type) &&
      (r.minAccidentLevel === null || (level !== null && rank(ACCIDENT_LEVELS, level) >= rank(ACCIDENT_LEVELS, r.minAccidentLevel))),
  );
}
