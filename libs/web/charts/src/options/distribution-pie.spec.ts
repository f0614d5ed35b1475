import type { PieSeriesOption } from 'echarts/charts';
import { buildDistributionOption, distributionEntries } from './distribution-pie';

describe('buildDistributionOption', () => {
  const counts = { 本科: 12, 硕士研究生: 4, 大专: 12, 博士研究生: 0 };

  it('puts the largest slice first, ties by name, and leaves out empty ones', () => {
    expect(distributionEntries(counts).map(([k]) => k)).toEqual(['本科', '大专', '硕士研究生']);
    const [pie] = buildDistributionOption(counts, { name: '学历', empty: '暂无数据' }).series as PieSeriesOption[];
    expect(pie.type).toBe('pie');
    expect((pie.data as { value: number }[]).map((d) => d.value)).toEqual([12, 12, 4]);
  });

  it('breaks a long name onto lines instead of cutting it (issue 20 item 9: "大学…")', () => {
    const [pie] = buildDistributionOption(counts, { name: '学历', empty: '' }).series as PieSeriesOption[];
    expect(pie.label).toMatchObject({ overflow: 'break', width: 80 });
    // Labels keep to the chart's edges: a phone-wide card cut "博士研究生" at the left.
    expect(pie.label).toMatchObject({ alignTo: 'edge' });
  });

  it('renders keys through the given label function', () => {
    const [pie] = buildDistributionOption({ 无: 3 }, { name: '职称', empty: '', key: (k) => (k === '无' ? 'None' : k) }).series as PieSeriesOption[];
    expect(pie.data).toEqual([{ name: 'None', value: 3 }]);
  });

  it('shows count and share in the tooltip', () => {
    const option = buildDistributionOption(counts, { name: '学历', empty: '' });
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ name: '硕士研究生', value: 4 })).toBe('硕士研究生：4（14.3%）');
  });

  it('labels each slice with its share read like every other rate (one decimal), not ECharts\' {d}', () => {
    const [pie] = buildDistributionOption(counts, { name: '学历', empty: '' }).series as PieSeriesOption[];
    const formatter = (pie.label as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ name: '硕士研究生', value: 4, percent: 14.29 })).toBe('硕士研究生\n14.3%');
    expect(formatter({ name: '本科', value: 12, percent: 42.86 })).toBe('本科\n42.9%');
  });

  it('says there is no data for an empty distribution', () => {
    const option = buildDistributionOption({}, { name: '学历', empty: '暂无数据' });
    expect((option.series as PieSeriesOption[])[0].data).toEqual([]);
    expect(option.title).toMatchObject({ text: '暂无数据' });
  });
});
