import type { BarSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { RegionStatsRow } from '@cqo/contracts';
import { buildEligibilityOption, buildFilingProgressOption, buildSizeClassOption, buildTrainingOption, FILING_SEGMENTS } from './children-stack';
import type { PieChartOption } from './option-types';
import { ROTATE_LABELS_ABOVE } from './format';

function row(code: string, name: string, over: { appointed?: number; eligible?: number; applicable?: number; compliant?: number } = {}): RegionStatsRow {
  const appointed = over.appointed ?? 10;
  const applicable = over.applicable ?? 8;
  return {
    region: code,
    regionName: name,
    level: 2,
    year: 2024,
    asOf: '2024-12-31',
    enterprises: { total: 20, aboveSize: 10, sme: 10, award: 2 },
    appointed: { total: appointed, aboveSize: appointed, sme: 0, award: 0 },
    rates: { aboveSize: appointed / 10, sme: 0, award: 0, total: appointed / 20 },
    eligible: { count: over.eligible ?? 7, rate: appointed > 0 ? (over.eligible ?? 7) / appointed : null },
    training: { applicable, compliant: over.compliant ?? 6, rate: applicable > 0 ? (over.compliant ?? 6) / applicable : null },
    filings: {
      expected: 10,
      submitted: 6,
      onTime: 5,
      accepted: 4,
      rate: 0.6,
      onTimeRate: 0.5,
      progress: { notStarted: 3, draft: 1, awaitingReview: 2, returned: 1, accepted: 4, late: 1 },
    },
    violations: { open: 0, total: 0, byType: [] },
    termsEndingSoon: 0,
    disqualifiedInPost: 0,
  };
}

const rows = [row('420100', '武汉市'), row('420200', '黄石市', { appointed: 0, eligible: 0, applicable: 0, compliant: 0 })];

type Option = ReturnType<typeof buildEligibilityOption>;
const series = (o: Option) => o.series as BarSeriesOption[];
const categories = (o: Option) => (o.xAxis as { data: string[] }).data;
const tooltip = (o: Option, dataIndex: number) => (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex }]);

describe('buildEligibilityOption', () => {
  const labels = { eligible: '符合', ineligible: '不符合或需关注', rate: '合格率', empty: '暂无数据' };

  it('stacks eligible CQOs and the rest per region, in the given order', () => {
    const option = buildEligibilityOption(rows, labels);
    expect(categories(option)).toEqual(['武汉市', '黄石市']);
    expect(series(option).map((s) => [s.name, s.data])).toEqual([
      ['符合', [7, 0]],
      ['不符合或需关注', [3, 0]],
    ]);
    expect(new Set(series(option).map((s) => s.stack)).size).toBe(1);
  });

  it('tells the rate in the tooltip, "—" where no CQO is appointed', () => {
    const option = buildEligibilityOption(rows, labels);
    expect(tooltip(option, 0)).toBe('武汉市<br/>符合：7<br/>不符合或需关注：3<br/>合格率：70.0%');
    expect(tooltip(option, 1)).toContain('合格率：—');
    expect(tooltip(option, 1)).not.toMatch(/NaN/);
  });

  it('gives an empty chart that says so for no regions', () => {
    const option = buildEligibilityOption([], labels);
    expect(categories(option)).toEqual([]);
    expect(series(option).map((s) => s.data)).toEqual([[], []]);
    expect(option.title).toMatchObject({ text: '暂无数据' });
  });

  it('slants region names only when there are many', () => {
    expect((buildEligibilityOption(rows, labels).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(0);
    const many = Array.from({ length: ROTATE_LABELS_ABOVE + 1 }, (_, i) => row(`4201${i}`, `区${i}`));
    expect((buildEligibilityOption(many, labels).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(30);
  });
});

describe('buildTrainingOption', () => {
  it('stacks compliant CQOs and those short of the rule', () => {
    const option = buildTrainingOption(rows, { compliant: '达标', shortfall: '学时不足', rate: '达标率', empty: '暂无数据' });
    expect(series(option).map((s) => [s.name, s.data])).toEqual([
      ['达标', [6, 0]],
      ['学时不足', [2, 0]],
    ]);
    expect(tooltip(option, 0)).toContain('达标率：75.0%');
    expect(tooltip(option, 1)).toContain('达标率：—');
  });
});

describe('buildFilingProgressOption', () => {
  const labels = {
    accepted: '已通过',
    awaitingReview: '待审核',
    returned: '已退回',
    draft: '草稿',
    notStarted: '未开始',
    rate: '报送率',
    onTimeRate: '按时报送率',
    empty: '暂无数据',
  };

  it('stacks the report states, done first', () => {
    const option = buildFilingProgressOption(rows, labels);
    expect(FILING_SEGMENTS).toEqual(['accepted', 'awaitingReview', 'returned', 'draft', 'notStarted']);
    expect(series(option).map((s) => [s.name, s.data])).toEqual([
      ['已通过', [4, 4]],
      ['待审核', [2, 2]],
      ['已退回', [1, 1]],
      ['草稿', [1, 1]],
      ['未开始', [3, 3]],
    ]);
  });

  it('tells the filing and on-time rates in the tooltip', () => {
    const text = tooltip(buildFilingProgressOption(rows, labels), 0);
    expect(text).toContain('报送率：60.0%');
    expect(text).toContain('按时报送率：50.0%');
  });
});

describe('one region (a county): donuts and the size-class chart instead of one-bar charts', () => {
  it('draws the segments of the single region as slices, in segment order, zero ones kept', () => {
    const option = buildFilingProgressOption([row('420102', '江岸区')], {
      accepted: '已受理',
      awaitingReview: '待审核',
      returned: '已退回',
      draft: '草稿',
      notStarted: '未开始',
      rate: '报送率',
      onTimeRate: '按时率',
      empty: '暂无数据',
    }) as PieChartOption;
    expect(option.xAxis).toBeUndefined();
    const [ring, centre] = option.series as PieSeriesOption[];
    expect(ring.type).toBe('pie');
    expect((ring.data as { name: string; value: number }[]).map((d) => [d.name, d.value])).toEqual(FILING_SEGMENTS.map((k, i) => [['已受理', '待审核', '已退回', '草稿', '未开始'][i], row('x', 'x').filings.progress[k]]));
    expect((ring.data as { value: number; label?: { show: boolean } }[]).filter((d) => d.label?.show === false).map((d) => d.value)).toEqual([]);
    expect((centre.label as { formatter: string }).formatter).toBe('报送率 60.0%\n按时率 50.0%');
  });

  it('splits the region by size class into enterprises with and without a CQO', () => {
    const option = buildSizeClassOption(row('420102', '江岸区', { appointed: 4 }), {
      aboveSize: '规上企业',
      sme: '中小企业',
      appointed: '已聘任',
      without: '未聘任',
      rate: '聘任率',
      empty: '暂无数据',
    });
    expect((option.xAxis as { data: string[] }).data).toEqual(['规上企业', '中小企业']);
    expect((option.series as BarSeriesOption[]).map((s) => [s.name, s.data])).toEqual([
      ['已聘任', [4, 0]],
      ['未聘任', [6, 10]],
    ]);
  });
});
