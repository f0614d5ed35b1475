import type { BarSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { TargetCategory, TargetProgress } from '@cqo/contracts';
import { buildTargetBulletOption, describeTarget, TARGET_COLORS } from './target-bullet';
import type { TargetBulletLabels } from './target-bullet';

const names: Record<TargetCategory, string> = { aboveSize: '规上企业聘任率', sme: '中小企业聘任率', award: '获奖企业聘任率' };
const labels: TargetBulletLabels = {
  category: (c) => names[c],
  actual: '实际',
  target: '目标',
  projected: '预计',
  deadline: '截止',
  onTrack: '可达成',
  offTrack: '难以达成',
  unknown: '无法预计',
  empty: '暂无目标',
};

const targets: TargetProgress[] = [
  { category: 'aboveSize', target: 1, deadline: '2025-12-31', actual: 0.82, projected: 1, onTrack: true, method: 'trend', state: 'pending', daysLeft: 30 },
  { category: 'sme', target: 0.6, deadline: '2025-12-31', actual: 0.3, projected: 0.45, onTrack: false, method: 'trend', state: 'overdue', daysLeft: null },
  { category: 'award', target: 1, deadline: '2021-12-31', actual: null, projected: null, onTrack: null, method: 'none', state: 'none', daysLeft: null },
];

type Option = ReturnType<typeof buildTargetBulletOption>;
const series = (o: Option) => o.series as [BarSeriesOption, ScatterSeriesOption, ScatterSeriesOption];
const tooltip = (o: Option, dataIndex: number) =>
  (o.tooltip as { formatter: (p: unknown) => string }).formatter({ dataIndex, seriesIndex: 0 });

describe('buildTargetBulletOption', () => {
  it('lists the targets top to bottom in the given order, with their deadline', () => {
    const option = buildTargetBulletOption(targets, labels);
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true });
    expect((option.yAxis as { data: string[] }).data).toEqual([
      '规上企业聘任率\n截止 2025-12-31',
      '中小企业聘任率\n截止 2025-12-31',
      '获奖企业聘任率\n截止 2021-12-31',
    ]);
  });

  it('draws the actual rate coloured by outlook, and no bar when there is no figure', () => {
    const [actual] = series(buildTargetBulletOption(targets, labels));
    expect(actual.type).toBe('bar');
    expect(actual.data).toEqual([
      { value: 0.82, itemStyle: { color: TARGET_COLORS.onTrack } },
      { value: 0.3, itemStyle: { color: TARGET_COLORS.offTrack } },
      { value: '-', itemStyle: { color: TARGET_COLORS.unknown } },
    ]);
    const label = actual.label as { formatter: (p: { dataIndex: number }) => string };
    expect([0, 1, 2].map((dataIndex) => label.formatter({ dataIndex }))).toEqual(['82.0%', '30.0%', '—']);
  });

  it('marks the target and the projection on each bullet, skipping a missing projection', () => {
    const [, target, projected] = series(buildTargetBulletOption(targets, labels));
    expect(target).toMatchObject({ type: 'scatter', name: '目标' });
    expect(target.data).toEqual([[1, 0], [0.6, 1], [1, 2]]);
    expect(projected).toMatchObject({ type: 'scatter', name: '预计' });
    expect(projected.data).toEqual([[1, 0], [0.45, 1], ['-', 2]]);
  });

  it('puts the projected diamond above the bar, clear of the rate printed right of the bar (35.8% was drawn as "35.◆%")', () => {
    const [actual, , projected] = series(buildTargetBulletOption(targets, labels));
    expect(actual.label).toMatchObject({ position: 'right' });
    // The label's 12 px text spans 6 px above the bar's centre line; the diamond must end above that.
    const [dx, dy] = projected.symbolOffset as [number, number];
    expect(dx).toBe(0);
    expect(-dy - (projected.symbolSize as number) / 2).toBeGreaterThanOrEqual(6);
  });

  it('explains each bullet in its tooltip, with "—" for missing figures', () => {
    const option = buildTargetBulletOption(targets, labels);
    expect(tooltip(option, 1)).toBe('中小企业聘任率（难以达成）<br/>实际：30.0%<br/>目标：60.0%<br/>预计：45.0%<br/>截止：2025-12-31');
    expect(tooltip(option, 2)).toContain('实际：—');
    expect(tooltip(option, 2)).toContain('预计：—');
    expect(tooltip(option, 2)).not.toMatch(/NaN/);
    expect(describeTarget(targets[0], labels)[0]).toBe('规上企业聘任率（可达成）');
  });

  it('keeps the scale at 0–100%', () => {
    expect(buildTargetBulletOption(targets, labels).xAxis).toMatchObject({ type: 'value', min: 0, max: 1 });
  });

  it('says there are no targets instead of drawing empty axes', () => {
    const option = buildTargetBulletOption([], labels);
    expect(option.title).toMatchObject({ text: '暂无目标' });
    expect(series(option).map((s) => s.data)).toEqual([[], [], []]);
    expect(buildTargetBulletOption(targets, labels).title).toBeUndefined();
  });
});
