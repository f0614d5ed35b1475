import type { BarSeriesOption } from 'echarts/charts';
import type { OverviewRow } from '@cqo/contracts';
import { buildChildrenBarOption, CHILDREN_BAR_STACK, ROTATE_LABELS_ABOVE } from './children-bar';

const labels = { aboveSize: '规上企业', sme: '中小企业' };

function row(code: string, name: string, aboveSize: number, sme: number): OverviewRow {
  return { code, name, level: 2, total: aboveSize + sme, aboveSize, sme, award: 0 };
}

function seriesOf(option: ReturnType<typeof buildChildrenBarOption>): BarSeriesOption[] {
  return option.series as BarSeriesOption[];
}

function xAxisOf(option: ReturnType<typeof buildChildrenBarOption>): {
  data: string[];
  axisLabel: { rotate: number };
} {
  return option.xAxis as unknown as { data: string[]; axisLabel: { rotate: number } };
}

describe('buildChildrenBarOption', () => {
  const rows = [row('420100', '武汉市', 1200, 3400), row('420200', '黄石市', 300, 900)];

  it('puts one category per child region, in the given order', () => {
    expect(xAxisOf(buildChildrenBarOption(rows, labels)).data).toEqual(['武汉市', '黄石市']);
  });

  it('stacks a 规上 series and a 中小 series with the labels it is given', () => {
    const series = seriesOf(buildChildrenBarOption(rows, labels));
    expect(series.map((s) => s.name)).toEqual(['规上企业', '中小企业']);
    expect(series.every((s) => s.type === 'bar' && s.stack === CHILDREN_BAR_STACK)).toBe(true);
    expect(series[0].data).toEqual([1200, 300]);
    expect(series[1].data).toEqual([3400, 900]);
  });

  it('names the legend after the series', () => {
    const option = buildChildrenBarOption(rows, { aboveSize: 'Above size', sme: 'SME' });
    expect(option.legend).toMatchObject({ data: ['Above size', 'SME'] });
    expect(seriesOf(option).map((s) => s.name)).toEqual(['Above size', 'SME']);
  });

  it('slants the region names only when there are many regions', () => {
    expect(xAxisOf(buildChildrenBarOption(rows, labels)).axisLabel.rotate).toBe(0);
    const many = Array.from({ length: ROTATE_LABELS_ABOVE + 1 }, (_, i) =>
      row(`4201${String(i).padStart(2, '0')}`, `区${i}`, i, i),
    );
    expect(xAxisOf(buildChildrenBarOption(many, labels)).axisLabel.rotate).toBe(30);
  });

  it('gives an empty but valid chart for no rows', () => {
    const option = buildChildrenBarOption([], labels);
    expect(xAxisOf(option).data).toEqual([]);
    expect(seriesOf(option).map((s) => s.data)).toEqual([[], []]);
  });

  it('does not change its input and is deterministic', () => {
    const snapshot = JSON.parse(JSON.stringify(rows)) as OverviewRow[];
    const first = buildChildrenBarOption(rows, labels);
    const second = buildChildrenBarOption(rows, labels);
    expect(rows).toEqual(snapshot);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
  });

  it('keeps counts as integers on a whole-number axis', () => {
    expect(buildChildrenBarOption(rows, labels).yAxis).toMatchObject({ type: 'value', minInterval: 1 });
  });
});
