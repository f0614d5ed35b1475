import { BUILT_IN_PROFILES } from './profiles';
import { checkTerm, termRuleOf } from './term';

const HUBEI = BUILT_IN_PROFILES.find((p) => p.name === 'hubei-2021')!;
const HUNAN = BUILT_IN_PROFILES.find((p) => p.name === 'hunan-2024')!;
const RULE = termRuleOf(HUBEI);

describe('checkTerm: 004 三(一) 首席质量官任期一般为5年', () => {
  it('reads the term rule of the profile (none under hunan-2024)', () => {
    expect(RULE).toMatchObject({ years: 5, clause: '004 三(一)' });
    expect(termRuleOf(HUNAN)).toBeNull();
  });

  it('004 三(一): an empty term end gets the usual term less one day', () => {
    expect(checkTerm(RULE, '2024-03-01', null)).toEqual({ termEnd: '2029-02-28', beforeStart: false, longerThanUsual: null });
  });

  it('004 三(一): exactly 5 years is the usual term, no hit', () => {
    expect(checkTerm(RULE, '2024-03-01', '2029-02-28').longerThanUsual).toBeNull();
  });

  it('004 三(一): a 6-year term is accepted (not an error) with a soft hit naming the clause', () => {
    const c = checkTerm(RULE, '2024-03-01', '2030-02-28');
    expect(c.beforeStart).toBe(false);
    expect(c.termEnd).toBe('2030-02-28');
    expect(c.longerThanUsual).toEqual({
      years: 5,
      usualEnd: '2029-02-28',
      clause: '004 三(一)',
      message: '任期至 2030-02-28，长于一般任期 5 年（至 2029-02-28）（004 三(一)：任期一般为5年）',
    });
  });

  it('004 三(一): one day past the usual term is already the soft hit', () => {
    expect(checkTerm(RULE, '2024-03-01', '2029-03-01').longerThanUsual?.usualEnd).toBe('2029-02-28');
  });

  it('an end before the appointment is the one error', () => {
    expect(checkTerm(RULE, '2024-03-01', '2024-02-29')).toMatchObject({ beforeStart: true, longerThanUsual: null });
    expect(checkTerm(RULE, '2024-03-01', '2024-03-01').beforeStart).toBe(false);
  });

  it('without a term in the profile any end is accepted and an empty one stays empty', () => {
    expect(checkTerm(null, '2010-03-01', null)).toEqual({ termEnd: null, beforeStart: false, longerThanUsual: null });
    expect(checkTerm(null, '2010-03-01', '2040-01-01').longerThanUsual).toBeNull();
  });
});
