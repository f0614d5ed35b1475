// Calendar dates as YYYY-MM-DD strings, the API's format: they compare correctly as strings and
// carry no time zone, which is what a 聘任日期 or a 任期届满日期 is.

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

/** ISO time → YYYY-MM-DD on the user's calendar; null stays null. */
export function dateOf(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso.slice(0, 10) : toIsoDate(date);
}
