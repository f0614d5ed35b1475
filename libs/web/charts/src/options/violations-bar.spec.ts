import type { BarSeriesOption } from 'echarts/charts';
import { buildViolationsOption, violationTypesShown } from './violations-bar';

const labels = { type: (t: string) => t, open: '未整改', resolved: '已整改或结案', empty: '暂无违规记录' };

describe('buildViolationsOption', () => {
  // Given out of the catalogue's order, with one type never recorded.
  const byType = [
    { type: '刑事处分' as const, open: 1, total: 1 },
    { type: '违法违规' as const, open: 2, total: 5 },
    { type: '重大失误受处分' as const, open: 0, total: 0 },
  ];

  it("lists recorded types in the catalogue's order and leaves unrecorded ones out", () => {
    const option = buildViolationsOption(byType, labels);
    expect((option.yAxis as { data: string[] }).data).toEqual(['违法违规', '刑事处分']);
    expect(violationTypesShown(byType)).toEqual(['违法违规', '刑事处分']);
  });

  it('stacks open violations before the resolved rest', () => {
    const series = buildViolationsOption(byType, labels).series as BarSeriesOption[];
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['未整改', [2, 1]],
      ['已整改或结案', [3, 0]],
    ]);
  });

  it('says there are no violations for none', () => {
    const option = buildViolationsOption([], labels);
    expect((option.yAxis as { data: string[] }).data).toEqual([]);
    expect(option.title).toMatchObject({ text: '暂无违规记录' });
  });
});
