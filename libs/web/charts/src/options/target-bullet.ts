import type { TargetCategory, TargetProgress } from '@cqo/contracts';
import type { BulletChartOption } from './option-types';
import { formatRate } from '@cqo/policy';
import { emptyTitle, escapeHtml, firstParam } from './format';

export interface TargetBulletLabels {
  category: (category: TargetCategory) => string;
  actual: string;
  target: string;
  projected: string;
  deadline: string;
  onTrack: string;
  offTrack: string;
  /** No projection could be made (no rate yet). */
  unknown: string;
  empty: string;
}

/** Bar colours by outlook: reaching the target by the deadline, falling short, or unknown. */
/** Pixels the projected diamond sits above the bar's centre line (the bar is at most BAR_WIDTH high). */
const BAR_WIDTH = 22;
const PROJECTED_LIFT = 15;

export const TARGET_COLORS = { onTrack: '#67c23a', offTrack: '#f56c6c', unknown: '#909399', target: '#303133', projected: '#409eff' } as const;

export function targetColor(onTrack: boolean | null): string {
  if (onTrack === null) return TARGET_COLORS.unknown;
  return onTrack ? TARGET_COLORS.onTrack : TARGET_COLORS.offTrack;
}

/** Tooltip lines of one target, "—" for any figure that is missing. */
export function describeTarget(t: TargetProgress, labels: TargetBulletLabels): string[] {
  const outlook = t.onTrack === null ? labels.unknown : t.onTrack ? labels.onTrack : labels.offTrack;
  return [
    `${labels.category(t.category)}（${outlook}）`,
    `${labels.actual}：${formatRate(t.actual)}`,
    `${labels.target}：${formatRate(t.target)}`,
    `${labels.projected}：${formatRate(t.projected)}`,
    `${labels.deadline}：${t.deadline}`,
  ];
}

/**
 * One bullet per target: the actual rate as a bar coloured by outlook (on track / short / unknown),
 * the target as a vertical tick and the rate projected to the deadline as a diamond. A rate with
 * no figure draws no bar and reads "—". Targets keep their given order, top to bottom.
 */
export function buildTargetBulletOption(targets: readonly TargetProgress[], labels: TargetBulletLabels): BulletChartOption {
  const categories = targets.map((t) => `${labels.category(t.category)}\n${labels.deadline} ${t.deadline}`);
  return {
    ...(targets.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const target = targets[firstParam(params)?.dataIndex ?? -1];
        return target ? describeTarget(target, labels).map(escapeHtml).join('<br/>') : '';
      },
    },
    legend: { top: 0, data: [labels.actual, labels.target, labels.projected] },
    grid: { left: 16, right: 48, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => formatRate(v, 0) } },
    yAxis: { type: 'category', inverse: true, data: categories },
    series: [
      {
        name: labels.actual,
        type: 'bar',
        barMaxWidth: BAR_WIDTH,
        data: targets.map((t) => ({ value: t.actual ?? '-', itemStyle: { color: targetColor(t.onTrack) } })),
        label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => formatRate(targets[p.dataIndex]?.actual) },
        // The grey track shows the whole 0–100% scale behind the bar.
        showBackground: true,
        backgroundStyle: { color: 'rgba(144, 147, 153, 0.12)' },
      },
      {
        name: labels.target,
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [4, 30],
        itemStyle: { color: TARGET_COLORS.target },
        data: targets.map((t, i) => [t.target, i]),
        z: 3,
      },
      {
        name: labels.projected,
        type: 'scatter',
        symbol: 'diamond',
        symbolSize: 12,
        // On the bar's upper edge, not on its middle: the bar's value label sits right of the bar's end,
        // where a projection a little above the rate put the diamond over the label's digits.
        symbolOffset: [0, -PROJECTED_LIFT],
        itemStyle: { color: TARGET_COLORS.projected },
        data: targets.map((t, i) => [t.projected ?? '-', i]),
        z: 4,
      },
    ],
  };
}
