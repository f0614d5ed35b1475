// The filing form's checks (filing-form.ts beside it): pure, importing only @cqo/contracts and
// @cqo/policy, so the unit project runs them (jest.config.js runs apps/web/src/**/*.spec.ts).
import { BUILT_IN_PROFILES, termRuleOf } from '@cqo/policy';
import { blankPerson, checkField, emptyForm, termNote, usualTermEnd, type FilingContext } from './filing-form';

const HUBEI = BUILT_IN_PROFILES.find((p) => p.name === 'hubei-2021')!;
const context: FilingContext = {
  mode: 'appoint',
  today: '2026-06-01',
  currentEffectiveFrom: null,
  previewVerdict: null,
  term: termRuleOf(HUBEI),
  currentName: null,
};
const form = (termEnd: string) => ({ ...emptyForm('2026-06-01'), appointedOn: '2024-02-29', termEnd });

describe('filing form: 004 三(一) 首席质量官任期一般为5年', () => {
  it('004 三(一): the default term end is libs/policy\'s (2024-02-29 + 5 years → 2029-02-28, as the API fills it)', () => {
    expect(usualTermEnd('2024-02-29', context.term)).toBe('2029-02-28');
    expect(usualTermEnd('2024-02-29', null)).toBeNull();
  });

  it('004 三(一): a 6-year term is accepted (no field error) with a soft note naming the clause', () => {
    expect(checkField('termEnd', form('2030-02-28'), context)).toBeNull();
    expect(termNote(form('2030-02-28'), context)).toBe('任期至 2030-02-28，长于一般任期 5 年（至 2029-02-28）（004 三(一)：任期一般为5年）');
  });

  it('004 三(一): the usual term has no note; an end before the appointment is still an error', () => {
    expect(termNote(form('2029-02-28'), context)).toBeNull();
    expect(checkField('termEnd', form('2024-02-28'), context)).toEqual({ key: 'termEndBeforeAppointed', params: undefined });
  });
});

describe('filing form: age and experience are libs/policy checkPlausibility, as the API and the roster import judge them', () => {
  const filled = { ...emptyForm('2026-06-01'), appointedOn: '2026-06-01' };
  it('(a) age at appointment 18–80: a 17-year-old names 出生年月', () => {
    expect(checkField('birthMonth', { ...filled, birthMonth: '2008-06' }, context)).toBeNull();
    expect(checkField('birthMonth', { ...filled, birthMonth: '2008-07' }, context)).toEqual({ key: 'ageRange', params: { min: 18, max: 80 } });
  });
  it('(b) years in quality at most age − 14: 26 years at 40 are plausible, 27 are not', () => {
    expect(checkField('yearsInQuality', { ...filled, birthMonth: '1986-01', yearsInQuality: 26 }, context)).toBeNull();
    expect(checkField('yearsInQuality', { ...filled, birthMonth: '1986-01', yearsInQuality: 27 }, context)).toEqual({ key: 'yearsTooMany', params: undefined });
  });
});

describe('a replacement starts the person blank, and only the person', () => {
  it('blanks the 17 fields of the person; the term, the change and its texts are not among them', () => {
    const person = blankPerson();
    expect(Object.keys(person)).toHaveLength(17);
    expect(person).toMatchObject({ name: '', phone: '', birthMonth: '', yearsInQuality: null, declarations: [] });
    for (const filing of ['appointedOn', 'termEnd', 'explanation', 'changeKind', 'effectiveOn', 'reason']) expect(person).not.toHaveProperty(filing);
  });
});
