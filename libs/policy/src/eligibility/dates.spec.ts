import { addDays, addYears, chinaDate, daysBetween, isIsoDate, termEndFor, yearAsOf, yearOf } from './dates';

describe('isIsoDate: a 聘任日期 or 任期届满日期 as YYYY-MM-DD', () => {
  it.each(['2021-03-01', '2024-02-29', '2000-02-29', '1999-12-31'])('accepts %s', (d) => {
    expect(isIsoDate(d)).toBe(true);
  });

  it.each(['2023-02-29', '1900-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-01', '2024/01/01', '20240101', '2024-01-01T00:00:00Z', ' 2024-01-01', ''])(
    'refuses %p',
    (d) => {
      expect(isIsoDate(d)).toBe(false);
    },
  );

  it.each([null, undefined, 20240101, new Date('2024-01-01')])('refuses the non-string %p', (d) => {
    expect(isIsoDate(d)).toBe(false);
  });
});

describe('addDays', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2024-05-10', 0, '2024-05-10'],
  ])('%s plus %i days → %s', (date, days, out) => {
    expect(addDays(date, days)).toBe(out);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => addDays('2024/01/01', 1)).toThrow('not a YYYY-MM-DD date: 2024/01/01');
  });
});

// A term's anniversary (addYears) and its last day (termEndFor) side by side: the last day is the
// day before the anniversary, and a 29 Feb start in a common year keeps 28 Feb for both.
describe('addYears and termEndFor: 004 三(一) 任期一般为5年 → the last day of the term', () => {
  it.each([
    ['2021-03-01', 5, '2026-03-01', '2026-02-28'],
    ['2023-03-01', 5, '2028-03-01', '2028-02-29'],
    ['2021-01-01', 5, '2026-01-01', '2025-12-31'],
    ['2021-06-15', 5, '2026-06-15', '2026-06-14'],
    ['2024-02-29', 5, '2029-02-28', '2029-02-28'],
    ['2024-02-29', 4, '2028-02-29', '2028-02-28'],
    ['2024-02-29', 1, '2025-02-28', '2025-02-28'],
    ['2024-01-01', 1, '2025-01-01', '2024-12-31'],
    ['2023-12-31', 1, '2024-12-31', '2024-12-30'],
  ])('a %s appointment for %d years: anniversary %s, last day %s', (start, years, anniversary, end) => {
    expect([addYears(start, years), termEndFor(start, years)]).toEqual([anniversary, end]);
  });

  it('goes back a year from 29 Feb to 28 Feb', () => {
    expect(addYears('2024-02-29', -1)).toBe('2023-02-28');
  });
});

describe('yearOf', () => {
  it('gives the calendar year (SPEC §3: a verdict on D judges Y = year(D) − 1)', () => {
    expect(yearOf('2025-01-01')).toBe(2025);
    expect(yearOf('2024-12-31')).toBe(2024);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2024-01-01', '2024-01-01', 0],
    ['2024-02-28', '2024-03-01', 2],
    ['2023-02-28', '2023-03-01', 1],
    ['2025-03-01', '2025-02-28', -1],
    ['2024-01-01', '2025-01-01', 366],
    ['2027-12-01', '2028-02-29', 90],
    ['2025-03-29', '2025-03-31', 2],
  ])('from %s to %s is %d days', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });
});

describe('chinaDate: today in China (UTC+8)', () => {
  it.each([
    ['2025-06-30T15:59:59.999Z', '2025-06-30'],
    ['2025-06-30T16:00:00.000Z', '2025-07-01'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'],
    ['2024-02-28T20:00:00.000Z', '2024-02-29'],
    ['2025-01-01T00:00:00+08:00', '2025-01-01'],
  ])('%s is %s in China', (instant, date) => {
    expect(chinaDate(new Date(instant))).toBe(date);
  });
});

describe('yearAsOf', () => {
  it('is the day itself within the year and Dec 31 once the year is over', () => {
    expect(yearAsOf(2026, '2026-12-04')).toBe('2026-12-04');
    expect(yearAsOf(2026, '2026-12-31')).toBe('2026-12-31');
    expect(yearAsOf(2025, '2026-01-01')).toBe('2025-12-31');
  });
});
