import { SCORING_SCHEMES } from './schemes';
import zhejiangTable from './zhejiang-000-B1.json';

describe('scoring schemes', () => {
  it.each([
    ['zhejiang', [120, 60, 80, 240, 100, 400]],
    ['hunan', [150, 80, 90, 280, 400]],
  ] as const)('%s has the seed dimension maxima summing to 1000', (name, maxima) => {
    const scheme = SCORING_SCHEMES[name];
    expect(scheme.dimensions.map((d) => d.max)).toEqual(maxima);
    expect(scheme.dimensions.reduce((s, d) => s + d.max, 0)).toBe(1000);
    expect(scheme.total).toBe(1000);
  });

  it.each(['zhejiang', 'hunan'] as const)('%s indicator maxima sum to each dimension max', (name) => {
    for (const d of SCORING_SCHEMES[name].dimensions) {
      expect([d.id, d.indicators.reduce((s, i) => s + i.max, 0)]).toEqual([d.id, d.max]);
    }
  });

  it.each(['zhejiang', 'hunan'] as const)('%s indicator ids are unique and cite a clause', (name) => {
    const ids = SCORING_SCHEMES[name].dimensions.flatMap((d) => d.indicators.map((i) => i.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of SCORING_SCHEMES[name].dimensions) {
      for (const i of d.indicators) {
        expect(i.id.startsWith(d.id)).toBe(true);
        expect(i.clause).toContain(i.id);
      }
    }
  });

  it('zhejiang second-level subtotals follow 000 附录B', () => {
    const sum = (prefix: string) =>
      SCORING_SCHEMES.zhejiang.dimensions
        .flatMap((d) => d.indicators)
        .filter((i) => i.id.startsWith(prefix))
        .reduce((s, i) => s + i.max, 0);
    expect(
      ['6.1.1', '6.1.2', '6.3.1', '6.3.2', '6.4.1', '6.4.2', '6.4.3', '6.4.4', '6.5.1', '6.5.2'].map(sum),
    ).toEqual([90, 30, 30, 50, 60, 80, 60, 40, 60, 40]);
    expect(['6.6.1', '6.6.2', '6.6.3', '6.6.4', '6.6.5'].map(sum)).toEqual([150, 60, 100, 50, 40]);
    const ids = SCORING_SCHEMES.zhejiang.dimensions.flatMap((d) => d.indicators.map((i) => i.id));
    expect(ids).toEqual(expect.arrayContaining(['6.1.1.1', '6.5.1.2a', '6.6.1c', '6.6.5']));
  });

  it('the subtotals stored with the 000 表B.1 table match the leaves under them', () => {
    const leaves = SCORING_SCHEMES.zhejiang.dimensions.flatMap((d) => d.indicators);
    const groups = zhejiangTable.dimensions.flatMap((d) => ('groups' in d ? (d.groups as [string, string, number][]) : []));
    expect(groups.map(([id]) => id)).toEqual(['6.1.1', '6.1.2', '6.3.1', '6.4.1', '6.4.2', '6.4.3', '6.4.4', '6.5.1', '6.5.2', '6.6.1', '6.6.2', '6.6.3', '6.6.4']);
    for (const [id, , max] of groups) {
      const under = leaves.filter((i) => i.id.startsWith(id));
      expect([id, under.reduce((s, i) => s + i.max, 0)]).toEqual([id, max]);
    }
  });

  it('hunan has the 001 附录A leaves, 附录B minimums and bands', () => {
    const hunan = SCORING_SCHEMES.hunan;
    expect(hunan.dimensions.flatMap((d) => d.indicators.map((i) => [i.id, i.max]))).toEqual([
      ['8.1.1', 100],
      ['8.1.2', 50],
      ['8.2', 80],
      ['8.3', 90],
      ['8.4.1', 80],
      ['8.4.2', 100],
      ['8.4.3', 60],
      ['8.4.4', 40],
      ['8.5.1', 150],
      ['8.5.2', 60],
      ['8.5.3', 100],
      ['8.5.4', 50],
      ['8.5.5', 40],
    ]);
    expect(hunan.dimensions.map((d) => d.min)).toEqual([40, 50, 40, 90, 80]);
    expect(hunan.passTotal).toBe(300);
    expect(hunan.bands).toEqual([
      { grade: 'AAA', minTotal: 300, maxTotal: 600 },
      { grade: 'AAAA', minTotal: 600, maxTotal: 800 },
      { grade: 'AAAAA', minTotal: 800, maxTotal: null },
    ]);
  });

  it('zhejiang defaults to the hunan bands with no dimension minimums', () => {
    const zj = SCORING_SCHEMES.zhejiang;
    expect(zj.bands).toEqual(SCORING_SCHEMES.hunan.bands);
    expect(zj.passTotal).toBe(300);
    expect(zj.dimensions.every((d) => d.min === null)).toBe(true);
  });
});
