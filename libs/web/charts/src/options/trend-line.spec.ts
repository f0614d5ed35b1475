import type { LineSeriesOption } from 'echarts/charts';
import type { TrendPoint } from '@cqo/contracts';
import { buildTrendOption } from './trend-line';
import type { TrendLabels } from './trend-line';

const labels: TrendLabels = {
  aboveSize: '规上聘任率',
  sme: '中小聘任率',
  award: '获奖聘任率',
  eligible: '合格率',
  training: '培训达标率',
  filing: '报送率',
  empty: '暂无历年数据',
};

function point(year: number, aboveSize: number | null, filingRate: number | null): TrendPoint {
  return {
    year,
    asOf: `${year}-12-31`,
    rates: { aboveSize, sme: 0.2, award: null, total: 0.5 },
    eligibleRate: 0.9,
    trainingRate: 0.7,
    filingRate,
    onTimeRate: null,
  };
}

type Option = ReturnType<typeof buildTrendOption>;
const series = (o: Option) => o.series as LineSeriesOption[];

describe('buildTrendOption', () => {
  const points = [point(2023, 0.6, null), point(2021, 0.2, 0.5), point(2022, null, 0.8)];

  it('puts the years oldest first on the axis', () => {
    expect((buildTrendOption(points, labels).xAxis as { data: string[] }).data).toEqual(['2021', '2022', '2023']);
  });

  it('draws the three appointment rates and the eligible, training and filing rates', () => {
    const option = buildTrendOption(points, labels);
    expect(series(option).map((s) => s.name)).toEqual(['规上聘任率', '中小聘任率', '获奖聘任率', '合格率', '培训达标率', '报送率']);
    expect(series(option).every((s) => s.type === 'line')).toBe(true);
    expect(series(option)[0].data).toEqual([0.2, '-', 0.6]);
    expect(series(option)[5].data).toEqual([0.5, 0.8, '-']);
  });

  it('leaves a gap for a year without a figure instead of joining or dropping to 0', () => {
    const option = buildTrendOption(points, labels);
    expect(series(option)[2].data).toEqual(['-', '-', '-']);
    expect(series(option).every((s) => s.connectNulls === false)).toBe(true);
  });

  it('shows rates as percentages in the tooltip, "—" for a gap', () => {
    const format = (buildTrendOption(points, labels).tooltip as { valueFormatter: (v: unknown) => string }).valueFormatter;
    expect(format(0.6)).toBe('60.0%');
    expect(format('-')).toBe('—');
    expect(format(null)).toBe('—');
  });

  it('keeps the scale at 0–100%', () => {
    expect(buildTrendOption(points, labels).yAxis).toMatchObject({ min: 0, max: 1 });
  });

  it('says there is no history for no points', () => {
    const option = buildTrendOption([], labels);
    expect((option.xAxis as { data: string[] }).data).toEqual([]);
    expect(series(option).every((s) => Array.isArray(s.data) && s.data.length === 0)).toBe(true);
    expect(option.title).toMatchObject({ text: '暂无历年数据' });
  });
});
