/**
 * An appointment in post on date $D (SPEC §7): in effect, not ended, term not run out. The one
 * definition of "in post on D" for every figure, verdict and list (stats, the 统计表, reminders,
 * prefill, the verdicts kept for past dates).
 */
export const ACTIVE_ON = (alias: string, dateParam: string) =>
  `${alias}.effective_from <= ${dateParam}::date AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > ${dateParam}::date)
   AND (${alias}.term_end IS NULL OR ${alias}.term_end >= ${dateParam}::date)`;

/**
 * An appointment whose `ACTIVE_ON` answer, or whose place in a window of `windowDays` days from
 * the date (a term ending within it: the 90-day “即将到期” count, SPEC §7), differs between the
 * dates in `fromParam` and `toParam` (from < to): it took effect, ended or ran out in between.
 * The only appointments a move of the as-of date from one day to a later one can count otherwise.
 */
export const ACTIVE_MOVED = (alias: string, fromParam: string, toParam: string, windowDays: number) =>
  `(${alias}.effective_from > ${fromParam}::date AND ${alias}.effective_from <= ${toParam}::date)
   OR (${alias}.ended_on > ${fromParam}::date AND ${alias}.ended_on <= ${toParam}::date)
   OR (${alias}.term_end >= ${fromParam}::date AND ${alias}.term_end < ${toParam}::date)
   OR (${alias}.term_end > ${fromParam}::date + ${windowDays} AND ${alias}.term_end <= ${toParam}::date + ${windowDays})`;

/**
 * The verdict and disqualification of appointment `alias` on the date of `verdictOn` (an alias of
 * `verdict_on` joined on that date): the kept verdict for a past date, else the one stored on the
 * appointment (judged today). Nothing is kept for today, so for today's figures this is the stored one.
 */
export const VERDICT_ON = (alias: string, verdictOn: string) => `coalesce(${verdictOn}.verdict, ${alias}.verdict)`;
export const DISQUALIFIED_ON = (alias: string, verdictOn: string) => `coalesce(${verdictOn}.disqualified, ${alias}.disqualified)`;
