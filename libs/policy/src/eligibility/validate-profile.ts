import {
  ACCIDENT_LEVELS,
  EDUCATION_LEVELS,
  POSITION_LEVELS,
  QUALIFICATION_LEVELS,
  VIOLATION_TYPES,
  type PolicyProfile,
  type RuleDefinition,
} from '@cqo/contracts';
import { isIsoDate } from './dates';

export interface ProfileFieldError {
  /** Path in the request, e.g. `rules[2].minYears`. */
  field: string;
  message: string;
}

const NAME = /^[a-z0-9][a-z0-9-]{1,46}$/;
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/**
 * Checks a profile version a province writes through the form (a changed threshold is a new
 * version, SPEC §3). Returns field errors in Chinese; an empty list means it can be stored.
 */
export function validateProfile(p: PolicyProfile): ProfileFieldError[] {
  const errors: ProfileFieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (!NAME.test(p.name)) err('name', '政策名称只能包含小写字母、数字和连字符（2–47个字符）');
  if (!Number.isInteger(p.version) || p.version < 1) err('version', '版本号应为正整数');
  if (!isText(p.title, 100)) err('title', '政策标题不能为空且不超过100个字符');
  if (!isIsoDate(p.effectiveFrom)) err('effectiveFrom', '生效日期应为YYYY-MM-DD格式的有效日期');
  if (!Array.isArray(p.rules) || p.rules.length === 0) {
    err('rules', '至少需要一条规则');
    return errors;
  }
  const ids = new Set<string>();
  p.rules.forEach((r, i) => {
    const at = (k: string) => `rules[${i}].${k}`;
    if (!isText(r.id, 64) || !/^[a-z0-9.-]+$/.test(r.id)) err(at('id'), '规则编号只能包含小写字母、数字、点和连字符');
    else if (ids.has(r.id)) err(at('id'), `规则编号 ${r.id} 重复`);
    else ids.add(r.id);
    if (!isText(r.title, 64)) err(at('title'), '规则名称不能为空且不超过64个字符');
    if (!isText(r.clause, 64)) err(at('clause'), '条款编号不能为空');
    if (!isText(r.clauseText, 2000)) err(at('clauseText'), '条款原文不能为空');
    if (r.severity !== 'hard' && r.severity !== 'soft') err(at('severity'), '规则性质应为硬性（hard）或柔性（soft）');
    validateRule(r, at, err);
  });
  const keys = p.rules.flatMap((r) => (r.kind === 'declaration' ? [r.declaration] : []));
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated) err('rules', `承诺编号 ${repeated} 重复`);
  const kinds = p.rules.map((r) => r.kind);
  for (const k of ['education', 'qualification', 'experience', 'initial-training', 'annual-training', 'position', 'term'] as const) {
    if (kinds.filter((x) => x === k).length > 1) err('rules', `同一类规则（${k}）只能有一条`);
  }
  return errors;
}

const hoursOk = (v: unknown, max = 500) => typeof v === 'number' && v >= 0 && v <= max && Number.isInteger(v * 2);

function validateRule(r: RuleDefinition, at: (k: string) => string, err: (f: string, m: string) => void): void {
  switch (r.kind) {
    case 'education':
      if (!oneOf(EDUCATION_LEVELS, r.min)) err(at('min'), `最低学历应为${EDUCATION_LEVELS.join('/')}之一`);
      return;
    case 'qualification':
      if (!Array.isArray(r.anyOf) || r.anyOf.length === 0) {
        err(at('anyOf'), '至少需要一种可满足的职称或资格');
        return;
      }
      r.anyOf.forEach((o, j) => {
        const f = at(`anyOf[${j}]`);
        switch (o.kind) {
          case 'quality-certificate':
            if (!oneOf(QUALIFICATION_LEVELS, o.minLevel)) err(`${f}.minLevel`, `级别应为${QUALIFICATION_LEVELS.join('/')}之一`);
            return;
          case 'title':
            if (!oneOf(QUALIFICATION_LEVELS, o.minLevel)) err(`${f}.minLevel`, `级别应为${QUALIFICATION_LEVELS.join('/')}之一`);
            if (typeof o.qualityRelated !== 'boolean') err(`${f}.qualityRelated`, '是否要求质量相关专业应为是或否');
            if (typeof o.countQualityCertificate !== 'boolean') err(`${f}.countQualityCertificate`, '是否认可同级质量职业资格应为是或否');
            return;
          case 'equivalent-experience':
            return;
          default:
            err(`${f}.kind`, '未知的资格类型');
        }
      });
      return;
    case 'experience':
      if (!Number.isInteger(r.minYears) || r.minYears < 0 || r.minYears > 40) err(at('minYears'), '最低年限应为0–40的整数');
      return;
    case 'initial-training':
      if (!['hours', 'certificate', 'certificate-or-letter'].includes(r.evidence)) err(at('evidence'), '任职培训的认定方式无效');
      if (r.evidence === 'hours' && !(r.minHours !== null && hoursOk(r.minHours, 200) && r.minHours > 0)) err(at('minHours'), '最低学时应为0.5的整数倍，且在0.5–200之间');
      return;
    case 'annual-training': {
      const fields = ['minFirstCategory', 'minSecondCategory', 'minTotal'] as const;
      for (const k of fields) if (r[k] !== null && !hoursOk(r[k])) err(at(k), '学时应为0.5的整数倍，且在0–500之间');
      if (r.minActivities !== null && !(Number.isInteger(r.minActivities) && r.minActivities >= 0 && r.minActivities <= 50)) err(at('minActivities'), '组织培训活动次数应为0–50的整数');
      if (fields.every((k) => r[k] === null) && r.minActivities === null) err(at('minTotal'), '至少设置一项年度继续教育要求');
      return;
    }
    case 'position':
      if (!Array.isArray(r.levels) || r.levels.length === 0 || !r.levels.every((l) => oneOf(POSITION_LEVELS, l))) err(at('levels'), `岗位层级应从${POSITION_LEVELS.join('/')}中选择`);
      if (r.smeSeverity !== 'hard' && r.smeSeverity !== 'soft') err(at('smeSeverity'), '中小微企业的规则性质应为硬性或柔性');
      return;
    case 'term':
      if (!Number.isInteger(r.years) || r.years < 1 || r.years > 10) err(at('years'), '任期应为1–10的整数年');
      return;
    case 'declaration':
      if (!isText(r.declaration, 48) || !/^[a-z0-9-]+$/.test(r.declaration)) err(at('declaration'), '承诺编号只能包含小写字母、数字和连字符');
      if (!isText(r.statement, 300)) err(at('statement'), '承诺内容不能为空且不超过300个字符');
      return;
    case 'disqualification':
      if (!Array.isArray(r.violationTypes) || r.violationTypes.length === 0 || !r.violationTypes.every((t) => oneOf(VIOLATION_TYPES, t))) err(at('violationTypes'), '违规类型应从规定的类型中选择');
      if (r.minAccidentLevel !== null && !oneOf(ACCIDENT_LEVELS, r.minAccidentLevel)) err(at('minAccidentLevel'), `事故等级应为${ACCIDENT_LEVELS.join('/')}之一`);
      return;
    default:
      err(at('kind'), '未知的规则类型');
  }
}
