import type {
  AssessmentPart,
  AssessmentWeights,
  CityAssessment,
  RegionStatsRow,
  StatCounts,
  StatRates,
  StatTarget,
  TargetCategory,
  TargetProgress,
  TrendPoint,
  ViolationType,
} from '@cqo/contracts';
import { VIOLATION_TYPES } from '@cqo/contracts';
import { daysBetween } from '../eligibility/dates';

// Pure statistics maths (SPEC §7): rates from additive counts, summing regions, the projection of
// a rate to a target's deadline, and the yearly assessment of the 市州.

/** 0 ÷ 0 is "no figure" (null, shown as "—"), never NaN. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/**
 * A 0–1 rate as every screen, chart and report shows it: a percentage with `digits` decimals
 * (0.8125 → "81.3%"), and "—" when there is no figure (null, 0 ÷ 0, NaN, ECharts' '-' gap), never "NaN".
 */
export function formatRate(value: unknown, digits = 1): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function emptyCounts(): StatCounts {
  return {
    enterprises: { total: 0, aboveSize: 0, sme: 0, award: 0 },
    appointed: { total: 0, aboveSize: 0, sme: 0, award: 0 },
    eligible: 0,
    training: { applicable: 0, compliant: 0 },
    filings: { expected: 0, submitted: 0, onTime: 0, accepted: 0, notStarted: 0, draft: 0, awaitingReview: 0, returned: 0, late: 0 },
    violations: { open: 0, total: 0, byType: {} },
    education: {},
    title: {},
    positionLevel: {},
    termsEndingSoon: 0,
    disqualifiedInPost: 0,
  };
}

type Numeric = number | { [key: string]: Numeric | undefined };

/** `into` += `add`, key by key, for nested objects of counts (keys missing on one side count as 0). */
function addInto(into: Record<string, Numeric | undefined>, add: Record<string, Numeric | undefined>): void {
  for (const [key, value] of Object.entries(add)) {
    if (value === undefined) continue;
    if (typeof value === 'number') {
      into[key] = ((into[key] as number | undefined) ?? 0) + value;
    } else {
      const target = (into[key] ?? {}) as Record<string, Numeric | undefined>;
      addInto(target, value);
      into[key] = target;
    }
  }
}

/** The counts of several regions together (a parent is the sum of its own enterprises and its children). */
export function sumCounts(parts: StatCounts[]): StatCounts {
  const out = emptyCounts();
  for (const p of parts) addInto(out as unknown as Record<string, Numeric>, p as unknown as Record<string, Numeric>);
  return out;
}

export function ratesOf(c: StatCounts): StatRates {
  return {
    aboveSize: rate(c.appointed.aboveSize, c.enterprises.aboveSize),
    sme: rate(c.appointed.sme, c.enterprises.sme),
    award: rate(c.appointed.award, c.enterprises.award),
    total: rate(c.appointed.total, c.enterprises.total),
  };
}

/** In SPEC §9's key order (counts read back from jsonb come in another). */
const categories = (c: StatCounts['enterprises']) => ({ total: c.total, aboveSize: c.aboveSize, sme: c.sme, award: c.award });

/** SPEC §7 figures of a region from its counts (no targets, no provenance). */
export function statsRow(
  region: { code: string; name: string; level: 1 | 2 | 3 },
  year: number,
  asOf: string,
  c: StatCounts,
): RegionStatsRow {
  const byType = VIOLATION_TYPES.filter((t) => c.violations.byType[t]).map((type: ViolationType) => ({
    type,
    open: c.violations.byType[type]?.open ?? 0,
    total: c.violations.byType[type]?.total ?? 0,
  }));
  return {
    region: region.code,
    regionName: region.name,
    level: region.level,
    year,
    asOf,
    enterprises: categories(c.enterprises),
    appointed: categories(c.appointed),
    rates: ratesOf(c),
    eligible: { count: c.eligible, rate: rate(c.eligible, c.appointed.total) },
    training: { applicable: c.training.applicable, compliant: c.training.compliant, rate: rate(c.training.compliant, c.training.applicable) },
    filings: {
      expected: c.filings.expected,
      submitted: c.filings.submitted,
      onTime: c.filings.onTime,
      accepted: c.filings.accepted,
      rate: rate(c.filings.submitted, c.filings.expected),
      onTimeRate: rate(c.filings.onTime, c.filings.expected),
      progress: {
        notStarted: c.filings.notStarted,
        draft: c.filings.draft,
        awaitingReview: c.filings.awaitingReview,
        returned: c.filings.returned,
        accepted: c.filings.accepted,
        late: c.filings.late,
      },
    },
    violations: { open: c.violations.open, total: c.violations.total, byType },
    termsEndingSoon: c.termsEndingSoon,
    disqualifiedInPost: c.disqualifiedInPost,
  };
}

