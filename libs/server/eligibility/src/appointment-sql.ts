/**
 * An appointment in post on date $D (SPEC §7): in effect, not ended, term not run out. The one
 * definition of "in post on D" for every figure, verdict and list (stats, the 统计表, reminders,
 * prefill, the verdicts kept for past dates).
 */
export const ACTIVE_ON = (alias: string, dateParam: string) =>
  `${alias}.effective_from <= ${dateParam}::date AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > ${dateParam}::date)
   AND (${alias}.term_end IS NULL OR ${alias}.term_end >= ${dateParam}::date)`;

/**
 * The verdict and disqualification of appointment `alias` on the date of `verdictOn` (an alias of
 * `verdict_on` joined on that date): the kept verdict for a past date, else the one stored on the
 * appointment (judged today). Nothing is kept for today, so for today's figures this is the stored one.
 */
export const VERDICT_ON = (alias: string, verdictOn: string) => `coalesce(${verdictOn}.verdict, ${alias}.verdict)`;
export const DISQUALIFIED_ON = (alias: string, verdictOn: string) => `coalesce(${verdictOn}.disqualified, ${alias}.disqualified)`;
