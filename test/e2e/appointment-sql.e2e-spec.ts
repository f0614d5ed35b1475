import { addDays, builtInProfile, chinaDate, yearlyCompliance } from '@cqo/policy';
import { ACTIVE_ON, ACTIVE_TODAY, YEARLY_TRAINING } from '@cqo/server-eligibility';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 19, one home for each rule: the SQL rule fragments of server-eligibility's
 * appointment-sql.ts evaluated by PostgreSQL against the pure rules they restate, and the lists of
 * "the CQO in post today" agreeing with the statistics' `ACTIVE_ON` on a record not yet in effect.
 */
describe('appointment SQL rules (real Postgres)', () => {
  let t: TestApp;
  let province: string;
  const today = chinaDate(new Date());

  beforeAll(async () => {
    t = await createTestApp();
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
  });
  afterAll(() => t.close());

  it('YEARLY_TRAINING judges as yearlyCompliance does (SPEC §3: who it applies to, what is short)', async () => {
    const year = 2024;
    const cqos: { appointedOn: string; termEnd: string | null }[] = [
      { appointedOn: '2020-03-01', termEnd: '2025-02-28' },
      { appointedOn: '2023-12-31', termEnd: null },
      { appointedOn: '2024-01-01', termEnd: '2028-12-31' }, // appointed during the year: initial training only
      { appointedOn: '2025-02-01', termEnd: '2030-01-31' },
      { appointedOn: '2019-12-31', termEnd: '2024-12-31' }, // term ends on Dec 31: still in post then
      { appointedOn: '2019-12-30', termEnd: '2024-12-30' },
    ];
    const hours = [
      { first: 0, second: 0, activities: 0 },
      { first: 14, second: 30, activities: 1 },
      { first: 13.5, second: 30, activities: 0 },
      { first: 20, second: 20, activities: 2 },
      { first: 4, second: 5.5, activities: 1 },
      { first: 100, second: 0, activities: 0 },
    ];
    const cases = cqos.flatMap((cqo) => hours.map((h) => ({ cqo, h })));
    for (const name of ['hubei-2021', 'hunan-2024', 'zhejiang']) {
      const profile = builtInProfile(name);
      const rule = profile.rules.find((r) => r.kind === 'annual-training');
      if (rule?.kind !== 'annual-training') throw new Error(`${name} sets no annual-training rule`);
      const h = { first: 'c.first', second: 'c.second', activities: 'c.activities' };
      const min = { first: '$7::numeric', second: '$8::numeric', total: '$9::numeric', activities: '$10::int' };
      const rows: { applies: boolean; short_hours: number; short_activities: number; met: boolean }[] = await t.db.query(
        `SELECT (${YEARLY_TRAINING.applies('c', '$11::date', '$12::date')}) AS applies,
                ${YEARLY_TRAINING.shortHours(h, min)}::float8 AS short_hours,
                ${YEARLY_TRAINING.shortActivities(h.activities, min.activities)}::int AS short_activities,
                (${YEARLY_TRAINING.met(h, min)}) AS met
           FROM unnest($1::int[], $2::date[], $3::date[], $4::numeric[], $5::numeric[], $6::int[])
                AS c(i, appointed_on, term_end, first, second, activities)
          ORDER BY c.i`,
        [
          cases.map((_, i) => i),
          cases.map((c) => c.cqo.appointedOn),
          cases.map((c) => c.cqo.termEnd),
          cases.map((c) => c.h.first),
          cases.map((c) => c.h.second),
          cases.map((c) => c.h.activities),
          rule.minFirstCategory ?? 0,
          rule.minSecondCategory ?? 0,
          rule.minTotal ?? 0,
          rule.minActivities ?? 0,
          `${year}-01-01`,
          `${year}-12-31`,
        ],
      );
      const sql = rows.map((r) => ({ applicable: r.applies, ...(r.applies ? { compliant: r.met, shortHours: r.short_hours, shortActivities: r.short_activities } : {}) }));
      const pure = cases.map(({ cqo, h: x }) => {
        const c = yearlyCompliance(profile, cqo, year, { initial: 0, firstCategory: x.first, secondCategory: x.second, activities: x.activities });
        return { applicable: c.applicable, ...(c.applicable ? { compliant: c.compliant, shortHours: c.shortHours, shortActivities: c.shortActivities } : {}) };
      });
      expect({ name, judged: sql }).toEqual({ name, judged: pure });
      // Both sides vary: some CQOs comply, some fall short, some are not judged.
      expect(new Set(pure.map((p) => String(p.compliant)))).toEqual(new Set(['true', 'false', 'undefined']));
    }
  });

  it('ACTIVE_TODAY and ACTIVE_ON agree on today for every record the app can hold', async () => {
    const d = (n: number) => addDays(today, n);
    // [status, effective_from, ended_on, term_end, in post today]
    const rows: [string, string, string | null, string | null, boolean][] = [
      ['active', d(-100), null, null, true],
      ['active', d(-100), null, today, true], // last day of the term
      ['active', d(-100), null, d(-1), false], // term over, the nightly expiry not yet run
      ['active', d(1), null, d(1000), false], // not in effect yet
      ['active', today, null, d(1000), true], // in effect from today
      ['dismissed', d(-100), today, d(1000), false], // dismissed today
      ['superseded', d(-100), d(-5), d(1000), false],
      ['expired', d(-2000), d(-1), d(-2), false],
    ];
    const answers: { today_rule: boolean; on_rule: boolean }[] = await t.db.query(
      `SELECT (${ACTIVE_TODAY('a', '$5')}) AS today_rule, (${ACTIVE_ON('a', '$5')}) AS on_rule
         FROM unnest($1::text[], $2::date[], $3::date[], $4::date[]) WITH ORDINALITY AS a(status, effective_from, ended_on, term_end, i)
        ORDER BY a.i`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), today],
    );
    expect(answers.map((a) => a.today_rule)).toEqual(rows.map((r) => r[4]));
    expect(answers.map((a) => a.on_rule)).toEqual(rows.map((r) => r[4]));
  });

  it('a CQO whose appointment is not in effect yet is in post nowhere today, as in the statistics', async () => {
    const e = await makeEnterprise(t.db, '420102');
    const filed = await t
      .http()
      .post(`/api/enterprises/${e.id}/appointments`)
      .set('Authorization', province)
      .send(hubeiEligibleFiling(addDays(today, -10)))
      .expect(201);
    const inPost = async () => {
      const check = await t.http().get(`/api/award-check?creditCode=${e.creditCode}`).set('Authorization', province).expect(200);
      const list = await t.http().get(`/api/enterprises?q=${encodeURIComponent(e.name)}`).set('Authorization', province).expect(200);
      const progress = await t.http().get(`/api/training/progress?enterpriseId=${e.id}`).set('Authorization', province).expect(200);
      return { awardCheck: check.body.checks[0].ok, list: list.body.items[0].cqo !== null, trainingProgress: progress.body.person !== null };
    };
    expect(await inPost()).toEqual({ awardCheck: true, list: true, trainingProgress: true });
    // The filings refuse a future date, so only a correction in the database (or a clock set back)
    // leaves such a record: still the active one, in effect from next month.
    const ahead = addDays(today, 30);
    await t.db.query(`UPDATE appointment SET appointed_on = $2, effective_from = $2, term_end = $3 WHERE id = $1`, [filed.body.id, ahead, addDays(ahead, 1000)]);
    expect(await inPost()).toEqual({ awardCheck: false, list: false, trainingProgress: false });
  });

  it('answers 404 for a training record id that only looks like a UUID (it never reaches SQL)', async () => {
    const notUuid = '12345678-1234-1234-1234-12345678901-'; // 36 hex digits and hyphens, in the wrong places
    await t.http().post(`/api/training/records/${notUuid}/reversal`).set('Authorization', province).send({ reason: '录入错误' }).expect(404);
  });
});