export function trendPoint(year: number, asOf: string, c: StatCounts): TrendPoint {
  return {
    year,
    asOf,
    rates: ratesOf(c),
    eligibleRate: rate(c.eligible, c.appointed.total),
    trainingRate: rate(c.training.compliant, c.training.applicable),
    filingRate: rate(c.filings.submitted, c.filings.expected),
    onTimeRate: rate(c.filings.onTime, c.filings.expected),
  };
}

// ---------------------------------------------------------------------------------------------
// Targets and projection

/** hubei-2021 defaults (seed 004 一): award 100% by 2021-12-31; aboveSize 100% and sme ≥ 60% by 2025-12-31. */
export const DEFAULT_TARGETS: readonly StatTarget[] = [
  { category: 'award', value: 1, deadline: '2021-12-31' },
  { category: 'aboveSize', value: 1, deadline: '2025-12-31' },
  { category: 'sme', value: 0.6, deadline: '2025-12-31' },
];

export const DEFAULT_WEIGHTS: Readonly<AssessmentWeights> = {
  aboveSize: 25,
  sme: 20,
  award: 15,
  filingOnTime: 20,
  training: 20,
  penaltyPerDisqualified: 2,
  penaltyCap: 20,
};

/** A date as a fractional year (2025-12-31 ≈ 2025.997), for fitting a line through yearly rates. */
export function yearFraction(date: string): number {
  const d = Date.parse(`${date}T00:00:00Z`);
  const y = Number(date.slice(0, 4));
  const start = Date.UTC(y, 0, 1);
  const length = Date.UTC(y + 1, 0, 1) - start;
  return y + (d - start) / length;
}

export interface RatePoint {
  /** The as-of date of the rate. */
  asOf: string;
  rate: number | null;
}

/**
 * Where a rate will be on `deadline`: the least-squares line through the yearly points (their
 * as-of dates), clamped to 0–1. Once the deadline has passed, or with a single point, the
 * projection is the actual rate; with no point at all there is none.
 */
export function projectRate(points: RatePoint[], asOf: string, deadline: string): { projected: number | null; method: TargetProgress['method'] } {
  const known = points.filter((p): p is { asOf: string; rate: number } => p.rate !== null && Number.isFinite(p.rate));
  if (known.length === 0) return { projected: null, method: 'none' };
  const latest = known.reduce((a, b) => (a.asOf >= b.asOf ? a : b));
  if (deadline <= asOf || known.length === 1) return { projected: latest.rate, method: 'actual' };
  const xs = known.map((p) => yearFraction(p.asOf));
  const ys = known.map((p) => p.rate);
  const n = known.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx < 1 / 365) return { projected: latest.rate, method: 'actual' };
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / sxx;
  const value = my + slope * (yearFraction(deadline) - mx);
  return { projected: Math.min(1, Math.max(0, value)), method: 'trend' };
}

/** Rates are compared with a little slack so 0.6 computed as 0.6000000001 or 0.5999999999 is on target. */
const EPSILON = 1e-9;

/**
 * Actual vs target for each target: the actual rate of the category, its projection to the
 * deadline from the history (points of earlier years, as of their year end) and whether the
 * projection reaches the target. Its state is as of `asOf` (a past date gives the state then):
 * met once the actual reaches the target; overdue when not met and the deadline is before `asOf`;
 * pending, with the days left, until then (the deadline day itself included).
 */
export function targetProgress(targets: readonly StatTarget[], actual: StatRates, history: { asOf: string; rates: StatRates }[], asOf: string): TargetProgress[] {
  return targets.map((t) => {
    const points = [...history.filter((h) => h.asOf < asOf).map((h) => ({ asOf: h.asOf, rate: h.rates[t.category] })), { asOf, rate: actual[t.category] }];
    const { projected, method } = projectRate(points, asOf, t.deadline);
    const rate = actual[t.category];
    const met = rate !== null && rate + EPSILON >= t.value;
    // The deadline day itself still counts as in time: overdue from the day after.
    const passed = t.deadline < asOf;
    const state: TargetProgress['state'] = met ? 'met' : rate === null ? 'none' : passed ? 'overdue' : 'pending';
    return {
      category: t.category,
      target: t.value,
      deadline: t.deadline,
      actual: actual[t.category],
      projected,
      onTrack: projected === null ? null : projected + EPSILON >= t.value,
      method,
      state,
      daysLeft: state === 'pending' ? daysBetween(asOf, t.deadline) : null,
    };
  });
}

