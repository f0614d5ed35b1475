/** The dates of an appointment that decide whether it is in post (YYYY-MM-DD; null: no end set). */
export interface AppointmentDates {
  effectiveFrom: string;
  endedOn: string | null;
  termEnd: string | null;
}

/**
 * The term has run out by `date`: its last day (term_end) is before it. A term ending on D is
 * still in post on D. The nightly expiry ends an active record on this test
 * (`AppointmentsRepository.expireTerms`: `term_end < today`).
 */
export function termRunOut(termEnd: string | null, date: string): boolean {
  return termEnd !== null && termEnd < date;
}

/**
 * An appointment in post on `date` (SPEC §7): in effect (effective_from ≤ D), not ended (ended_on
 * null or > D: on the day it ends it is no longer in post) and its term not run out (term_end null
 * or ≥ D). The TypeScript form of `ACTIVE_ON` (libs/server/eligibility/src/appointment-sql.ts);
 * test/e2e/in-post-rule.e2e-spec.ts pins the two together. Like `ACTIVE_ON` it does not read the
 * status: an ended record carries its ended_on (`(status = 'active') = (ended_on IS NULL)`), so
 * it is in post on the dates before it ended. For today `ACTIVE_TODAY` adds the status test only
 * so that a join can use the one-active-per-enterprise index.
 */
export function inPostOn(a: AppointmentDates, date: string): boolean {
  return a.effectiveFrom <= date && (a.endedOn === null || a.endedOn > date) && !termRunOut(a.termEnd, date);
}
