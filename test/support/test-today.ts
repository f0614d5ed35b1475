import { chinaDate, yearOf } from '@cqo/policy';

/**
 * Pins "today" for a date-sensitive spec (issue 19): sets `CQO_TODAY` (read by Clock, honoured only
 * with NODE_ENV=test) to December 31 of the current year in China, so the app under test, the
 * workers it starts and the CLI and worker processes it spawns (they inherit `process.env`) all
 * judge dates as of that day, and the spec computes its expectations from the same value. Records
 * dated `${year}-01-01`…`${year}-01-04` are then never "in the future", and the year's filing
 * window (opening Nov 1) is open, whatever the machine's date.
 *
 * The day is never before the real one: rows the database stamps with its own `now()` (an award,
 * an edit's history) must not look later than "today", or an as-of-today figure would leave them out.
 * Jest gives each test file its own `process.env`, so other specs keep the real date.
 */
export function pinTestToday(): { today: string; year: number } {
  const year = yearOf(chinaDate(new Date()));
  const today = `${year}-12-31`;
  process.env.CQO_TODAY = today;
  return { today, year };
}
