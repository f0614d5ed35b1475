// Grading a capability-evaluation sheet against a scoring scheme (SPEC §6, §9 `grade`).
import { GRADES, type Dimension, type Grade, type Indicator, type ScoringScheme } from './schemes';

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
const lower = (a: Grade, b: Grade): Grade => (rank(a) <= rank(b) ? a : b);

/**
 * 001 5.2 申报条件, the hunan scheme's only (000 sets no 申报 conditions beyond its 4.1, which is
 * checked when the application is filed). Every grade needs the 首席质量官 training certificate:
 * 5.2.1 names it for 3A, 5.2.2 asks 满足 5.1 and 5.1.4 is that certificate, 5.2.3 asks 满足 5.2.
 * Years: 5.2.1 "具有 2 年" read as ≥ 2; 5.2.2 "4 年以上" and 5.2.3 "8 年以上" read as inclusive.
 */
export const HUNAN_APPLICATION_GATES: readonly { grade: Grade; clause: string; minYears: number }[] = [
  { grade: 'AAA', clause: '001 5.2.1', minYears: 2 },
  { grade: 'AAAA', clause: '001 5.2.2', minYears: 4 },
  { grade: 'AAAAA', clause: '001 5.2.3', minYears: 8 },
];

export interface GradeCeiling {
  /** The highest grade one may apply for; null = none. */
  ceiling: Grade | null;
  /** The failing clause when `ceiling` is below AAAAA, e.g. '001 5.2.2'. */
  clause: string | null;
  /** Chinese, when the ceiling is below AAAAA. */
  reason: string | null;
}

/**
 * The highest grade the 001 5.2 申报条件 allow. `hasCertificate` false (or unstated while the
 * years are stated) allows none; unstated years put no cap on the years. Monotonic: more years
 * never lower the ceiling.
 */
export function hunanGradeCeiling(experienceYears: number | undefined, hasCertificate: boolean | undefined): GradeCeiling {
  const certificateChecked = hasCertificate !== undefined || experienceYears !== undefined;
  if (certificateChecked && hasCertificate !== true) {
    return {
      ceiling: null,
      clause: '001 5.1.4',
      reason: '未持有首席质量官培训合格证书（001 5.1.4），不满足 001 5.2.1–5.2.3 任何等级的申报条件，不予等级判定',
    };
  }
  if (experienceYears === undefined) return { ceiling: 'AAAAA', clause: null, reason: null };
  let best: (typeof HUNAN_APPLICATION_GATES)[number] | null = null;
  for (const g of HUNAN_APPLICATION_GATES) if (experienceYears >= g.minYears) best = g;
  if (best?.grade === 'AAAAA') return { ceiling: 'AAAAA', clause: null, reason: null };
  const next = HUNAN_APPLICATION_GATES[best ? rank(best.grade) + 1 : 0];
  return {
    ceiling: best?.grade ?? null,
    clause: next.clause,
    reason: `${experienceYears} 年相关工作经验，不满足 ${next.grade} 申报条件（${next.clause}：需 ${next.minYears} 年${next.grade === 'AAA' ? '' : '以上'}相关工作经验）`,
  };
}

export interface SheetTotals {
  /** Keyed by dimension id. */
  dimensions: Record<string, number>;
  total: number;
}

/**
 * Points per dimension and overall (000 附录B 表B.1, 001 附录A 表A.1: a dimension scores the sum of
 * its indicators, the sheet the sum of its dimensions). Summed in tenths so one-decimal scores add up
 * exactly (0.1 + 0.2 = 0.3). An indicator left out — or, on a form, not typed yet — scores 0.
 */
export function sheetTotals(
  scheme: { dimensions: readonly Pick<Dimension, 'id' | 'indicators'>[] },
  scores: Readonly<Record<string, number | null | undefined>>,
): SheetTotals {
  const dimensions: Record<string, number> = {};
  let totalTenths = 0;
  for (const d of scheme.dimensions) {
    let tenths = 0;
    for (const i of d.indicators) {
      const value = scores[i.id];
      if (typeof value === 'number' && Number.isFinite(value)) tenths += Math.round(value * 10);
    }
    dimensions[d.id] = tenths / 10;
    totalTenths += tenths;
  }
  return { dimensions, total: totalTenths / 10 };
}

