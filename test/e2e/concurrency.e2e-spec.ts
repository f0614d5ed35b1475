import { addDays, chinaDate, yearOf } from '@cqo/policy';
import { TransactionGuardError, clearTransactionGuardViolations, transactionGuardViolations } from '@cqo/server-database';
import { bearer, completeReport, creditCode, hubeiEligibleFiling, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { recordStatements } from '../support/statements';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const POOL = 3;
const N = 3 * POOL;

/**
 * The year-end rush on a pool of 3 connections (issue 16): 3× the pool size of concurrent annual-report
 * submissions, and every other write endpoint under the same concurrency, all finish with their
 * expected status, each write stored once with its outbox row. Before the fix a submit took a second
 * pool connection from inside its transaction (the policy profile), so 3 submits in flight held all 3
 * connections and waited for a 4th forever. Two apps on one database: one with the test-mode
 * transaction guard (a second connection from inside a transaction throws, naming the caller), one
 * without it, where the short acquire timeout is all that keeps a deadlock from hanging the test.
 * Its own database: the calendar settings are province-wide.
 */
describe('writes under concurrency on a small pool (real Postgres)', () => {
  let t: TestApp;
  let bare: TestApp;
  let province: string;
  let wuhan: string;
  const Y = yearOf(chinaDate(new Date()));
  const today = chinaDate(new Date());
  const ents: { id: string; version: number; auth: string; reportId?: string }[] = [];
  const trainingIds: string[] = [];

  beforeAll(async () => {
    const databaseUrl = await privateDatabase('concurrency');
    const base = { DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:concurrency`, DB_POOL_SIZE: String(POOL), DB_ACQUIRE_TIMEOUT_MS: '5000' };
    t = await createTestApp({ config: testConfig(base) });
    bare = await createTestApp({ config: testConfig({ ...base, CQO_TRANSACTION_GUARD: 'off' }) });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 })
      .expect(200);
    clearTransactionGuardViolations();
  }, 60_000);
  afterAll(async () => {
    await bare?.close();
    await t?.close();
  });

  afterEach(() => {
    // Every request above ran with the guard on: a service that reached the pool from inside a transaction fails here by name.
    const seen = transactionGuardViolations().map((v) => v.caller.split('\n')[0]?.trim());
    clearTransactionGuardViolations();
    expect(seen).toEqual([]);
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);
  /** Outbox rows for `reason` naming `enterpriseId`. */
  const outboxRows = (reason: string, enterpriseId: string) =>
    count(`SELECT count(*) AS n FROM outbox WHERE job_name = 'stats.refresh' AND payload->>'reason' = $1 AND payload->>'enterpriseId' = $2`, [reason, enterpriseId]);
  const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();
  const all = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

  const complete = completeReport;

  it('the guard itself: a query on the pool from inside a transaction throws, naming the caller', async () => {
    const err = await t.db.transaction(() => t.db.query('SELECT 1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionGuardError);
    expect(String((err as Error).message)).toContain('concurrency.e2e-spec.ts');
    expect(transactionGuardViolations()).toHaveLength(1);
    clearTransactionGuardViolations();
    // The transaction's own manager is fine, and so is the pool after it.
    await expect(t.db.transaction((m) => m.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
    await expect(t.db.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    // The server-side guard rails are set on every pool connection.
    expect(await t.db.query(`SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i`)).toEqual([{ s: '30s', i: '1min' }]);
  });

  it(`${N} enterprises registered at once, each once with its outbox row`, async () => {
    const codes = Array.from({ length: N }, () => creditCode('420102'));
    const res = await all(N, (i) =>
      t.http().post('/api/enterprises').set('Authorization', province).send({ creditCode: codes[i], name: `并发企业${i}有限公司${codes[i].slice(-4)}`, regionCode: '420102', aboveSize: true, awards: [] }),
    );
    expect(statuses(res)).toEqual(Array(N).fill(201));
    for (const r of res) {
      ents.push({ id: r.body.id, version: r.body.version, auth: '' });
      expect(await count(`SELECT count(*) AS n FROM enterprise WHERE credit_code = $1`, [r.body.creditCode])).toBe(1);
      expect(await outboxRows('enterprise.create', r.body.id)).toBe(1);
    }
    for (const e of ents) e.auth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
  });

  it(`${N} enterprises updated at once, plus a stale copy of each: one 200 and one 409 per enterprise`, async () => {
    const res = await all(2 * N, (i) => {
      const e = ents[i % N];
      return t.http().patch(`/api/enterprises/${e.id}`).set('Authorization', province).send({ sizeClass: i < N ? '大型' : '小型', version: e.version });
    });
    for (let i = 0; i < N; i++) expect([res[i].status, res[i + N].status].sort()).toEqual([200, 409]);
    for (const e of ents) expect(await outboxRows('enterprise.update', e.id)).toBe(1);
  });

  it(`${N} CQO appointments filed at once (each judged inside its transaction), each once`, async () => {
    const res = await all(N, (i) =>
      t.http().post(`/api/enterprises/${ents[i].id}/appointments`).set('Authorization', ents[i].auth).send(hubeiEligibleFiling(addDays(today, -5), { name: `并发${i}` })),
    );
    expect(statuses(res)).toEqual(Array(N).fill(201));
    for (const e of ents) {
      expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [e.id])).toBe(1);
      expect(await outboxRows('appointment.file', e.id)).toBe(1);
    }
  });

  it(`${N} training records at once, each once`, async () => {
    const res = await all(N, (i) =>
      t.http().post('/api/training/records').set('Authorization', ents[i].auth)
        .send({ category: '继续教育(第一类)', course: `并发课程${i}`, provider: '湖北省质量协会', startDate: addDays(today, -3), endDate: addDays(today, -2), hours: 8, certificateNo: null }),
    );
    expect(statuses(res)).toEqual(Array(N).fill(201));
    trainingIds.push(...res.map((r) => r.body.id as string));
    for (const e of ents) {
      expect(await count(`SELECT count(*) AS n FROM training_record WHERE enterprise_id = $1`, [e.id])).toBe(1);
      expect(await outboxRows('training.record', e.id)).toBe(1);
    }
  });

  it(`${N} violations recorded against the CQOs at once, then their status changed at once`, async () => {
    const res = await all(N, (i) =>
      t.http().post('/api/violations').set('Authorization', wuhan)
        .send({ enterpriseId: ents[i].id, subject: 'cqo', type: '失信', occurredOn: addDays(today, -1), sourceDocument: `武市监〔${Y}〕${i}号` }),
    );
    expect(statuses(res)).toEqual(Array(N).fill(201));
    const updated = await all(N, (i) => t.http().patch(`/api/violations/${res[i].body.id}`).set('Authorization', wuhan).send({ status: 'rectified', note: '已整改', version: res[i].body.version }));
    expect(statuses(updated)).toEqual(Array(N).fill(200));
    for (const e of ents) {
      expect(await count(`SELECT count(*) AS n FROM violation WHERE enterprise_id = $1`, [e.id])).toBe(1);
      expect(await outboxRows('violation.record', e.id)).toBe(1);
      expect(await outboxRows('violation.status', e.id)).toBe(1);
    }
  });

  it(`${N} drafts saved at once, then ${N} submissions at once with a racing duplicate each: one 200 and one 409 per report`, async () => {
    const saved = await all(N, (i) => t.http().put(`/api/annual-reports/by-enterprise/${ents[i].id}/${Y}`).set('Authorization', ents[i].auth).send({ data: complete(), version: 0 }));
    expect(statuses(saved)).toEqual(Array(N).fill(200));
    const res = await all(2 * N, (i) =>
      t.http().post(`/api/annual-reports/by-enterprise/${ents[i % N].id}/${Y}/submit`).set('Authorization', ents[i % N].auth)
        .send({ data: complete(), version: 1, explanation: '本年度有违规记录，已整改' }),
    );
    for (let i = 0; i < N; i++) {
      expect([res[i].status, res[i + N].status].sort()).toEqual([200, 409]);
      const ok = res[i].status === 200 ? res[i] : res[i + N];
      expect(ok.body).toMatchObject({ status: 'submitted', version: 2 });
      ents[i].reportId = ok.body.id;
    }
    for (const e of ents) {
      expect(await count(`SELECT count(*) AS n FROM annual_report WHERE enterprise_id = $1 AND status = 'submitted'`, [e.id])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM report_event WHERE report_id = $1 AND to_status = 'submitted'`, [e.reportId])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_id = $1 AND action = 'annual_report.submit'`, [e.reportId])).toBe(1);
      expect(await outboxRows('annual_report.submit', e.id)).toBe(1);
    }
  });

  it(`the city accepts and returns ${N} reports at once, each once`, async () => {
    const res = await all(N, (i) =>
      i % 2
        ? t.http().post(`/api/annual-reports/${ents[i].reportId}/return`).set('Authorization', wuhan).send({ version: 2, reason: '请补充说明' })
        : t.http().post(`/api/annual-reports/${ents[i].reportId}/accept`).set('Authorization', wuhan).send({ version: 2 }),
    );
    expect(statuses(res)).toEqual(Array(N).fill(200));
    for (const [i, e] of ents.entries()) {
      expect(await outboxRows(i % 2 ? 'annual_report.return' : 'annual_report.accept', e.id)).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM notification n JOIN app_user u ON u.id = n.user_id WHERE u.enterprise_id = $1`, [e.id])).toBe(1);
    }
  });

  it('province-wide settings written concurrently: each write audited once, the last one wins', async () => {
    const res = await all(N, (i) =>
      t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
        .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-${10 + i}`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7], overdueEveryDays: 7 }),
    );
    expect(statuses(res)).toEqual(Array(N).fill(200));
    expect(await count(`SELECT count(*) AS n FROM filing_setting WHERE year = $1`, [Y])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'filing_settings.update'`)).toBe(N + 1);
  });

  it('the other writes, each at once with a racing duplicate: reversal, hours certificate, city report, reminders, policy schedule, dismissal', async () => {
    const reversals = await all(2 * N, (i) => t.http().post(`/api/training/records/${trainingIds[i % N]}/reversal`).set('Authorization', ents[i % N].auth).send({ reason: '登记错误' }));
    for (let i = 0; i < N; i++) expect([reversals[i].status, reversals[i + N].status].sort()).toEqual([201, 409]);
    for (const id of trainingIds) expect(await count(`SELECT count(*) AS n FROM training_record WHERE reverses = $1`, [id])).toBe(1);

    const people: { person_id: string; id: string }[] = await t.db.query(
      `SELECT person_id, id FROM appointment WHERE enterprise_id = ANY($1::uuid[]) AND status = 'active' ORDER BY array_position($1::uuid[], enterprise_id)`,
      [ents.map((e) => e.id)],
    );
    const certs = await all(N, (i) => t.http().post('/api/training/certificates').set('Authorization', ents[i].auth).send({ personId: people[i].person_id, year: Y }));
    expect(statuses(certs)).toEqual(Array(N).fill(200));

    const citySaves = await all(N, () => t.http().put(`/api/city-reports/420100/${Y}`).set('Authorization', wuhan).send({ narrative: '推进情况', version: 0 }));
    expect(statuses(citySaves)).toEqual([200, ...Array(N - 1).fill(409)]);
    const citySubmits = await all(N, () => t.http().post(`/api/city-reports/420100/${Y}/submit`).set('Authorization', wuhan).send({ narrative: '推进情况', version: 1 }));
    expect(statuses(citySubmits)).toEqual([200, ...Array(N - 1).fill(409)]);
    expect(await count(`SELECT count(*) AS n FROM report_event WHERE report_type = 'city' AND to_status = 'submitted'`)).toBe(1);

    const reminders = await all(N, () => t.http().post('/api/annual-reports/remind').set('Authorization', wuhan).send({ year: Y }));
    expect(reminders.every((r) => r.status < 300)).toBe(true);

    const schedule = await all(POOL, () => t.http().post('/api/policy/schedule').set('Authorization', province).send({ profile: 'hubei-2021@1', from: `${Y}-01-01` }));
    expect(statuses(schedule)).toEqual(Array(POOL).fill(200));
    expect(await count(`SELECT count(*) AS n FROM policy_schedule`)).toBe(1);

    const dismissals = await all(2 * N, (i) => t.http().post(`/api/appointments/${people[i % N].id}/dismiss`).set('Authorization', wuhan).send({ endedOn: today, reason: '企业重组' }));
    for (let i = 0; i < N; i++) expect([dismissals[i].status, dismissals[i + N].status].sort()).toEqual([200, 409]);
    for (const e of ents) expect(await outboxRows('appointment.dismiss', e.id)).toBe(1);
  });

  it('a submission takes 2 round trips (one read of its facts, one write that checks the report is as read) and answers what a read then shows', async () => {
    const code = creditCode('420102');
    const created = await t.http().post('/api/enterprises').set('Authorization', province).send({ creditCode: code, name: `往返企业${code.slice(-4)}`, regionCode: '420102', aboveSize: true, awards: [] }).expect(201);
    const id = created.body.id as string;
    await t.http().post(`/api/enterprises/${id}/appointments`).set('Authorization', province).send(hubeiEligibleFiling(addDays(today, -5), { name: '往返' })).expect(201);
    const auth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: id })).username);
    await t.http().post('/api/training/records').set('Authorization', auth)
      .send({ category: '第二类', course: '往返课程', provider: '湖北省质量协会', startDate: addDays(today, -3), endDate: addDays(today, -2), hours: 4, certificateNo: null })
      .expect(201);
    const url = `/api/annual-reports/by-enterprise/${id}/${Y}`;
    await t.http().get(url).set('Authorization', auth).expect(200); // warm the per-process caches (session, regions, policy)
    let first: { body: Record<string, unknown> } | undefined;
    const statements = await recordStatements(async () => {
      first = await t.http().post(`${url}/submit`).set('Authorization', auth).send({ data: complete({ qualityFund: 0 }), version: 0, explanation: '经费并入技改' }).expect(200);
    });
    expect(statements).toHaveLength(2);
    expect(statements[1]).toMatch(/^WITH report AS \(INSERT INTO annual_report/);
    expect(first?.body).toEqual((await t.http().get(url).set('Authorization', auth).expect(200)).body);
    // Returned, then resubmitted: the update path, with history.
    await t.http().post(`/api/annual-reports/${first?.body.id}/return`).set('Authorization', wuhan).send({ version: 2, reason: '请补充' }).expect(200);
    const again = await t.http().post(`${url}/submit`).set('Authorization', auth).send({ data: complete(), version: 3 }).expect(200);
    expect(again.body).toMatchObject({ status: 'submitted', version: 4, softHits: [] });
    expect(again.body.history).toHaveLength(3);
    expect(again.body).toEqual((await t.http().get(url).set('Authorization', auth).expect(200)).body);
  });

  it(`without the guard, ${N} fresh submissions at once on ${POOL} connections all finish (before the fix: a deadlock, then acquire timeouts)`, async () => {
    const fresh = await all(N, async (i) => {
      const code = creditCode('420102');
      const e = await bare.http().post('/api/enterprises').set('Authorization', province).send({ creditCode: code, name: `无守卫企业${i}${code.slice(-4)}`, regionCode: '420102', aboveSize: true, awards: [] }).expect(201);
      await bare.http().post(`/api/enterprises/${e.body.id}/appointments`).set('Authorization', province).send(hubeiEligibleFiling(addDays(today, -5), { name: `无守卫${i}`, explanation: '补录' })).expect(201);
      return { id: e.body.id as string, auth: await bearer(bare.http, (await makeUser(bare.db, 'enterprise', { enterpriseId: e.body.id })).username) };
    });
    const started = Date.now();
    const res = await all(N, (i) => bare.http().post(`/api/annual-reports/by-enterprise/${fresh[i].id}/${Y}/submit`).set('Authorization', fresh[i].auth).send({ data: complete(), version: 0 }));
    expect(statuses(res)).toEqual(Array(N).fill(200));
    expect(Date.now() - started).toBeLessThan(5000); // under the acquire timeout: nobody waited for a connection that never came
    for (const e of fresh) expect(await outboxRows('annual_report.submit', e.id)).toBe(1);
  });
});
