import type { OverviewRow } from '@cqo/contracts';
import type { BarChartOption } from './option-types';

export interface ChildrenBarLabels {
  aboveSize: string;
  sme: string;
}

/** Beyond this many regions the names no longer fit side by side and are slanted. */
export const ROTATE_LABELS_ABOVE = 6;

/** Shared `stack` id: both series pile up in one bar per region. */
export const CHILDREN_BAR_STACK = 'enterprises';

/**
 * Enterprises per child region as one stacked bar each (规上 / 中小), in the order the API lists
 * the regions. Pure: the same rows and labels always give the same option.
 */
export function buildChildrenBarOption(
  rows: readonly OverviewRow[],
  labels: ChildrenBarLabels,
): BarChartOption {
  const rotate = rows.length > ROTATE_LABELS_ABOVE ? 30 : 0;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: [labels.aboveSize, labels.sme] },
    grid: { left: 16, right: 16, top: 40, bottom: 8 },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.name),
      axisLabel: { interval: 0, rotate },
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: labels.aboveSize,
        type: 'bar',
        stack: CHILDREN_BAR_STACK,
        barMaxWidth: 40,
        emphasis: { focus: 'series' },
        data: rows.map((row) => row.aboveSize),
      },
      {
        name: labels.sme,
        type: 'bar',
        stack: CHILDREN_BAR_STACK,
        barMaxWidth: 40,
        emphasis: { focus: 'series' },
        data: rows.map((row) => row.sme),
      },
    ],
  };
}
