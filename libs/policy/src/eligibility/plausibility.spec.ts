import { ageAt, checkPlausibility } from './plausibility';

describe('ageAt: whole years on the appointment date, the birthday from the 1st of the birth month', () => {
  it('counts the birth month itself as reached', () => {
    expect(ageAt('1980-05', '2026-05-01')).toBe(46);
    expect(ageAt('1980-05', '2026-04-30')).toBe(45);
    expect(ageAt('1980-12', '2026-12-31')).toBe(46);
  });
});

describe('checkPlausibility (a): age at appointment in [18, 80]', () => {
  it('18 and 80 are accepted; 17 and 81 name 出生年月', () => {
    expect(checkPlausibility('2008-06', '2026-06-01', 0)).toEqual([]);
    expect(checkPlausibility('1946-06', '2026-06-01', 10)).toEqual([]);
    expect(checkPlausibility('2008-07', '2026-06-01', 0)).toEqual([
      { field: 'birthMonth', code: 'age', message: '按出生年月计算，聘任时年龄应在18–80岁之间' },
    ]);
    expect(checkPlausibility('1945-05', '2026-06-01', 10)).toEqual([
      { field: 'birthMonth', code: 'age', message: '按出生年月计算，聘任时年龄应在18–80岁之间' },
    ]);
  });
});

describe('checkPlausibility (b): years in quality at most age − 14', () => {
  it('a 40-year-old may have 26 years, not 27', () => {
    expect(checkPlausibility('1986-01', '2026-06-01', 26)).toEqual([]);
    expect(checkPlausibility('1986-01', '2026-06-01', 27)).toEqual([
      { field: 'yearsInQuality', code: 'tooMany', message: '从事质量管理工作年限与年龄不符' },
    ]);
  });

  it('is not judged when the age is already implausible, nor on a missing or fractional years', () => {
    expect(checkPlausibility('2015-01', '2026-06-01', 5).map((p) => p.code)).toEqual(['age']);
    expect(checkPlausibility('1986-01', '2026-06-01', null)).toEqual([]);
    expect(checkPlausibility('1986-01', '2026-06-01', 30.5)).toEqual([]);
  });
});
