import type { Rng } from './demo-data.generator';

// Days for the demo generators: whole days since 1970-01-01 (UTC), so ranges and sorts are integer
// arithmetic. One home for the three generators (cqo, filings, evaluation).

export const DAY_MS = 86_400_000;

/** The day of a YYYY-MM-DD date; throws for anything that is not a calendar date. */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${iso}`);
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  if (isoOf(day) !== iso) throw new Error(`not a calendar date: ${iso}`);
  return day;
}

/** Memoised: a province's worth of training records formats the same few thousand days again and again. */
const ISO_CACHE = new Map<number, string>();

/** The YYYY-MM-DD of a day. */
export function isoOf(day: number): string {
  let iso = ISO_CACHE.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (ISO_CACHE.size < 100_000) ISO_CACHE.set(day, iso);
  }
  return iso;
}

/** A whole number from lo to hi, both included. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