export interface DimensionShortfall<D> {
  dimension: D;
  score: number;
  min: number;
}

/**
 * Dimensions whose points are below their minimum (001 附录B 表B.1 单项最低要求: any one below it
 * means no grade); never any for zhejiang, whose dimensions have none (000 附录B). At the minimum
 * exactly is enough.
 */
export function dimensionsBelowMinimum<D extends Pick<Dimension, 'id' | 'min'>>(
  scheme: { dimensions: readonly D[] },
  totals: SheetTotals,
): DimensionShortfall<D>[] {
  const result: DimensionShortfall<D>[] = [];
  for (const dimension of scheme.dimensions) {
    if (dimension.min === null) continue;
    const score = totals.dimensions[dimension.id] ?? 0;
    if (score < dimension.min) result.push({ dimension, score, min: dimension.min });
  }
  return result;
}

/** Totals per dimension and overall, then the grade; throws when the sheet has field errors. */
export function gradeSheet(scheme: ScoringScheme, sheet: GradeSheet): GradeResult {
  const errors = validateSheet(scheme, sheet);
  if (errors.length > 0) {
    throw new Error(`评分表有误：${errors.map((e) => `${e.field} ${e.message}`).join('；')}`);
  }
  const totals = sheetTotals(scheme, sheet.scores);
  const { total, dimensions } = totals;
  const reasons: string[] = [];

  let failed = false;
  if (total < scheme.passTotal) {
    reasons.push(`总分 ${total} 分，低于 ${scheme.passTotal} 分，不予等级判定`);
    failed = true;
  }
  for (const { dimension: d, score, min } of dimensionsBelowMinimum(scheme, totals)) {
    reasons.push(`${d.title}（${d.id}）得分 ${score} 分，低于单项最低要求 ${min} 分，不予等级判定`);
    failed = true;
  }
  if (failed) return { total, dimensions, grade: null, reasons };

  const band = scheme.bands.find((b) => total >= b.minTotal && (b.maxTotal === null || total < b.maxTotal));
  if (!band) {
    reasons.push(`总分 ${total} 分，不在任何等级的分值范围内`);
    return { total, dimensions, grade: null, reasons };
  }
  const range = band.maxTotal === null ? `${band.minTotal} 分（含）以上` : `${band.minTotal} 分（含）至 ${band.maxTotal} 分`;
  reasons.push(`总分 ${total} 分，达到 ${band.grade} 等级分值要求（${range}）`);
  if (scheme.name !== 'hunan') {
    // 000 has no 申报等级 and no 申报条件 beyond 4.1 (checked when the application is filed): the
    // grade is the band's, whatever the sheet states about them.
    if (sheet.applied !== undefined || sheet.experienceYears !== undefined || sheet.hasCertificate !== undefined) {
      reasons.push('浙江方案（000）不设申报等级和申报条件（000 7.2 仅要求满足 4.1），认定等级按分值确定');
    }
    return { total, dimensions, grade: band.grade, reasons };
  }

  // hunan: the grade is the lowest of the band's, the one applied for and the 001 5.2 ceiling, each
  // monotonic in the points, so the result is too.
  let grade: Grade | null = band.grade;
  if (sheet.applied !== undefined && rank(grade) > rank(sheet.applied)) {
    reasons.push(`申报等级为 ${sheet.applied}，认定等级不超过申报等级，定为 ${sheet.applied}`);
    grade = sheet.applied;
  }
  const gate = hunanGradeCeiling(sheet.experienceYears, sheet.hasCertificate);
  if (gate.ceiling === null) {
    reasons.push(gate.clause === '001 5.1.4' ? gate.reason! : `${gate.reason}，不满足任何等级的申报条件，不予等级判定`);
    grade = null;
  } else if (rank(gate.ceiling) < rank(grade)) {
    reasons.push(`${gate.reason}，降为 ${gate.ceiling}`);
    grade = lower(grade, gate.ceiling);
  }

  return { total, dimensions, grade, reasons };
}
