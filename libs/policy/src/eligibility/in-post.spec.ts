import { inPostOn, termRunOut, type AppointmentDates } from './in-post';

const D = '2025-06-15';
const a = (over: Partial<AppointmentDates>): AppointmentDates => ({ effectiveFrom: '2024-03-01', endedOn: null, termEnd: '2029-02-28', ...over });

describe('inPostOn: SPEC §7 an appointment in post on D — in effect, not ended, term not run out', () => {
  it.each<[string, boolean, Partial<AppointmentDates>]>([
    ['in effect, not ended, term running', true, {}],
    ['in effect from D', true, { effectiveFrom: D }],
    ['in effect from the day after D (a future effective date)', false, { effectiveFrom: '2025-06-16' }],
    ['ended on D: no longer in post that day', false, { endedOn: D }],
    ['ended the day after D', true, { endedOn: '2025-06-16' }],
    ['ended the day before D', false, { endedOn: '2025-06-14' }],
    ['term ends on D: its last day is still in post', true, { termEnd: D }],
    ['term ended the day before D', false, { termEnd: '2025-06-14' }],
    ['no term end set', true, { termEnd: null }],
    ['no term end set, ended on D', false, { termEnd: null, endedOn: D }],
    ['in effect and ended on D (a same-day correction)', false, { effectiveFrom: D, endedOn: D }],
  ])('%s → in post: %s', (_, inPost, over) => {
    expect(inPostOn(a(over), D)).toBe(inPost);
  });

  it('a record ended later was in post on the dates before it ended (the status is not read)', () => {
    const replaced = a({ endedOn: '2026-01-10' });
    expect([inPostOn(replaced, '2025-12-31'), inPostOn(replaced, '2026-01-09'), inPostOn(replaced, '2026-01-10')]).toEqual([true, true, false]);
  });
});

describe('termRunOut: SPEC §7 a term runs out after its last day', () => {
  it.each<[string | null, boolean]>([
    ['2025-06-14', true],
    [D, false],
    ['2025-06-16', false],
    [null, false],
  ])(`term end %p on ${D} → run out: %s`, (termEnd, out) => {
    expect(termRunOut(termEnd, D)).toBe(out);
  });
});
