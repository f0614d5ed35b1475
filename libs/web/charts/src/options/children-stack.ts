import type { RegionStatsRow } from '@cqo/contracts';
import type { BarChartOption, PieChartOption } from './option-types';
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
 * One region (a county, or a region with a single child) as a donut of its segments rather than a
 * chart of one bar (issue 20 item 9). Every segment is a slice in `segments` order, empty ones
 * included, so a click's `dataIndex` names the segment clicked; the rates are in the middle.
 */
export function buildSegmentsDonutOption(
  row: RegionStatsRow,
  segments: readonly StackSegment[],
  rates: readonly StackRate[],
  emptyText: string,
): PieChartOption {
  const values = segments.map((s) => s.value(row));
  const total = values.reduce((sum, n) => sum + n, 0);
  return {
    ...(total === 0 ? { title: emptyTitle(emptyText) } : {}),
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { name?: string; value?: number };
        return escapeHtml(`${row.regionName} · ${p.name ?? ''}：${countText(p.value ?? 0)}（${formatRate(total > 0 ? (p.value ?? 0) / total : null)}）`);
      },
    },
    legend: { top: 0, data: segments.map((s) => s.label) },
    series: [
      {
        type: 'pie',
        radius: ['40%', '62%'],
        center: ['50%', '55%'],
        avoidLabelOverlap: true,
        label: { formatter: '{b}\n{c}', overflow: 'break', width: 80, lineHeight: 14 },
        labelLayout: { hideOverlap: true },
        // An empty segment keeps its slot (for the click's dataIndex) but no label of "0" on the ring.
        data: segments.map((s, i) => ({
          name: s.label,
          value: values[i],
          itemStyle: { color: s.color },
          ...(values[i] === 0 ? { label: { show: false }, labelLine: { show: false } } : {}),
        })),
      },
      // The rates, in the hole of the ring.
      {
        type: 'pie',
        radius: ['0%', '0%'],
        center: ['50%', '55%'],
        silent: true,
        label: { position: 'center', formatter: rates.map((r) => `${r.label} ${formatRate(r.value(row))}`).join('\n'), fontSize: 12, lineHeight: 16 },
        data: [{ name: '', value: 1 }],
      },
    ],
  };
}

/**
 * Regions (children) as one stacked bar each, in the given order, with a tooltip listing every
 * segment and the rates. Series follow `segments`, so a click's `seriesIndex` names the segment
 * clicked. A single region is a donut of its segments instead (`buildSegmentsDonutOption`).
 */
export function buildChildrenStackOption(
  rows: readonly RegionStatsRow[],
  segments: readonly StackSegment[],
  rates: readonly StackRate[],
  emptyText: string,
): BarChartOption | PieChartOption {
  if (rows.length === 1) return buildSegmentsDonutOption(rows[0], segments, rates, emptyText);
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
): BarChartOption | PieChartOption {
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
): BarChartOption | PieChartOption {
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
): BarChartOption | PieChartOption {
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

export const SIZE_SEGMENTS = ['appointed', 'without'] as const;
export type SizeSegment = (typeof SIZE_SEGMENTS)[number];
export const SIZE_CLASSES = ['aboveSize', 'sme'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

/**
 * One region's enterprises by size class (规上 / 中小), each bar split into those with a CQO and
 * those without: what a county dashboard shows where a region has no children to compare.
 * Categories follow SIZE_CLASSES (a click's `dataIndex`), series SIZE_SEGMENTS (`seriesIndex`).
 */
export function buildSizeClassOption(
  row: RegionStatsRow,
  labels: Record<SizeClass | SizeSegment, string> & { rate: string; empty: string },
): BarChartOption {
  const appointed = (c: SizeClass) => row.appointed[c];
  const without = (c: SizeClass) => Math.max(0, row.enterprises[c] - row.appointed[c]);
  const total = SIZE_CLASSES.reduce((sum, c) => sum + row.enterprises[c], 0);
  return {
    ...(total === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const c = SIZE_CLASSES[firstParam(params)?.dataIndex ?? -1];
        if (!c) return '';
        return [labels[c], `${labels.appointed}：${countText(appointed(c))}`, `${labels.without}：${countText(without(c))}`, `${labels.rate}：${formatRate(row.rates[c])}`]
          .map(escapeHtml)
          .join('<br/>');
      },
    },
    legend: { top: 0, data: [labels.appointed, labels.without] },
    grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: SIZE_CLASSES.map((c) => labels[c]), axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: labels.appointed, type: 'bar', stack: 'size', barMaxWidth: 48, itemStyle: { color: '#67c23a' }, data: SIZE_CLASSES.map(appointed) },
      { name: labels.without, type: 'bar', stack: 'size', barMaxWidth: 48, itemStyle: { color: '#c0c4cc' }, data: SIZE_CLASSES.map(without) },
    ],
  };
}
