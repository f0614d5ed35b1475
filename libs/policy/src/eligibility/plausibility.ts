// The plausibility of a CQO's age and experience at appointment: one rule for the filing API
// (appointments service), the roster import (validateRosterRow) and the web filing form. The
// bounds are the platform's own sanity checks on what a filer typed (SPEC §4 filing fields:
// 出生年月, 从事质量管理工作年限), not a clause of the appointment policies.

/** Youngest and oldest plausible age at the appointment date, in whole years. */
export const APPOINTMENT_AGE_MIN = 18;
export const APPOINTMENT_AGE_MAX = 80;
/** Nobody works in quality management before this age: years in quality ≤ age − 14. */
export const WORKING_AGE = 14;

export const AGE_RANGE_MESSAGE = `按出生年月计算，聘任时年龄应在${APPOINTMENT_AGE_MIN}–${APPOINTMENT_AGE_MAX}岁之间`;
export const YEARS_TOO_MANY_MESSAGE = '从事质量管理工作年限与年龄不符';

export interface PlausibilityProblem {
  field: 'birthMonth' | 'yearsInQuality';
  code: 'age' | 'tooMany';
  message: string;
}

/** Whole years of age on `date` (YYYY-MM-DD) for someone born in `birthMonth` (YYYY-MM): the birthday counts from the 1st of the month. */
export function ageAt(birthMonth: string, date: string): number {
  const [by, bm] = birthMonth.split('-').map(Number);
  return Number(date.slice(0, 4)) - by - (Number(date.slice(5, 7)) < bm ? 1 : 0);
}

/**
 * The age and experience checks, in order:
 * (a) the age at appointment lies in [18, 80];
 * (b) when it does, an integer `yearsInQuality` is at most age − 14 (an implausible age already
 *     names the wrong field, so (b) is not judged on it).
 * Arguments are assumed well-formed (YYYY-MM, YYYY-MM-DD); a non-integer years is left to the
 * caller's own range check.
 */
export function checkPlausibility(birthMonth: string, appointedOn: string, yearsInQuality: number | null | undefined): PlausibilityProblem[] {
  const age = ageAt(birthMonth, appointedOn);
  if (age < APPOINTMENT_AGE_MIN || age > APPOINTMENT_AGE_MAX) return [{ field: 'birthMonth', code: 'age', message: AGE_RANGE_MESSAGE }];
  if (typeof yearsInQuality === 'number' && Number.isInteger(yearsInQuality) && yearsInQuality > age - WORKING_AGE) {
    return [{ field: 'yearsInQuality', code: 'tooMany', message: YEARS_TOO_MANY_MESSAGE }];
  }
  return [];
}
