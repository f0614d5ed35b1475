import { loadGbt2260Regions } from '@cqo/server-database';
import { validateCreditCode } from '@cqo/policy';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, shortRegionName, type DemoRegion } from './demo-data.generator';

/**
 * Hubei as the product loads it: the package's 省直辖县级行政区划 grouping (429000) is not a
 * region, its members are 市州 of their own; the 市辖区 placeholders are dropped.
 */
function hubei(): DemoRegion[] {
  return demoRegionsOf(loadGbt2260Regions(), '420000');
}

describe('generateDemoEnterprises', () => {
  const regions = hubei();
  const currentYear = 2025;
  const enterprises = generateDemoEnterprises({ regions, count: 2000, seed: 42, currentYear });

  it('gives the same enterprises for the same seed, and different ones for another seed', () => {
    expect(generateDemoEnterprises({ regions, count: 2000, seed: 42, currentYear })).toEqual(enterprises);
    const other = generateDemoEnterprises({ regions, count: 2000, seed: 43, currentYear });
    expect(other.map((e) => e.creditCode)).not.toEqual(enterprises.map((e) => e.creditCode));
  });

  it('makes exactly the number asked for', () => {
    expect(enterprises).toHaveLength(2000);
    expect(generateDemoEnterprises({ regions, count: 0, currentYear })).toEqual([]);
    expect(generateDemoEnterprises({ regions, count: 5, currentYear })).toHaveLength(5);
  });

  it('gives every enterprise a valid, unique credit code registered in its own region', () => {
    for (const e of enterprises) {
      expect(validateCreditCode(e.creditCode)).toEqual({ valid: true, errors: [] });
      expect(e.creditCode.slice(0, 2)).toBe('91');
      expect(e.creditCode.slice(2, 8)).toBe(e.regionCode);
    }
    expect(new Set(enterprises.map((e) => e.creditCode)).size).toBe(enterprises.length);
  });

  it('gives unique, realistic company names', () => {
    expect(new Set(enterprises.map((e) => e.name)).size).toBe(enterprises.length);
    for (const e of enterprises) expect(e.name).toMatch(/^[\u4e00-\u9fa5]{6,}(有限公司|有限责任公司|股份有限公司)$/);
  });

  it('seeds Hubei as the product loads it: 17 市州, 仙桃/潜江/天门/神农架 among them, no 省直辖 grouping (SPEC §1)', () => {
    const cities = regions.filter((r) => r.level === 2);
    expect(cities.every((r) => r.parentCode === '420000')).toBe(true);
    expect(cities).toHaveLength(17);
    expect(cities.map((r) => r.code)).toEqual(expect.arrayContaining(['420100', '420500', '429004', '429005', '429006', '429021']));
    expect(regions.some((r) => r.code === '429000' || r.name.includes('直辖') || r.name === '市辖区')).toBe(false);
  });

  it('places enterprises in every county and every 市州 without counties, the capital most', () => {
    const perRegion = new Map<string, number>();
    for (const e of enterprises) perRegion.set(e.regionCode, (perRegion.get(e.regionCode) ?? 0) + 1);
    const parents = new Set(regions.map((r) => r.parentCode));
    const leaves = regions.filter((r) => r.level === 3 || (r.level === 2 && !parents.has(r.code)));
    expect(leaves.map((r) => r.code)).toEqual(expect.arrayContaining(['429004', '429005', '429006', '429021']));
    expect(leaves.filter((leaf) => !perRegion.has(leaf.code))).toEqual([]);
    expect([...perRegion.keys()].every((code) => leaves.some((leaf) => leaf.code === code))).toBe(true);

    const perCity = new Map<string, number>();
    for (const e of enterprises) {
      const city = e.regionCode.startsWith('4290') ? e.regionCode : `${e.regionCode.slice(0, 4)}00`;
      perCity.set(city, (perCity.get(city) ?? 0) + 1);
    }
    const wuhan = perCity.get('420100') ?? 0;
    expect(Math.max(...perCity.values())).toBe(wuhan);
    expect(wuhan / enterprises.length).toBeGreaterThan(0.2);
  });

  it('makes 20–35% of enterprises 规上, with size classes that fit', () => {
    const share = enterprises.filter((e) => e.aboveSize).length / enterprises.length;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.35);
    for (const e of enterprises) {
      expect(e.aboveSize ? ['大型', '中型', '小型'] : ['小型', '微型']).toContain(e.sizeClass);
    }
    expect(enterprises.some((e) => e.sizeClass === '大型')).toBe(true);
  });

  it('makes most enterprises 民营 and 制造业', () => {
    const share = (f: (e: (typeof enterprises)[number]) => boolean) => enterprises.filter(f).length / enterprises.length;
    expect(share((e) => e.ownership === '民营')).toBeGreaterThan(0.6);
    expect(share((e) => e.industry === 'C')).toBeGreaterThan(0.5);
    for (const e of enterprises) expect(e.industry).toMatch(/^[A-T]$/);
  });

  it('gives a few enterprises awards, mostly 市州政府质量奖, dated 2016 to the current year', () => {
    const awarded = enterprises.filter((e) => e.awards.length > 0);
    expect(awarded.length / enterprises.length).toBeGreaterThanOrEqual(0.02);
    expect(awarded.length / enterprises.length).toBeLessThanOrEqual(0.06);
    const awards = awarded.flatMap((e) => e.awards);
    const city = awards.filter((a) => a.award === '市州政府质量奖').length;
    const national = awards.filter((a) => a.award === '中国质量奖').length;
    expect(city / awards.length).toBeGreaterThan(0.5);
    expect(national).toBeLessThan(city / 5);
    for (const a of awards) {
      expect(a.year).toBeGreaterThanOrEqual(2016);
      expect(a.year).toBeLessThanOrEqual(currentYear);
    }
  });

  it('scales to a benchmark-sized province', () => {
    const many = generateDemoEnterprises({ regions, count: 50_000, seed: 7, currentYear });
    expect(new Set(many.map((e) => e.creditCode)).size).toBe(50_000);
    expect(new Set(many.map((e) => e.name)).size).toBe(50_000);
  });

  it('refuses a region list with nowhere to put enterprises', () => {
    expect(() => generateDemoEnterprises({ regions: [regions[0]], count: 10, currentYear })).toThrow();
  });
});

