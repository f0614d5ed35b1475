import type { CqoGrade, GradeDistributionRow } from '@cqo/contracts';
import type { BarChartOption } from './option-types';
import { countText, emptyTitle, escapeHtml, firstParam, ROTATE_LABELS_ABOVE } from './format';

/** Stacked lowest first, so the bar grows upwards from AAA to AAAAA. */
export const GRADE_SEGMENTS: readonly CqoGrade[] = ['AAA', 'AAAA', 'AAAAA'];

const GRADE_COLORS: Record<CqoGrade, string> = {
  AAA: '#79bbff',
  AAAA: '#409eff',
  AAAAA: '#e6a23c',
};

export interface GradeDistributionLabels {
  /** e.g. '合计' in the tooltip. */
  total: string;
  empty: string;
  /** A grade's legend/tooltip name; the grade itself by default. */
  grade?: (grade: CqoGrade) => string;
}

/**
 * Valid capability certificates per 市州 (or per county under a 市州), one stacked bar per region
 * with a segment per grade, regions in the API's order. A click's `seriesIndex` names the grade
 * (GRADE_SEGMENTS) and its `dataIndex` the row.
 */
export function buildGradeDistributionOption(rows: readonly GradeDistributionRow[], labels: GradeDistributionLabels): BarChartOption {
  const name = (grade: CqoGrade): string => labels.grade?.(grade) ?? grade;
  const rotate = rows.length > ROTATE_LABELS_ABOVE ? 30 : 0;
  return {
    ...(rows.length === 0 ? { title: emptyTitle(labels.empty) } : {}),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const row = rows[firstParam(params)?.dataIndex ?? -1];
        if (!row) return '';
        const lines = [row.regionName, ...GRADE_SEGMENTS.map((g) => `${name(g)}：${countText(row[g])}`), `${labels.total}：${countText(row.total)}`];
        return lines.map(escapeHtml).join('<br/>');
      },
    },
    legend: { top: 0, data: GRADE_SEGMENTS.map(name) },
    grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((row) => row.regionName), axisLabel: { interval: 0, rotate }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: GRADE_SEGMENTS.map((grade) => ({
      name: name(grade),
      type: 'bar' as const,
      stack: 'grades',
      barMaxWidth: 40,
      itemStyle: { color: GRADE_COLORS[grade] },
      emphasis: { focus: 'series' as const },
      data: rows.map((row) => row[grade]),
    })),
  };
}
