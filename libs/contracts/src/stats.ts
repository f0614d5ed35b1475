import type { RegionNode } from './api';
import type { RegionLevel } from './roles';
import type { ViolationType } from './cqo';

// Statistics snapshots, targets and the city assessment (SPEC §7, seed 004 一 and 三(三)).

export const TARGET_CATEGORIES = ['aboveSize', 'sme', 'award'] as const;
export type TargetCategory = (typeof TARGET_CATEGORIES)[number];

export interface CategoryTotals {
  total: number;
  aboveSize: number;
  sme: number;
  award: number;
}

/**
 * The additive counts of a region: everything a snapshot stores. Every number is a count, so the
 * counts of a region are the sums of its own enterprises' and its children's; rates are derived.
 */
export interface StatCounts {
  enterprises: CategoryTotals;
  /** Enterprises with an appointment active on the as-of date, by category. */
  appointed: CategoryTotals;
  /** Active appointments whose verdict is `eligible`. */
  eligible: number;
  /** Yearly training rule (SPEC §3): CQOs it applies to, and those meeting it. */
  training: { applicable: number; compliant: number };
  filings: {
    /** Enterprises with an appointment active on the window opening of the year. */
    expected: number;
    /** Expected enterprises whose report is submitted or accepted. */
    submitted: number;
    /** Expected enterprises whose report was submitted by the deadline (not late). */
    onTime: number;
    /** Expected enterprises whose report is accepted. */
    accepted: number;
    /** Every report of the year by state (the progress chart); `notStarted` counts expected ones without a report. */
    notStarted: number;
    draft: number;
    awaitingReview: number;
    returned: number;
    late: number;
  };
  violations: { open: number; total: number; byType: Partial<Record<ViolationType, { open: number; total: number }>> };
  /** Active CQOs by 学历, by 职称/职业资格级别 ('无' when none) and by 职务层级. */
  education: Record<string, number>;
  title: Record<string, number>;
  positionLevel: Record<string, number>;
  /** Active appointments whose term ends within 90 days of the as-of date. */
  termsEndingSoon: number;
  /** Active appointments of CQOs disqualified by a violation but still in post. */
  disqualifiedInPost: number;
}

export interface StatRates {
  /** Fractions 0–1; null when the denominator is 0 (shown as "—"). */
  aboveSize: number | null;
  sme: number | null;
  award: number | null;
  total: number | null;
}

export interface TargetProgress {
  category: TargetCategory;
  /** Target rate, 0–1. */
  target: number;
  deadline: string;
  actual: number | null;
  /** The rate expected on the deadline from the yearly trend (the actual once the deadline has passed). */
  projected: number | null;
  onTrack: boolean | null;
  /** How `projected` was found: a least-squares line over the years, the actual (deadline passed or one year only), or none. */
  method: 'trend' | 'actual' | 'none';
  /**
   * As of the figures' as-of date: `met` (actual ≥ target), `overdue` (逾期未达标: not met and the
   * deadline before the as-of date), `pending` (not met, deadline today or later) or `none` (no
   * enterprise in the category to measure).
   */
  state: 'met' | 'overdue' | 'pending' | 'none';
  /** Whole days from the as-of date to the deadline while pending (0 on the deadline day), else null. */
  daysLeft: number | null;
}

/** SPEC §9's `stats` JSON: one region, one year, one as-of date. */
export interface RegionStats {
  region: string;
  regionName: string;
  level: RegionLevel;
  year: number;
  asOf: string;
  enterprises: CategoryTotals;
  appointed: CategoryTotals;
  rates: StatRates;
  eligible: { count: number; rate: number | null };
  training: { applicable: number; compliant: number; rate: number | null };
  filings: {
    expected: number;
    submitted: number;
    onTime: number;
    accepted: number;
    rate: number | null;
    onTimeRate: number | null;
    progress: { notStarted: number; draft: number; awaitingReview: number; returned: number; accepted: number; late: number };
  };
  violations: { open: number; total: number; byType: { type: ViolationType; open: number; total: number }[] };
  distributions: { education: Record<string, number>; title: Record<string, number>; positionLevel: Record<string, number> };
  termsEndingSoon: number;
  disqualifiedInPost: number;
  targets: TargetProgress[];
  /** Where the numbers come from: the current snapshot (with its run), or computed live for an as-of date no snapshot holds. */
  source: { kind: 'snapshot' | 'live'; runId: number | null; builtAt: string | null };
}

/** A child region's row on a dashboard (no targets, no distributions). */
export type RegionStatsRow = Omit<RegionStats, 'targets' | 'source' | 'distributions'>;

export interface TrendPoint {
  year: number;
  asOf: string;
  rates: StatRates;
  eligibleRate: number | null;
  trainingRate: number | null;
  filingRate: number | null;
  onTimeRate: number | null;
}

export interface StatTarget {
  category: TargetCategory;
  /** 0–1. */
  value: number;
  deadline: string;
}

export interface AssessmentWeights {
  aboveSize: number;
  sme: number;
  award: number;
  filingOnTime: number;
  training: number;
  /** Points taken off for each CQO disqualified but still in post. */
  penaltyPerDisqualified: number;
  /** The most the penalty can take off. */
  penaltyCap: number;
}

export interface StatSettings {
  provinceCode: string;
  targets: StatTarget[];
  weights: AssessmentWeights;
  /** True while the province has saved nothing: hubei-2021 targets and the default weights. */
  isDefault: boolean;
  updatedAt: string | null;
}

export type AssessmentPartKey = 'aboveSize' | 'sme' | 'award' | 'filingOnTime' | 'training';

export interface AssessmentPart {
  key: AssessmentPartKey;
  weight: number;
  /** The measured rate (0–1), null when the city has nothing to measure (not applicable). */
  value: number | null;
  /** The target the rate is held against (category rates only). */
  target: number | null;
  /** Points earned, before rescaling for parts that do not apply. */
  points: number | null;
}

export interface CityAssessment {
  code: string;
  name: string;
  rank: number;
  /** 0–100 after the penalty, one decimal. */
  score: number;
  parts: AssessmentPart[];
  penalty: { count: number; points: number };
}

export interface AssessmentResponse {
  year: number;
  asOf: string;
  weights: AssessmentWeights;
  items: CityAssessment[];
  updatedAt: string | null;
}

export interface StatRunInfo {
  id: number;
  kind: 'full' | 'incremental';
  trigger: string;
  years: number[];
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  rows: number | null;
  ms: number | null;
  error: string | null;
}

export interface DashboardResponse {
  region: RegionNode;
  year: number;
  asOf: string;
  /** Time the snapshot was built ("数据更新于 …"); null before the first aggregation. */
  updatedAt: string | null;
  self: RegionStats;
  /** One row per child region (市州 of a province, 县 of a city); empty for a county. */
  children: (RegionStatsRow & { hasChildren: boolean })[];
  trend: TrendPoint[];
  /** The 市州 ranking: every city for the province (and admin), the city's own entry for a city. */
  assessment: { items: CityAssessment[]; cities: number } | null;
  /** Enterprise annual reports of the year waiting for review in the region (city and county dashboards). */
  reviewQueue: number | null;
  /** Registered GeoJSON map name for the province, when one is configured; the ranking chart otherwise. */
  map: string | null;
}
