import { randomUUID } from 'node:crypto';
import { chinaDate, yearOf } from '@cqo/policy';
import { AuditChainService } from '@cqo/server-audit';
import { AnnualReportsRepository, AnnualReportsService, SubmitBatcher, type SubmitWrite } from '@cqo/server-filings';
import type { Actor } from '@cqo/server-common';
import { bearer, completeReport, creditCode, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { recordStatements } from '../support/statements';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const N = 24;

/**
 * Group commit of annual-report submits (issue 16): concurrent submits are written by one multi-row
 * statement, and each request still gets its own answer, as if it had been written alone. Own
 * database: the calendar settings are province-wide.
 */
describe('annual-report submits written together (group commit, real Postgres)', () => {
  let t: TestApp;
  let province: string;
  let wuhan: string;
  const Y = yearOf(chinaDate(new Date()));
  const ents: { id: string; regionPath: string; auth: string }[] = [];

  beforeAll(async () => {
    const databaseUrl = await privateDatabase('groupcommit');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:groupcommit`, DB_POOL_SIZE: '4', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 })
      .expect(200);
    for (let i = 0; i < N; i++) {
      const code = creditCode('420102');
      const res = await t.http().post('/api/enterprises').set('Authorization', province)
        .send({ creditCode: code, name: `合并提交企业${i}有限公司${code.slice(-4)}`, regionCode: '420102', aboveSize: true, awards: [] })
        .expect(201);
      const [{ region_path }] = await t.db.query(`SELECT region_path FROM enterprise WHERE id = $1`, [res.body.id]);
      ents.push({ id: res.body.id, regionPath: region_path, auth: await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: res.body.id })).username) });
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);
  const submit = (i: number, version = 0) =>
    t.http().post(`/api/annual-reports/by-enterprise/${ents[i].id}/${Y}/submit`).set('Authorization', ents[i].auth)
      .send({ data: completeReport(), version, explanation: '本年度情况说明' });
  const storedOnce = async (enterpriseId: string) => {
    const [r] = await t.db.query(`SELECT id FROM annual_report WHERE enterprise_id = $1 AND year = $2 AND status = 'submitted'`, [enterpriseId, Y]);
    expect(r).toBeDefined();
    expect(await count(`SELECT count(*) AS n FROM report_event WHERE report_id = $1 AND to_status = 'submitted'`, [r.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_id = $1 AND action = 'annual_report.submit' AND actor_role = 'enterprise'`, [r.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE job_name = 'stats.refresh' AND payload->>'enterpriseId' = $1 AND payload->>'reason' = 'annual_report.submit'`, [enterpriseId])).toBe(1);
  };

  it(`${N / 2} enterprises submit at once, each racing a duplicate of itself: one 200 and one 409 each`, async () => {
    const half = N / 2;
    let res: { status: number; body: { status?: string; version?: number } }[] = [];
    const seen = await recordStatements(async () => {
      res = await Promise.all(Array.from({ length: 2 * half }, (_, i) => submit(i % half)));
    });
    for (let i = 0; i < half; i++) {
      expect([res[i].status, res[i + half].status].sort()).toEqual([200, 409]);
      expect((res[i].status === 200 ? res[i] : res[i + half]).body).toMatchObject({ status: 'submitted', version: 2 });
      await storedOnce(ents[i].id);
    }
    // Whether they shared statements depends on timing here; the batcher's own test below shows it.
    expect(seen.filter((x) => x.includes('INSERT INTO annual_report')).length).toBeLessThanOrEqual(2 * half);
  });

  it('a resubmit after a return and fresh submits written together each keep their own version check', async () => {
    // ents[0]'s report is submitted (version 2): returned by the city, then resubmitted (version 3)
    // together with new reports of other enterprises and a stale copy (version 2) that gets 409.
    const [{ id }] = await t.db.query(`SELECT id FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [ents[0].id, Y]);
    await t.http().post(`/api/annual-reports/${id}/return`).set('Authorization', wuhan).send({ version: 2, reason: '请补充说明' }).expect(200);
    const res = await Promise.all([submit(0, 3), submit(0, 2), ...Array.from({ length: N / 2 - 1 }, (_, k) => submit(N / 2 + k))]);
    expect(res[0].status).toBe(200);
    expect(res[0].body).toMatchObject({ status: 'submitted', version: 4 });
    expect(res[1].status).toBe(409);
    expect(res.slice(2).map((r) => r.status)).toEqual(Array(N / 2 - 1).fill(200));
    for (let k = 0; k < N / 2 - 1; k++) await storedOnce(ents[N / 2 + k].id);
  });

  /** Direct writes of new reports for `year` of ents[0..n), through a batcher with one batch in flight. */
  const direct = async (n: number, year: number) => {
    const batcher = new SubmitBatcher(t.app.get(AnnualReportsRepository), 1);
    const [{ id: userId, username }] = await t.db.query(`SELECT id, username FROM app_user WHERE role = 'province' LIMIT 1`);
    const actor = { userId, username, role: 'province' as const };
    const rows: SubmitWrite[] = ents.slice(0, n).map((e) => ({
      id: randomUUID(), enterpriseId: e.id, regionPath: e.regionPath, year, data: JSON.stringify(completeReport()), hits: '[]', softHitIds: [], explanation: null,
      now: new Date(), by: userId, late: false, expected: null, from: 'not-started', actor, ip: '127.0.0.1',
    }));
    return { batcher, rows };
  };

  it('with one batch in flight, six writes go as one alone and five in one statement, each answered', async () => {
    const { batcher, rows } = await direct(6, Y - 2);
    let out: (number | null)[] = [];
    const seen = await recordStatements(async () => {
      out = await Promise.all(rows.map((r) => batcher.write(r)));
    });
    expect(out).toEqual([2, 2, 2, 2, 2, 2]);
    const writes = seen.filter((x) => x.includes('INSERT INTO annual_report'));
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('unnest(');
    for (const r of rows) {
      expect(await count(`SELECT count(*) AS n FROM annual_report WHERE id = $1 AND status = 'submitted'`, [r.id])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM report_event WHERE report_id = $1`, [r.id])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_id = $1 AND actor_id = $2 AND ip = '127.0.0.1'`, [r.id, r.by])).toBe(1);
    }
    // Written again (a racing duplicate of each): nothing is written, each answer is null (a 409).
    const again = rows.map((r) => ({ ...r, id: randomUUID() }));
    expect(await Promise.all(again.map((r) => batcher.write(r)))).toEqual([null, null, null, null, null, null]);
    expect(await count(`SELECT count(*) AS n FROM annual_report WHERE year = $1`, [Y - 2])).toBe(6);
  });

  it('a batch with one row the database refuses: that write fails alone, its neighbours are stored', async () => {
    const { batcher, rows } = await direct(6, Y - 1);
    // The fourth's year is outside annual_report_year_check.
    rows[3].year = 1990;
    // Only one batch in flight: the first write goes alone, the other five wait and go together.
    const out = await Promise.allSettled(rows.map((r) => batcher.write(r)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(out.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number | null>).value)).toEqual([2, 2, 2, 2, 2]);
    expect(String((out[3] as PromiseRejectedResult).reason)).toContain('annual_report_year_check');
    for (const k of [0, 1, 2, 4, 5]) {
      expect(await count(`SELECT count(*) AS n FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [ents[k].id, Y - 1])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_id = $1`, [rows[k].id])).toBe(1);
    }
    expect(await count(`SELECT count(*) AS n FROM annual_report WHERE id = $1`, [rows[3].id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_id = $1`, [rows[3].id])).toBe(0);
  });

  it('the facts reads of concurrent submits go in one statement, each submit answered on its own facts', async () => {
    const service = t.app.get(AnnualReportsService);
    const actorOf = async (i: number): Promise<Actor> => {
      const u = await makeUser(t.db, 'enterprise', { enterpriseId: ents[i].id });
      return { userId: u.id, username: u.username, role: 'enterprise', sessionId: randomUUID(), regionCode: '420102', regionPath: ents[i].regionPath, enterpriseId: ents[i].id, ip: '127.0.0.1' };
    };
    const [a23, a1, a3] = [await actorOf(N - 1), await actorOf(1), await actorOf(3)];
    const dto = { data: completeReport(), version: 0, explanation: '本年度情况说明' };
    let out: PromiseSettledResult<{ version: number; enterpriseName: string }>[] = [];
    const seen = await recordStatements(async () => {
      out = await Promise.allSettled([
        // The first read is in flight alone (SUBMIT_BATCHES_IN_FLIGHT, 1 by default); the ones after it queue and are read together.
        service.submit(a3, ents[3].id, Y - 3, dto),
        service.submit(a3, ents[3].id, Y - 4, dto),
        service.submit(a3, ents[3].id, Y - 5, dto),
        service.submit(a23, ents[N - 1].id, Y, dto), // not submitted yet
        service.submit(a1, ents[1].id, Y, { ...dto, version: 2 }), // already submitted (version 2): 409
        service.submit(a1, randomUUID(), Y, dto), // no such enterprise: 404
        service.submit(a3, ents[2].id, Y, dto), // another enterprise's report: 404, as if there were none
        service.submit(a23, ents[N - 1].id, Y, dto), // its own duplicate (never in the same batch): one of the two gets 409
      ]);
    });
    const status = (o: PromiseSettledResult<unknown>) =>
      o.status === 'fulfilled' ? 200 : (o.reason as { getStatus?: () => number }).getStatus?.() ?? 500;
    expect(out.slice(4, 7).map(status)).toEqual([409, 404, 404]);
    // The two submits of ents[23]: one 200 and one 409, whichever's write goes first.
    expect([status(out[3]), status(out[7])].sort()).toEqual([200, 409]);
    const won = [out[3], out[7]].find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ version: number; enterpriseName: string }>;
    expect(won.value).toMatchObject({ version: 2, enterpriseName: expect.stringContaining(`合并提交企业${N - 1}有限公司`) });
    const batched = seen.filter((x) => x.includes('WITH ORDINALITY AS i(e, y, as_of'));
    expect(batched.length).toBeGreaterThanOrEqual(1);
    expect(seen.filter((x) => x.includes('cqo AS (')).length).toBeLessThan(out.length);
    await storedOnce(ents[N - 1].id);
  });

  it('the audit chain still verifies after the shared statements (cqo verify audit)', async () => {
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'annual_report.submit'`)).toBeGreaterThanOrEqual(N + 11);
    await expect(t.app.get(AuditChainService).verify()).resolves.toMatchObject({ ok: true });
  });
});