describe('demoUserSpecs', () => {
  const regions = hubei();
  const enterprises = generateDemoEnterprises({ regions, count: 2000, currentYear: 2025 });
  const specs = demoUserSpecs({ regions, enterprises, provinceCode: '420000' });
  const byName = new Map(specs.map((s) => [s.username, s]));

  it('makes the demo accounts of every role (two evaluators: a panel), with the agreed usernames', () => {
    expect(specs.map((s) => s.username).sort()).toEqual(
      ['admin', 'city-420100', 'city-420200', 'county-420102', 'ent-1', 'ent-2', 'evaluator', 'evaluator-2', 'province'].sort(),
    );
    expect(byName.get('admin')).toMatchObject({ role: 'admin', regionCode: null });
    expect(byName.get('province')).toMatchObject({ role: 'province', regionCode: '420000', displayName: '省质强办管理员' });
    expect(byName.get('city-420100')).toMatchObject({ role: 'city', regionCode: '420100', displayName: '武汉市质强办' });
    expect(byName.get('city-420200')).toMatchObject({ role: 'city', regionCode: '420200', displayName: '黄石市质强办' });
    expect(byName.get('county-420102')).toMatchObject({ role: 'county', regionCode: '420102', displayName: '江岸区质强办' });
    expect(byName.get('evaluator')).toMatchObject({ role: 'evaluator', regionCode: '420000' });
    expect(byName.get('evaluator-2')).toMatchObject({ role: 'evaluator', regionCode: '420000' });
  });

  it('binds the two enterprise users to enterprises in different 市州, the first under the county user', () => {
    const ent1 = byName.get('ent-1');
    const ent2 = byName.get('ent-2');
    expect(ent1?.role).toBe('enterprise');
    expect(ent2?.role).toBe('enterprise');
    const e1 = enterprises[ent1?.enterpriseIndex ?? -1];
    const e2 = enterprises[ent2?.enterpriseIndex ?? -1];
    expect(e1.regionCode).toBe('420102');
    expect(e2.regionCode.slice(0, 4)).toBe('4202');
    expect(ent1?.displayName).toBe(e1.name);
  });

  it('gives every account a Chinese display name', () => {
    for (const s of specs) expect(s.displayName).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe('shortRegionName', () => {
  it.each([
    ['宜昌市', '宜昌'],
    ['恩施土家族苗族自治州', '恩施'],
    ['长阳土家族自治县', '长阳'],
    ['神农架林区', '神农架'],
    ['湖北省', '湖北'],
    ['随县', '随县'],
    ['江岸区', '江岸'],
  ])('%s → %s', (name, short) => expect(shortRegionName(name)).toBe(short));
});
