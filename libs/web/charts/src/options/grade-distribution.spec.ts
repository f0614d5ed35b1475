import type { BarSeriesOption } from 'echarts/charts';
import type { GradeDistributionRow } from '@cqo/contracts';
import { ROTATE_LABELS_ABOVE } from './format';
import { buildGradeDistributionOption, GRADE_SEGMENTS } from './grade-distribution';

function row(code: string, name: string, AAA: number, AAAA: number, AAAAA: number): GradeDistributionRow {
  return { regionCode: code, regionName: name, AAA, AAAA, AAAAA, total: AAA + AAAA + AAAAA };
}

const rows = [row('420100', '武汉市', 5, 3, 1), row('420200', '黄石市', 0, 0, 0), row('429021', '神农架林区', 1, 0, 0)];
const labels = { total: '合计', empty: '暂无有效证书' };

type Option = ReturnType<typeof buildGradeDistributionOption>;
const series = (o: Option) => o.series as BarSeriesOption[];
const categories = (o: Option) => (o.xAxis as { data: string[] }).data;
const tooltip = (o: Option, dataIndex: number) => (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex }]);

describe('buildGradeDistributionOption', () => {
  it('stacks one segment per grade, lowest first, for every 市州 in the given order', () => {
    const option = buildGradeDistributionOption(rows, labels);
    expect(categories(option)).toEqual(['武汉市', '黄石市', '神农架林区']);
    expect(series(option).map((s) => [s.name, s.data])).toEqual([
      ['AAA', [5, 0, 1]],
      ['AAAA', [3, 0, 0]],
      ['AAAAA', [1, 0, 0]],
    ]);
    expect(new Set(series(option).map((s) => s.stack)).size).toBe(1);
    expect(series(option).every((s) => s.type === 'bar')).toBe(true);
    expect(GRADE_SEGMENTS).toEqual(['AAA', 'AAAA', 'AAAAA']);
  });

  it('names the grades through the labels and lists them with the total in the tooltip', () => {
    const option = buildGradeDistributionOption(rows, { ...labels, grade: (g) => `${g} 级` });
    expect((option.legend as { data: string[] }).data).toEqual(['AAA 级', 'AAAA 级', 'AAAAA 级']);
    expect(tooltip(option, 0)).toBe('武汉市<br/>AAA 级：5<br/>AAAA 级：3<br/>AAAAA 级：1<br/>合计：9');
    expect(tooltip(option, 9)).toBe('');
  });

  it('escapes region names in the tooltip', () => {
    const option = buildGradeDistributionOption([row('1', '<b>x</b>', 1, 0, 0)], labels);
    expect(tooltip(option, 0)).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('says so when there is no region', () => {
    const option = buildGradeDistributionOption([], labels);
    expect(option.title).toMatchObject({ text: '暂无有效证书' });
    expect(series(option).map((s) => s.data)).toEqual([[], [], []]);
  });

  it('slants the names of many regions (Hubei has 17 市州)', () => {
    expect((buildGradeDistributionOption(rows, labels).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(0);
    const many = Array.from({ length: ROTATE_LABELS_ABOVE + 1 }, (_, i) => row(`42${i}`, `市${i}`, 1, 1, 1));
    expect((buildGradeDistributionOption(many, labels).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(30);
  });
});
