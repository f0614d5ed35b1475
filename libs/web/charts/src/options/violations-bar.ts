import type { RegionStats, ViolationType } from '@cqo/contracts';
import { VIOLATION_TYPES } from '@cqo/contracts';
import type { BarChartOption } from './option-types';
import { emptyTitle } from './format';

export interface ViolationsLabels {
  type: (type: ViolationType) => string;
  open: string;
  resolved: string;
  empty: string;
}

/** Violation types in the catalogue's order that have any record, for mapping a clicked bar back to its type. */
export function violationTypesShown(byType: RegionStats['violations']['byType']): ViolationType[] {
  return VIOLATION_TYPES.filter((type) => byType.some((entry) => entry.type === type && entry.total > 0));
}

/**
 * Violations by type as horizontal bars: open ones, then the rectified or closed rest stacked
 * after them. Types without any record are left out; the catalogue's order is kept.
 */
export function buildViolationsOption(byType: RegionStats['violations']['byType'], labels: ViolationsLabels): BarChartOption {
  const types = violationTypesShown(byType);
  const entry = (type: ViolationType) => byType.find((e) => e.type === type) ?? { type, open: 0, total: 0 };
  return {
    ...(types.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: [labels.open, labels.resolved] },
    grid: { left: 16, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: types.map((type) => labels.type(type)) },
    series: [
      { name: labels.open, type: 'bar', stack: 'violations', barMaxWidth: 22, itemStyle: { color: '#f56c6c' }, data: types.map((type) => entry(type).open) },
      {
        name: labels.resolved,
        type: 'bar',
        stack: 'violations',
        barMaxWidth: 22,
        itemStyle: { color: '#c0c4cc' },
        data: types.map((type) => Math.max(0, entry(type).total - entry(type).open)),
      },
    ],
  };
}