const TARGET_LABELS: Record<TargetCategory, string> = { aboveSize: '规上企业聘任率', sme: '中小企业聘任率', award: '获奖企业聘任率' };
export const targetLabel = (c: TargetCategory): string => TARGET_LABELS[c];

/** Field errors (Chinese) for saving targets and weights; empty when valid. */
export function validateStatSettings(targets: StatTarget[], weights: AssessmentWeights): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<TargetCategory>();
  targets.forEach((t, i) => {
    if (seen.has(t.category)) errors[`targets.${i}.category`] = `${TARGET_LABELS[t.category] ?? t.category}重复设置`;
    seen.add(t.category);
    if (!(t.value > 0 && t.value <= 1)) errors[`targets.${i}.value`] = '目标值应在 0（不含）至 100% 之间';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(t.deadline) || Number.isNaN(Date.parse(t.deadline))) errors[`targets.${i}.deadline`] = '截止日期格式应为 YYYY-MM-DD';
  });
  const parts: (keyof AssessmentWeights)[] = ['aboveSize', 'sme', 'award', 'filingOnTime', 'training'];
  for (const k of [...parts, 'penaltyPerDisqualified', 'penaltyCap'] as const) {
    if (!(Number.isFinite(weights[k]) && weights[k] >= 0 && weights[k] <= 100)) errors[`weights.${k}`] = '权重应为 0–100 之间的数';
  }
  const sum = parts.reduce((s, k) => s + (Number.isFinite(weights[k]) ? weights[k] : 0), 0);
  if (!errors['weights.aboveSize'] && Math.abs(sum - 100) > 1e-6) errors['weights'] = `各项权重之和应为 100（当前 ${Math.round(sum * 10) / 10}）`;
  return errors;
}

// ---------------------------------------------------------------------------------------------
// City assessment (考核)

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * One city's yearly score out of 100: each appointment rate against its target (capped at the
 * target), the filing on-time rate and the training compliance rate, each times its weight. A part
 * the city has nothing to measure for (no enterprise in the category, no expected report, no CQO
 * the training rule applies to) does not count, and the other parts are scaled up to 100. Each CQO
 * disqualified but still in post then takes off `penaltyPerDisqualified`, up to `penaltyCap`.
 */
export function assessCity(
  row: Pick<RegionStatsRow, 'rates' | 'filings' | 'training' | 'disqualifiedInPost'>,
  targets: readonly StatTarget[],
  weights: AssessmentWeights,
): Omit<CityAssessment, 'code' | 'name' | 'rank'> {
  const targetOf = (c: TargetCategory) => targets.find((t) => t.category === c)?.value ?? 1;
  const part = (key: AssessmentPart['key'], value: number | null, target: number | null): AssessmentPart => {
    const weight = weights[key];
    if (value === null) return { key, weight, value, target, points: null };
    const achieved = target === null ? value : Math.min(1, target > 0 ? value / target : 1);
    return { key, weight, value, target, points: round1(weight * achieved) };
  };
  const parts = [
    part('aboveSize', row.rates.aboveSize, targetOf('aboveSize')),
    part('sme', row.rates.sme, targetOf('sme')),
    part('award', row.rates.award, targetOf('award')),
    part('filingOnTime', row.filings.onTimeRate, null),
    part('training', row.training.rate, null),
  ];
  const applicable = parts.filter((p) => p.points !== null);
  const weightSum = parts.reduce((s, p) => s + p.weight, 0);
  const applicableWeight = applicable.reduce((s, p) => s + p.weight, 0);
  const earned = applicable.reduce((s, p) => {
    const achieved = p.target === null ? (p.value as number) : Math.min(1, p.target > 0 ? (p.value as number) / p.target : 1);
    return s + p.weight * achieved;
  }, 0);
  const base = applicableWeight > 0 ? (earned / applicableWeight) * (weightSum > 0 ? 100 : 0) : 0;
  const penalty = Math.min(weights.penaltyCap, row.disqualifiedInPost * weights.penaltyPerDisqualified);
  return { score: round1(Math.max(0, base - penalty)), parts, penalty: { count: row.disqualifiedInPost, points: round1(penalty) } };
}

/** Ranks the cities by score (ties share a rank, then by code), best first. */
export function rankCities(items: Omit<CityAssessment, 'rank'>[]): CityAssessment[] {
  const sorted = [...items].sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  let rank = 0;
  return sorted.map((item, i) => {
    if (i === 0 || item.score !== sorted[i - 1].score) rank = i + 1;
    return { ...item, rank };
  });
}
