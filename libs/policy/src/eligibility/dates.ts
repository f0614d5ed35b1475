// Calendar dates as ISO strings (YYYY-MM-DD): they compare correctly as strings and carry no time
// zone, which is what a 聘任日期 or a 任期届满日期 is.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function parts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return fromUtc(new Date(Date.UTC(y, m - 1, d + days)));
}

/** Same day `years` later; 29 Feb becomes 28 Feb in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = parts(date);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) return fromUtc(new Date(Date.UTC(y + years, m, 0)));
  return fromUtc(target);
}

/**
 * The last day of a term of `years` starting on `start`: 2021-03-01 → 2026-02-28, and
 * 2024-02-29 → 2029-02-28 (the day before the start, `years` later).
 */
export function termEndFor(start: string, years: number): string {
  const [y, m, d] = parts(start);
  // Date.UTC rolls 29 Feb of a common year over to 1 Mar, whose day before is 28 Feb.
  return fromUtc(new Date(Date.UTC(y + years, m - 1, d - 1)));
}

export function yearOf(date: string): number {
  return parts(date)[0];
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
}

/** The date a year's figures are judged on, on `day`: `day` itself within the year, Dec 31 once the year is over. */
export function yearAsOf(year: number, day: string): string {
  const end = `${year}-12-31`;
  return day < end ? day : end;
}

/** Today's date in China (UTC+8), where every deadline of the product is set. */
export function chinaDate(at: Date): string {
  return fromUtc(new Date(at.getTime() + 8 * 3_600_000));
}
