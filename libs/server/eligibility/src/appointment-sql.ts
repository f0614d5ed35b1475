/**
 * An appointment in post on date $D (SPEC §7): in effect, not ended, term not run out. The one
 * definition of "in post on D" for every figure, verdict and list (stats, the 统计表, reminders,
 * prefill, the verdicts kept for past dates).
 */
export const ACTIVE_ON = (alias: string, dateParam: string) =>
  `${alias}.effective_from <= ${dateParam}::date AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > ${dateParam}::date)
   AND (${alias}.term_end IS NULL OR ${alias}.term_end >= ${dateParam}::date)`;

/**
 * `ACTIVE_ON` for today, `todayParam` holding today's date: the same rule with the active record's
 * own test in front. On today the two agree, as no record ends after today (a 变更 or 解聘 is
 * refused a future date; the import and the nightly expiry end a record today or earlier). The
 * status test lets a join use the one-active-per-enterprise unique index (at most one row per
 * enterprise, and a LEFT JOIN nothing reads is dropped from a count). For any other date: ACTIVE_ON.
 */
export const ACTIVE_TODAY = (alias: string, todayParam: string) => `${alias}.status = 'active' AND ${ACTIVE_ON(alias, todayParam)}`;

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

/** SQL expressions of a year's training hours, as `YEARLY_TRAINING` reads them (numbers: sums or parameters). */
export interface TrainingHoursSql {
  first: string;
  second: string;
  activities: string;
}
/** SQL expressions of the thresholds of a year's training rule (0 where the rule sets none). */
export interface TrainingMinimumsSql extends TrainingHoursSql {
  total: string;
}

const shortHours = (h: Omit<TrainingHoursSql, 'activities'>, min: Omit<TrainingMinimumsSql, 'activities'>) =>
  `greatest(greatest(${min.first} - ${h.first}, 0) + greatest(${min.second} - ${h.second}, 0), ${min.total} - (${h.first} + ${h.second}), 0)`;
const shortActivities = (activities: string, minActivities: string) => `greatest(${minActivities} - ${activities}, 0)`;

/**
 * SPEC §3 yearly continuing education (hubei-2021 `004 三(二)`: 第一类 ≥ 14 and 第二类 ≥ 30 学时 a
 * year; hunan-2024 `001 9.4.1.2`: ≥ 10 学时 and ≥ 1 组织培训活动), in SQL: the same judgement as
 * `yearlyCompliance` in @cqo/policy, for the statistics (`training_applies`, `training_met`) and
 * the 培训未达标 list and reminder (`shortfallJudgedSql`). test/e2e/appointment-sql.e2e-spec.ts
 * pins the two together.
 */
export const YEARLY_TRAINING = {
  /**
   * The rule for the year from `yearStart` (Jan 1) to `yearEnd` (Dec 31) applies to appointment
   * `alias`: appointed before Jan 1 (those appointed during the year are judged on initial training
   * only) and its term not run out before Dec 31. Being in post (on Dec 31, or today) is the
   * caller's `ACTIVE_ON`.
   */
  applies: (alias: string, yearStart: string, yearEnd: string) =>
    `${alias}.appointed_on < ${yearStart} AND (${alias}.term_end IS NULL OR ${alias}.term_end >= ${yearEnd})`,
  /** Hours still missing: the per-category shortfalls together, or the total's when that is larger (a category's hours count toward the total). */
  shortHours,
  /** 组织培训活动 still missing. */
  shortActivities,
  /** The year's rule is met: nothing missing. */
  met: (h: TrainingHoursSql, min: TrainingMinimumsSql) => `${shortHours(h, min)} = 0 AND ${shortActivities(h.activities, min.activities)} = 0`,
};
