import type { AssessmentPartKey, CityAssessment } from '@cqo/contracts';
import type { BarChartOption, MapChartOption } from './option-types';
import { formatRate } from '@cqo/policy';
import { emptyTitle, escapeHtml, firstParam } from './format';

export const ASSESSMENT_PART_KEYS: readonly AssessmentPartKey[] = ['aboveSize', 'sme', 'award', 'filingOnTime', 'training'];

export interface RankingLabels {
  score: string;
  /** "第 {rank} 名". */
  rank: (rank: number) => string;
  part: (key: AssessmentPartKey) => string;
  points: string;
  penalty: string;
  /** A part the city has nothing to measure for. */
  notApplicable: string;
  empty: string;
}

export interface RankingOptions {
  /** One stacked segment per assessment part (points before rescaling) instead of one score bar. */
  stacked?: boolean;
  /** A city to draw in the accent colour (the signed-in city's own bar). */
  highlight?: string | null;
}

export const RANKING_STACK = 'score';

/** The ranking in rank order, ties by code, whatever order the items come in. */
export function rankingOrder(items: readonly CityAssessment[]): CityAssessment[] {
  return [...items].sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code));
}

/** Tooltip lines of one city: rank and score, each part's points (and rate), the penalty. */
export function describeAssessment(item: CityAssessment, labels: RankingLabels): string[] {
  const lines = [`${item.name} ${labels.rank(item.rank)}`, `${labels.score}：${item.score}`];
  for (const part of item.parts) {
    const points = part.points === null ? labels.notApplicable : `${part.points}/${part.weight}`;
    lines.push(`${labels.part(part.key)}：${points}（${formatRate(part.value)}）`);
  }
  if (item.penalty.points > 0) lines.push(`${labels.penalty}：-${item.penalty.points}（${item.penalty.count}）`);
  return lines;
}

/**
 * The 市州 ranking as horizontal bars, first place on top. Plain: the final score (0–100) with
 * its value at the bar end. Stacked: each part's points as a segment (parts that do not apply are
 * gaps; the tooltip tells the final score, which is rescaled and penalised).
 */
export function buildRankingOption(items: readonly CityAssessment[], labels: RankingLabels, options: RankingOptions = {}): BarChartOption {
  const ordered = rankingOrder(items);
  const names = ordered.map((item) => item.name);
  const tooltipFormatter = (params: unknown): string => {
    const item = ordered[firstParam(params)?.dataIndex ?? -1];
    return item ? describeAssessment(item, labels).map(escapeHtml).join('<br/>') : '';
  };
  const series: BarChartOption['series'] = options.stacked
    ? ASSESSMENT_PART_KEYS.map((key) => ({
        name: labels.part(key),
        type: 'bar' as const,
        stack: RANKING_STACK,
        barMaxWidth: 22,
        emphasis: { focus: 'series' as const },
        data: ordered.map((item) => item.parts.find((p) => p.key === key)?.points ?? '-'),
      }))
    : [
        {
          name: labels.score,
          type: 'bar' as const,
          barMaxWidth: 22,
          label: { show: true, position: 'right' as const },
          data: ordered.map((item) => ({
            value: item.score,
            ...(options.highlight === item.code ? { itemStyle: { color: '#e6a23c' } } : {}),
          })),
        },
      ];
  return {
    ...(ordered.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltipFormatter },
    ...(options.stacked ? { legend: { top: 0, data: ASSESSMENT_PART_KEYS.map((key) => labels.part(key)) } } : {}),
    grid: { left: 16, right: 40, top: options.stacked ? 36 : 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: { type: 'category', inverse: true, data: names, axisTick: { alignWithLabel: true } },
    series,
  };
}

/**
 * The ranking on the province map: each 市州 coloured by its score. `mapName` is the name the
 * GeoJSON was registered under; features must be named like the regions.
 */
export function buildRankingMapOption(items: readonly CityAssessment[], mapName: string, labels: RankingLabels): MapChartOption {
  const ordered = rankingOrder(items);
  return {
    ...(ordered.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const name = (params as { name?: string } | null)?.name;
        const item = ordered.find((i) => i.name === name);
        return item ? describeAssessment(item, labels).map(escapeHtml).join('<br/>') : escapeHtml(name ?? '');
      },
    },
    visualMap: { min: 0, max: 100, left: 8, bottom: 8, calculable: true, text: ['100', '0'], inRange: { color: ['#fde2e2', '#faecd8', '#e1f3d8', '#67c23a'] } },
    series: [
      {
        name: labels.score,
        type: 'map',
        map: mapName,
        roam: false,
        label: { show: true, fontSize: 10 },
        data: ordered.map((item) => ({ name: item.name, value: item.score })),
      },
    ],
  };
}
