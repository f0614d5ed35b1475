import type { BarSeriesOption, MapSeriesOption } from 'echarts/charts';
import type { AssessmentPartKey, CityAssessment } from '@cqo/contracts';
import { ASSESSMENT_PART_KEYS, buildRankingMapOption, buildRankingOption, RANKING_STACK } from './ranking-bar';
import type { RankingLabels } from './ranking-bar';

const partNames: Record<AssessmentPartKey, string> = { aboveSize: '规上', sme: '中小', award: '获奖', filingOnTime: '按时报送', training: '培训' };
const labels: RankingLabels = {
  score: '得分',
  rank: (rank) => `第${rank}名`,
  part: (key) => partNames[key],
  points: '得分',
  penalty: '扣分',
  notApplicable: '不适用',
  empty: '暂无考核数据',
};

function city(code: string, name: string, rank: number, score: number, points: (number | null)[], penalty = 0): CityAssessment {
  return {
    code,
    name,
    rank,
    score,
    parts: ASSESSMENT_PART_KEYS.map((key, i) => ({ key, weight: 20, value: points[i] === null ? null : (points[i] as number) / 20, target: null, points: points[i] })),
    penalty: { count: penalty / 2, points: penalty },
  };
}

// Given out of rank order on purpose.
const items = [
  city('420200', '黄石市', 2, 71.5, [15, 12, null, 20, 18]),
  city('420100', '武汉市', 1, 88, [20, 18, 15, 20, 19], 4),
  city('420300', '十堰市', 3, 40, [10, 5, 5, 10, 10]),
];

type Option = ReturnType<typeof buildRankingOption>;
const series = (o: Option) => o.series as BarSeriesOption[];
const categories = (o: Option) => (o.yAxis as { data: string[] }).data;
const tooltip = (o: Option, dataIndex: number) => (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex }]);

describe('buildRankingOption', () => {
  it('lists the cities by rank, first place on top', () => {
    const option = buildRankingOption(items, labels);
    expect(categories(option)).toEqual(['武汉市', '黄石市', '十堰市']);
    expect(option.yAxis).toMatchObject({ inverse: true });
  });

  it('draws one score bar per city on a 0–100 scale', () => {
    const option = buildRankingOption(items, labels);
    expect(series(option)).toHaveLength(1);
    expect(series(option)[0].data).toEqual([{ value: 88 }, { value: 71.5 }, { value: 40 }]);
    expect(option.xAxis).toMatchObject({ min: 0, max: 100 });
  });

  it('highlights the given city', () => {
    const data = series(buildRankingOption(items, labels, { highlight: '420200' }))[0].data as { itemStyle?: unknown }[];
    expect(data[1].itemStyle).toBeDefined();
    expect(data[0].itemStyle).toBeUndefined();
  });

  it('stacks the part points when asked, a part that does not apply being a gap', () => {
    const option = buildRankingOption(items, labels, { stacked: true });
    expect(series(option).map((s) => s.name)).toEqual(['规上', '中小', '获奖', '按时报送', '培训']);
    expect(series(option).every((s) => s.stack === RANKING_STACK)).toBe(true);
    expect(series(option)[2].data).toEqual([15, '-', 5]);
    expect(option.legend).toMatchObject({ data: ['规上', '中小', '获奖', '按时报送', '培训'] });
  });

  it('breaks the score down in the tooltip', () => {
    const text = tooltip(buildRankingOption(items, labels), 0);
    expect(text.split('<br/>')).toEqual([
      '武汉市 第1名',
      '得分：88',
      '规上：20/20（100.0%）',
      '中小：18/20（90.0%）',
      '获奖：15/20（75.0%）',
      '按时报送：20/20（100.0%）',
      '培训：19/20（95.0%）',
      '扣分：-4（2）',
    ]);
    expect(tooltip(buildRankingOption(items, labels), 1)).toContain('获奖：不适用（—）');
  });

  it('says there is nothing to rank for no cities', () => {
    const option = buildRankingOption([], labels);
    expect(categories(option)).toEqual([]);
    expect(series(option)[0].data).toEqual([]);
    expect(option.title).toMatchObject({ text: '暂无考核数据' });
  });
});

describe('buildRankingMapOption', () => {
  it('colours each city on the named map by its score', () => {
    const option = buildRankingMapOption(items, '420000', labels);
    const [map] = option.series as MapSeriesOption[];
    expect(map).toMatchObject({ type: 'map', map: '420000' });
    expect(map.data).toEqual([
      { name: '武汉市', value: 88 },
      { name: '黄石市', value: 71.5 },
      { name: '十堰市', value: 40 },
    ]);
    expect(option.visualMap).toMatchObject({ min: 0, max: 100 });
  });
});
