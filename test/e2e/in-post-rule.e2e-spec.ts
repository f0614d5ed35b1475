import { addDays, inPostOn, type AppointmentDates } from '@cqo/policy';
import { ACTIVE_ON } from '@cqo/server-eligibility';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 19, one home for each rule: "an appointment in post on D" (SPEC §7) is `ACTIVE_ON` in SQL
 * and `inPostOn` in TypeScript. PostgreSQL evaluates `ACTIVE_ON` over every combination of the
 * dates around D (the day before, D itself, the day after; no end set) and each answer must be
 * `inPostOn`'s. No product table: the cases are arrays unnested in the query.
 */
describe('in post on D: ACTIVE_ON and inPostOn (real Postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('ACTIVE_ON answers as inPostOn does, case by case (effective on D, ended on D, term ends on D, no term end, not in effect yet)', async () => {
    const cases: { date: string; a: AppointmentDates }[] = [];
    // An ordinary day and a leap day (its day after is 1 March).
    for (const date of ['2025-06-15', '2024-02-29']) {
      const around = [addDays(date, -1), date, addDays(date, 1)];
      for (const effectiveFrom of around) {
        for (const endedOn of [null, ...around]) {
          for (const termEnd of [null, ...around]) cases.push({ date, a: { effectiveFrom, endedOn, termEnd } });
        }
      }
    }
    const rows: { in_post: boolean }[] = await t.db.query(
      `SELECT (${ACTIVE_ON('c', 'c.d')}) AS in_post
         FROM unnest($1::date[], $2::date[], $3::date[], $4::date[]) WITH ORDINALITY AS c(d, effective_from, ended_on, term_end, i)
        ORDER BY c.i`,
      [cases.map((c) => c.date), cases.map((c) => c.a.effectiveFrom), cases.map((c) => c.a.endedOn), cases.map((c) => c.a.termEnd)],
    );
    expect(rows).toHaveLength(2 * 3 * 4 * 4);
    const sql = cases.map((c, i) => ({ ...c, inPost: rows[i].in_post }));
    const pure = cases.map((c) => ({ ...c, inPost: inPostOn(c.a, c.date) }));
    expect(sql).toEqual(pure);
    // Both answers occur, so neither side is trivially true or false.
    expect(new Set(rows.map((r) => r.in_post))).toEqual(new Set([true, false]));
  });
});
