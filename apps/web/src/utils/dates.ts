// Calendar dates as YYYY-MM-DD strings, the API's format: they compare correctly as strings and
// carry no time zone, which is what a 聘任日期 or a 任期届满日期 is.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A Date on the user's calendar → YYYY-MM-DD (for date pickers' disabled-date callbacks). */
export function toIsoDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Today on the user's calendar. */
export function today(): string {
  return toIsoDate(new Date());
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.getFullYear() === Number(m[1]) && date.getMonth() === Number(m[2]) - 1 && date.getDate() === Number(m[3]);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return toIsoDate(new Date(y, m - 1, d + days));
}

/** ISO time → YYYY-MM-DD on the user's calendar; null stays null. */
export function dateOf(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso.slice(0, 10) : toIsoDate(date);
}
