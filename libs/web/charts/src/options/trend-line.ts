import type { TrendPoint } from '@cqo/contracts';
import type { LineChartOption } from './option-types';
import { formatRate } from '@cqo/policy';
import { emptyTitle } from './format';

export const TREND_KEYS = ['aboveSize', 'sme', 'award', 'eligible', 'training', 'filing'] as const;
export type TrendKey = (typeof TREND_KEYS)[number];

export type TrendLabels = Record<TrendKey, string> & { empty: string };

function valueOf(point: TrendPoint, key: TrendKey): number | null {
  switch (key) {
    case 'aboveSize':
    case 'sme':
    case 'award':
      return point.rates[key];
    case 'eligible':
      return point.eligibleRate;
    case 'training':
      return point.trainingRate;
    case 'filing':
      return point.filingRate;
    default: {
      const unhandled: never = key;
      throw new Error(`Unknown trend line ${String(unhandled)}`);
    }
  }
}

/**
 * The rates by year, oldest first: the three appointment rates, then the eligible, training and
 * filing rates. A year without a figure is a gap in its line (never a drop to 0), and reads "—".
 */
export function buildTrendOption(points: readonly TrendPoint[], labels: TrendLabels): LineChartOption {
  const sorted = [...points].sort((a, b) => a.year - b.year);
  return {
    ...(sorted.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => formatRate(value) },
    legend: { top: 0, data: TREND_KEYS.map((key) => labels[key]) },
    grid: { left: 16, right: 24, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: 'category', boundaryGap: false, data: sorted.map((p) => String(p.year)) },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => formatRate(v, 0) } },
    series: TREND_KEYS.map((key) => ({
      name: labels[key],
      type: 'line' as const,
      connectNulls: false,
      symbolSize: 6,
      // Appointment rates are the targets' measures: solid; the others dashed.
      lineStyle: { type: key === 'aboveSize' || key === 'sme' || key === 'award' ? ('solid' as const) : ('dashed' as const) },
      data: sorted.map((p) => valueOf(p, key) ?? '-'),
    })),
  };
}
