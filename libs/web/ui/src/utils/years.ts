/** The first reporting year the platform holds data for. */
export const FIRST_YEAR = 2021;

/** Years from `last` down to `first` (newest first, as a picker lists them); empty when first > last. */
export function yearRange(first: number, last: number): number[] {
  const years: number[] = [];
  for (let year = last; year >= first; year -= 1) years.push(year);
  return years;
}

/** Keeps `year` inside [first, last]; used when a stored or URL year is out of range. */
export function clampYear(year: number, first: number, last: number): number {
  if (!Number.isInteger(year)) return last;
  return Math.min(Math.max(year, first), last);
}
