import type { RegionStatsRow } from '@cqo/contracts';
import type { BarChartOption } from './option-types';
import { formatRate } from '@cqo/policy';
import { countText, emptyTitle, escapeHtml, firstParam, ROTATE_LABELS_ABOVE } from './format';

/** One segment of a per-region stacked bar. */
export interface StackSegment<K extends string = string> {
  key: K;
  label: string;
  color: string;
  value: (row: RegionStatsRow) => number;
}

/** A rate shown under the segments in the tooltip (e.g. "合格率 75.0%"). */
export interface StackRate {
  label: string;
  value: (row: RegionStatsRow) => number | null;
}

/**
 * Regions (children, or the region itself at county level) as one stacked bar each, in the
 * given order, with a tooltip listing every segment and the rates. Series follow `segments`, so
 * a click's `seriesIndex` names the segment clicked.
 */
export function buildChildrenStackOption(
  rows: readonly RegionStatsRow[],
  segments: readonly StackSegment[],
  rates: readonly StackRate[],
  emptyText: string,
): BarChartOption {
  const rotate = rows.length > ROTATE_LABELS_ABOVE ? 30 : 0;
  return {
    ...(rows.length === 0 ? { title: emptyTitle(emptyText) } : {}),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const row = rows[firstParam(params)?.dataIndex ?? -1];
        if (!row) return '';
        const lines = [row.regionName, ...segments.map((s) => `${s.label}：${countText(s.value(row))}`), ...rates.map((r) => `${r.label}：${formatRate(r.value(row))}`)];
        return lines.map(escapeHtml).join('<br/>');
      },
    },
    legend: { top: 0, data: segments.map((s) => s.label) },
    grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((row) => row.regionName), axisLabel: { interval: 0, rotate }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: segments.map((s) => ({
      name: s.label,
      type: 'bar' as const,
      stack: 'regions',
      barMaxWidth: 40,
      itemStyle: { color: s.color },
      emphasis: { focus: 'series' as const },
      data: rows.map((row) => s.value(row)),
    })),
  };
}

// --- The three per-region breakdowns of the dashboard -------------------------------------

export const ELIGIBILITY_SEGMENTS = ['eligible', 'ineligible'] as const;
export type EligibilitySegment = (typeof ELIGIBILITY_SEGMENTS)[number];

/** Active CQOs judged eligible vs the rest (attention or ineligible), per region. */
export function buildEligibilityOption(
  rows: readonly RegionStatsRow[],
  labels: Record<EligibilitySegment, string> & { rate: string; empty: string },
): BarChartOption {
  return buildChildrenStackOption(
    rows,
    [
      { key: 'eligible', label: labels.eligible, color: '#67c23a', value: (r) => r.eligible.count },
      { key: 'ineligible', label: labels.ineligible, color: '#f56c6c', value: (r) => Math.max(0, r.appointed.total - r.eligible.count) },
    ],
    [{ label: labels.rate, value: (r) => r.eligible.rate }],
    labels.empty,
  );
}

export const TRAINING_SEGMENTS = ['compliant', 'shortfall'] as const;
export type TrainingSegment = (typeof TRAINING_SEGMENTS)[number];

/** CQOs meeting the yearly training rule vs short of it, per region. */
export function buildTrainingOption(
  rows: readonly RegionStatsRow[],
  labels: Record<TrainingSegment, string> & { rate: string; empty: string },
): BarChartOption {
  return buildChildrenStackOption(
    rows,
    [
      { key: 'compliant', label: labels.compliant, color: '#409eff', value: (r) => r.training.compliant },
      { key: 'shortfall', label: labels.shortfall, color: '#e6a23c', value: (r) => Math.max(0, r.training.applicable - r.training.compliant) },
    ],
    [{ label: labels.rate, value: (r) => r.training.rate }],
    labels.empty,
  );
}

/** Report states in the order the progress bar stacks them, done first. */
export const FILING_SEGMENTS = ['accepted', 'awaitingReview', 'returned', 'draft', 'notStarted'] as const;
export type FilingSegment = (typeof FILING_SEGMENTS)[number];

const FILING_COLORS: Record<FilingSegment, string> = {
  accepted: '#67c23a',
  awaitingReview: '#409eff',
  returned: '#f56c6c',
  draft: '#e6a23c',
  notStarted: '#c0c4cc',
};

/** Annual reports of the year per region: accepted / awaiting review / returned / draft / not started. */
export function buildFilingProgressOption(
  rows: readonly RegionStatsRow[],
  labels: Record<FilingSegment, string> & { rate: string; onTimeRate: string; empty: string },
): BarChartOption {
  return buildChildrenStackOption(
    rows,
    FILING_SEGMENTS.map((key) => ({ key, label: labels[key], color: FILING_COLORS[key], value: (r: RegionStatsRow) => r.filings.progress[key] })),
    [
      { label: labels.rate, value: (r) => r.filings.rate },
      { label: labels.onTimeRate, value: (r) => r.filings.onTimeRate },
    ],
    labels.empty,
  );
}
