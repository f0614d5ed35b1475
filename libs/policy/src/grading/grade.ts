// Grading a capability-evaluation sheet against a scoring scheme (SPEC §6, §9 `grade`).
import { GRADES, type Grade, type Indicator, type ScoringScheme } from './schemes';

export interface GradeSheet {
  scores: Record<string, number>;
  applied?: Grade;
  experienceYears?: number;
  hasCertificate?: boolean;
}

export interface GradeResult {
  total: number;
  /** Keyed by dimension id. */
  dimensions: Record<string, number>;
  grade: Grade | null;
  /** Chinese: why this grade, why capped, why none. */
  reasons: string[];
}

export interface SheetError {
  /** e.g. 'scores.6.1.1.1' */
  field: string;
  code: string;
  message: string;
}

function indicatorIndex(scheme: ScoringScheme): Map<string, Indicator> {
  const map = new Map<string, Indicator>();
  for (const d of scheme.dimensions) for (const i of d.indicators) map.set(i.id, i);
  return map;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Neither 000 (评分指南 附录C is not in the seed) nor 001 says how fine points may be, so any
// finite value ≥ 0 with at most one decimal is accepted.
function hasAtMostOneDecimal(v: number): boolean {
  return Math.abs(v * 10 - Math.round(v * 10)) < 1e-6;
}

/** Field errors for a sheet; [] when fine. */
export function validateSheet(scheme: ScoringScheme, sheet: GradeSheet): SheetError[] {
  const errors: SheetError[] = [];
  const raw: unknown = sheet;
  if (!isRecord(raw)) {
    return [{ field: 'sheet', code: 'invalid', message: '评分表必须是对象' }];
  }
  const scores: unknown = raw['scores'];
  if (!isRecord(scores)) {
    errors.push({ field: 'scores', code: 'invalid', message: '评分表缺少各指标得分（scores）' });
  } else {
    const index = indicatorIndex(scheme);
    for (const [id, value] of Object.entries(scores)) {
      const field = `scores.${id}`;
      const indicator = index.get(id);
      if (!indicator) {
        errors.push({ field, code: 'unknown_indicator', message: `未知的评价指标 ${id}` });
      } else if (typeof value !== 'number' || !Number.isFinite(value)) {
        errors.push({ field, code: 'not_a_number', message: '得分必须是数字' });
      } else if (value < 0) {
        errors.push({ field, code: 'negative', message: '得分不能为负数' });
      } else if (value > indicator.max) {
        errors.push({ field, code: 'above_max', message: `得分不能超过该指标满分 ${indicator.max} 分` });
      } else if (!hasAtMostOneDecimal(value)) {
        errors.push({ field, code: 'too_precise', message: '得分最多保留一位小数' });
      }
    }
  }
  const applied = raw['applied'];
  if (applied !== undefined && !GRADES.includes(applied as Grade)) {
    errors.push({ field: 'applied', code: 'invalid_grade', message: '申报等级必须是 AAA、AAAA 或 AAAAA' });
  }
  const years = raw['experienceYears'];
  if (years !== undefined && (typeof years !== 'number' || !Number.isFinite(years) || years < 0)) {
    errors.push({ field: 'experienceYears', code: 'invalid', message: '相关工作经验年限必须是不小于 0 的数字' });
  }
  const cert = raw['hasCertificate'];
  if (cert !== undefined && typeof cert !== 'boolean') {
    errors.push({ field: 'hasCertificate', code: 'invalid', message: '是否持有首席质量官证书必须是布尔值' });
  }
  return errors;
}

const rank = (g: Grade): number => GRADES.indexOf(g);

// 001 5.2 申报条件: 5.2.1 具有首席质量官证书并具有 2 年相关工作经验 → 3A (read as ≥ 2 years);
// 5.2.2 满足 5.1 并具有 4 年以上 → 4A (5.1 is the basic requirement, not the certificate; 以上 read
// as inclusive); 5.2.3 "满足 5.2" (self-referential in the seed, read as the 4A conditions) 并具有
// 8 年以上 → 5A. So the certificate is required for 3A only.
function experienceAllows(grade: Grade, years: number, hasCertificate: boolean): boolean {
  if (grade === 'AAA') return hasCertificate && years >= 2;
  if (grade === 'AAAA') return years >= 4;
  return years >= 8;
}

function experienceRule(grade: Grade): string {
  if (grade === 'AAA') return '具有首席质量官证书并具有 2 年相关工作经验（001 5.2.1）';
  if (grade === 'AAAA') return '具有 4 年以上相关工作经验（001 5.2.2）';
  return '具有 8 年以上相关工作经验（001 5.2.3）';
}

/** Totals per dimension and overall, then the grade; throws when the sheet has field errors. */
export function gradeSheet(scheme: ScoringScheme, sheet: GradeSheet): GradeResult {
  const errors = validateSheet(scheme, sheet);
  if (errors.length > 0) {
    throw new Error(`评分表有误：${errors.map((e) => `${e.field} ${e.message}`).join('；')}`);
  }
  // Sum in tenths so one-decimal scores add up exactly.
  const dimensions: Record<string, number> = {};
  let totalTenths = 0;
  for (const d of scheme.dimensions) {
    let tenths = 0;
    for (const i of d.indicators) tenths += Math.round((sheet.scores[i.id] ?? 0) * 10);
    dimensions[d.id] = tenths / 10;
    totalTenths += tenths;
  }
  const total = totalTenths / 10;
  const reasons: string[] = [];

  let failed = false;
  if (total < scheme.passTotal) {
    reasons.push(`总分 ${total} 分，低于 ${scheme.passTotal} 分，不予等级判定`);
    failed = true;
  }
  for (const d of scheme.dimensions) {
    if (d.min !== null && dimensions[d.id] < d.min) {
      reasons.push(`${d.title}（${d.id}）得分 ${dimensions[d.id]} 分，低于单项最低要求 ${d.min} 分，不予等级判定`);
      failed = true;
    }
  }
  if (failed) return { total, dimensions, grade: null, reasons };

  const band = scheme.bands.find((b) => total >= b.minTotal && (b.maxTotal === null || total < b.maxTotal));
  if (!band) {
    reasons.push(`总分 ${total} 分，不在任何等级的分值范围内`);
    return { total, dimensions, grade: null, reasons };
  }
  const range = band.maxTotal === null ? `${band.minTotal} 分（含）以上` : `${band.minTotal} 分（含）至 ${band.maxTotal} 分`;
  reasons.push(`总分 ${total} 分，达到 ${band.grade} 等级分值要求（${range}）`);
  let grade: Grade | null = band.grade;

  if (sheet.applied !== undefined && rank(grade) > rank(sheet.applied)) {
    reasons.push(`申报等级为 ${sheet.applied}，认定等级不超过申报等级，定为 ${sheet.applied}`);
    grade = sheet.applied;
  }

  // The experience cap is checked only when the sheet states the years of experience.
  if (sheet.experienceYears !== undefined) {
    const years = sheet.experienceYears;
    const cert = sheet.hasCertificate === true;
    const from: Grade = grade;
    let capped: Grade | null = null;
    for (let r = rank(from); r >= 0; r--) {
      if (experienceAllows(GRADES[r], years, cert)) {
        capped = GRADES[r];
        break;
      }
    }
    if (capped !== from) {
      const detail = `${years} 年相关工作经验${cert ? '' : '、未持有首席质量官证书'}`;
      reasons.push(
        capped === null
          ? `${detail}，不满足任何等级的申报条件（${from} 需${experienceRule(from)}），不予等级判定`
          : `${detail}，不满足 ${from} 申报条件（需${experienceRule(from)}），降为 ${capped}`,
      );
    }
    grade = capped;
  }

  return { total, dimensions, grade, reasons };
}
