import type { PieChartOption } from './option-types';
import { formatRate } from '@cqo/policy';
import { emptyTitle, escapeHtml } from './format';

export interface DistributionLabels {
  /** Series name (e.g. "学历"). */
  name: string;
  empty: string;
  /** Renders a stored key ('无' when none) for display; defaults to the key itself. */
  key?: (key: string) => string;
}

/** Entries with a count, largest first (ties by key, so the order is stable). */
export function distributionEntries(counts: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb, 'zh-CN'));
}

/** A distribution of active CQOs (学历, 职称, 职务层级) as a donut, largest slice first. */
export function buildDistributionOption(counts: Readonly<Record<string, number>>, labels: DistributionLabels): PieChartOption {
  const entries = distributionEntries(counts);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const name = labels.key ?? ((key: string) => key);
  // A slice's share as every other rate in the product reads (not ECharts' own `{d}`).
  const share = (value: number | undefined): string => formatRate(total > 0 ? (value ?? 0) / total : null);
  return {
    ...(entries.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { name?: string; value?: number };
        return escapeHtml(`${p.name ?? ''}：${p.value ?? 0}（${share(p.value)}）`);
      },
    },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        name: labels.name,
        type: 'pie',
        // Room outside the ring for the labels, and long names (大学本科, 硕士研究生) broken onto
        // lines rather than cut to "大学…" in a narrow card (issue 20 item 9); the labels sit
        // against the card's edges, never past them (a phone cut "博士研究生" at the left).
        radius: ['34%', '58%'],
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        label: {
          formatter: (params: unknown) => {
            const p = params as { name?: string; value?: number };
            return `${p.name ?? ''}\n${share(p.value)}`;
          },
          overflow: 'break',
          width: 80,
          lineHeight: 14,
          alignTo: 'edge',
          edgeDistance: 8,
        },
        labelLine: { length: 10, length2: 0, maxSurfaceAngle: 80 },
        labelLayout: { hideOverlap: true },
        data: entries.map(([key, value]) => ({ name: name(key), value })),
      },
    ],
  };
}
