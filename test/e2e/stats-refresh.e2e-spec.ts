import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import ExcelJS from 'exceljs';
import { TRAINING_IMPORT_COLUMNS, type FileJobInfo } from '@cqo/contracts';
import { addDays, annualTrainingRule, BUILT_IN_PROFILES } from '@cqo/policy';
import { OutboxService, QueueName } from '@cqo/server-queue';
import { contributionsYears, SnapshotService } from '@cqo/server-stats';
import { bearer, creditCode, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, statsSettled, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Coalesced, incremental statistics (issue 16) with two real workers on real Postgres and Redis:
 * a burst of changes is counted by a handful of runs (not one per change) that recount only the
 * touched counties and end with the figures a full rebuild gives; a change made while a refresh
 * runs is counted by the next one; and after `cqo aggregate --year Y` (the other held years not
 * built) a change is an incremental run of that year, never a catch-up rebuild.
 */
describe('coalesced statistics refresh (real worker, Postgres and Redis)', () => {
  let t: TestApp;
  let workers: INestApplicationContext[] = [];
  let databaseUrl: string;
  let province: string;
  let queue: Queue;
  let filesDir: string;
  const { year: Y, today } = pinTestToday();
  // 江岸区 and 江汉区 (武汉), 西陵区 (宜昌).
  const COUNTIES = ['420102', '420103', '420502'];

  const cqo = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' } });
    return JSON.parse(stdout);
  };
  const one = async (sql: string, params: unknown[] = []) => (await t.db.query(sql, params))[0];
  const lastRunId = async () => Number((await one(`SELECT coalesce(max(id), 0) AS id FROM stat_run`)).id);
  const runsSince = async (id: number): Promise<{ kind: string; years: number[]; regions: string[] | null; trigger: string; status: string }[]> =>
    t.db.query(`SELECT kind, years, regions, trigger, status FROM stat_run WHERE id > $1 ORDER BY id`, [id]);
  const create = async (region: string, n: number) =>
    (
      await t
        .http()
        .post('/api/enterprises')
        .set('Authorization', province)
        .send({ creditCode: creditCode(region), name: `合并刷新${region}样本${n}有限公司`, regionCode: region, aboveSize: n % 2 === 0, awards: [] })
        .expect(201)
    ).body.id as string;
  const registered = async (region: string) => Number((await one(`SELECT count(*)::int AS n FROM enterprise WHERE region_code = $1`, [region])).n);
  const dashboardTotal = async (region: string) =>
    (await t.http().get(`/api/stats/dashboard?region=${region}&year=${Y}`).set('Authorization', province).expect(200)).body.self.enterprises.total as number;
  /** Every change relayed, every mark drained, no drain waiting or running. */
  const settled = () => statsSettled(t.db, workers[0]);
  /** Every county holding enterprises is held for year Y, each of its enterprises once (closed ones have no part). */
  const expectEveryCountyHeld = async () => {
    const unheld = await t.db.query(
      `SELECT DISTINCT e.region_code FROM enterprise e WHERE NOT EXISTS (SELECT 1 FROM stat_contrib_region c WHERE c.year = $1 AND c.region_code = e.region_code)`,
      [Y],
    );
    expect(unheld).toEqual([]);
    for (const county of COUNTIES) {
      expect(Number((await one(`SELECT count(*)::int AS n FROM stat_contrib WHERE year = $1 AND region_code = $2`, [Y, county])).n)).toBe(await registered(county));
    }
  };
  /** The current snapshot of year Y, every region's own and total counts. */
  const snapshotOf = async () =>
    Object.fromEntries(
      (
        await t.db.query(`SELECT s.region_code, s.own, s.total FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year WHERE c.year = $1`, [Y])
      ).map((r: { region_code: string; own: unknown; total: unknown }) => [r.region_code, { own: r.own, total: r.total }]),
    );

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
    databaseUrl = await privateDatabase('stats_refresh');
    // The training import (a file job) reads its upload from here.
    filesDir = await mkdtemp(join(tmpdir(), 'cqo-stats-refresh-files-'));
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_FILES_DIR: filesDir, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:stats-refresh`, STATS_DEBOUNCE_MS: '1000' });
    t = await createTestApp({ config });
    // Two workers: both relay, both take drains; the snapshot lock makes them take turns.
    workers = [await startTestWorker(config), await startTestWorker(config)];
    queue = workers[0].get<Queue>(getQueueToken(QueueName.Stats));
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    // Registered directly (no change queued): only the current year is then built, as after
    // `cqo aggregate --year Y` on a new installation; the other held years have no snapshot.
    for (const region of COUNTIES) for (let i = 0; i < 2; i++) await makeEnterprise(t.db, region, { aboveSize: i === 0 });
    // It holds the three counties' parts again, as the rebuild job does.
    expect(await cqo('aggregate', '--year', String(Y))).toMatchObject({ kind: 'full', years: [Y], held: { counties: 3, enterprises: 6 } });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.close();
    await t?.close();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  it('after `cqo aggregate --year Y`, a change is one incremental run of the built year: no catch-up rebuild', async () => {
    const since = await lastRunId();
    const before = await dashboardTotal('420102');
    await create('420102', 200);
    await waitFor(async () => (await dashboardTotal('420102')) === before + 1, 10_000, 100);
    await settled();
    const runs = await runsSince(since);
    expect(runs.filter((r) => r.kind === 'full')).toEqual([]);
    expect(runs).toEqual([expect.objectContaining({ kind: 'incremental', years: [Y], regions: ['420102'], status: 'succeeded', trigger: expect.stringContaining('enterprise.create') })]);
  }, 60_000);

  it('a burst of 50 changes over three counties is a handful of runs, ends with a full rebuild\'s figures and shows within seconds', async () => {
    const since = await lastRunId();
    const expected = Object.fromEntries(await Promise.all(COUNTIES.map(async (c) => [c, await registered(c)] as const)));
    // Five clients, ten changes each, round robin over the counties.
    let n = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 10; i++) {
          const k = n++;
          const county = COUNTIES[k % COUNTIES.length];
          await create(county, 300 + k);
          expected[county]++;
        }
      }),
    );
    const lastWrite = Date.now();
    const last = COUNTIES[(n - 1) % COUNTIES.length];
    await waitFor(async () => (await dashboardTotal(last)) === expected[last], 10_000, 100);
    const seenAfter = Date.now() - lastWrite;
    expect(seenAfter).toBeLessThan(5_000);
    await settled();

    const runs = await runsSince(since);
    // One run per debounce window, not one per change (the old code wrote 50 runs).
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(10);
    expect(runs.every((r) => r.kind === 'incremental' && r.status === 'succeeded')).toBe(true);
    // Only the touched counties were recounted.
    expect(new Set(runs.flatMap((r) => r.regions ?? []))).toEqual(new Set(COUNTIES));
    for (const c of COUNTIES) expect(await dashboardTotal(c)).toBe(expected[c]);

    // Every region's own and total counts (county, 市州, province) are those of a full rebuild.
    const incremental = await snapshotOf();
    const full = await t.app.get(SnapshotService).rebuild({ years: [Y], trigger: 'test:compare' });
    expect(full.kind).toBe('full');
    const rebuilt = await snapshotOf();
    expect(Object.keys(incremental).length).toBeGreaterThan(100);
    expect(incremental).toEqual(rebuilt);
    expect((await cqo('stats', '--region', '420100', '--year', String(Y))).enterprises.total).toBe(expected['420102'] + expected['420103']);
  }, 120_000);

  it('a change made while a refresh runs is counted by the next one', async () => {
    await settled();
    const before = await registered('420103');
    // Hold the row a refresh must update last: the next refresh reads its marks, counts, then waits here.
    const blocker = t.db.createQueryRunner();
    await blocker.connect();
    try {
      await blocker.startTransaction();
      await blocker.query(`SELECT 1 FROM stat_current WHERE year = $1 FOR UPDATE`, [Y]);
      await create('420103', 400);
      await waitFor(
        async () => Number((await one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO stat_current%'`)).n) > 0,
        15_000,
        100,
      );
      // The refresh has read the mark of 420103; the same county changes again now.
      await create('420103', 401);
      await waitFor(async () => Number((await one(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).n) === 0, 10_000, 100);
      await blocker.commitTransaction();
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
    await waitFor(async () => (await dashboardTotal('420103')) === before + 2, 10_000, 100);
    await settled();
    expect(await dashboardTotal('420103')).toBe(before + 2);
  }, 60_000);

  it('a change naming its years recounts those years only; a year no snapshot holds is left to live reads', async () => {
    await settled();
    const [e] = await t.db.query(`SELECT id FROM enterprise WHERE region_code = '420502' LIMIT 1`);
    const since = await lastRunId();
    await t.db.transaction((m) => t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'test.years', enterpriseId: e.id, years: [Y - 1] }));
    await settled();
    expect(await runsSince(since)).toEqual([]);
    await t.db.transaction((m) => t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'test.years', enterpriseId: e.id, years: [Y] }));
    await settled();
    expect(await runsSince(since)).toEqual([expect.objectContaining({ kind: 'incremental', years: [Y], regions: ['420502'], trigger: 'outbox:test.years' })]);
  }, 60_000);

  it('annual-report changes recount only their counties\' filing counts, equal to a full rebuild\'s; a mark mixed with another change counts that change too', async () => {
    await settled();
    const [a, b] = await t.db.query(`SELECT id FROM enterprise WHERE region_code = '420502' ORDER BY id LIMIT 2`);
    // A figure that drifted with no change queued (b's): a report change of a must not recount the county.
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [b.id]);
    const before = await snapshotOf();
    const submit = (id: string, reason: string) =>
      t.db.transaction(async (m) => {
        await m.query(
          `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at)
           SELECT id, region_path, $2, 'submitted', '{}', now() FROM enterprise WHERE id = $1`,
          [id, Y],
        );
        await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason, enterpriseId: id, years: [Y] });
      });
    let since = await lastRunId();
    await submit(a.id, 'annual_report.submit');
    await settled();
    expect(await runsSince(since)).toEqual([
      expect.objectContaining({ kind: 'incremental', years: [Y], regions: ['420502'], trigger: 'outbox:annual_report.submit:filings', status: 'succeeded' }),
    ]);
    const after = await snapshotOf();
    expect(after['420502'].own.filings.awaitingReview).toBe(before['420502'].own.filings.awaitingReview + 1);
    expect(after['420500'].total.filings.awaitingReview).toBe(before['420500'].total.filings.awaitingReview + 1);
    expect(after['420502'].own.enterprises).toEqual(before['420502'].own.enterprises);

    // The same county marked by an annual report and by another change (of b) in one window: b is counted again.
    since = await lastRunId();
    await t.db.transaction(async (m) => {
      await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'annual_report.accept', enterpriseId: a.id, years: [Y] });
      await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'enterprise.update', enterpriseId: b.id, years: [Y] });
    });
    await settled();
    const mixed = await runsSince(since);
    expect(mixed).toEqual([expect.objectContaining({ kind: 'incremental', regions: ['420502'], status: 'succeeded' })]);
    expect(mixed[0].trigger).not.toContain(':filings');
    const recounted = await snapshotOf();
    expect(recounted['420502'].own.enterprises).not.toEqual(before['420502'].own.enterprises);

    // Every region's counts are a full rebuild's.
    await t.app.get(SnapshotService).rebuild({ years: [Y], trigger: 'test:compare' });
    expect(recounted).toEqual(await snapshotOf());
  }, 60_000);

  it('report changes of every kind reach the snapshot as deltas, equal to a full rebuild\'s; a rebuild takes the deltas it counted, so none is counted twice', async () => {
    await settled();
    // Two enterprises of 江汉区 with a CQO in post since last year (expected to report), two without.
    const ents: string[] = [];
    for (let i = 0; i < 4; i++) ents.push((await makeEnterprise(t.db, '420103', { name: `增量报告${i}有限公司` })).id);
    // Registered as the api registers one: with its change queued (a held county moves by its changed enterprises only).
    await t.db.transaction(async (m) => {
      for (const id of ents) await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'enterprise.create', enterpriseId: id });
    });
    for (const id of ents.slice(0, 2)) {
      await t.http().post(`/api/enterprises/${id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${Y - 1}-03-01`, { name: '增量质量官', explanation: '补录历史聘任' })).expect(201);
    }
    await settled();
    const report = (sql: string, params: unknown[]) =>
      t.db.transaction(async (m) => {
        await m.query(sql, params);
        await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'annual_report.submit', enterpriseId: ents[0], years: [Y] });
      });
    const insert = (id: string, status: string, late = false) =>
      report(
        `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at, late, return_reason)
         SELECT id, region_path, $2, $3::varchar, '{}', CASE WHEN $3::varchar IN ('submitted', 'accepted') THEN now() END, $4, CASE WHEN $3::varchar = 'returned' THEN '补充' END
           FROM enterprise WHERE id = $1`,
        [id, Y, status, late],
      );
    const set = (id: string, status: string, late: boolean) =>
      report(
        `UPDATE annual_report SET status = $3::varchar, late = $4, submitted_at = coalesce(submitted_at, now()), return_reason = CASE WHEN $3::varchar = 'returned' THEN '补充' END
          WHERE enterprise_id = $1 AND year = $2`,
        [id, Y, status, late],
      );
    const compare = async () => {
      await settled();
      expect(Number((await one(`SELECT count(*)::int AS n FROM stat_delta`)).n)).toBe(0);
      const drained = await snapshotOf();
      await t.app.get(SnapshotService).rebuild({ years: [Y], trigger: 'test:compare' });
      expect(drained['420103']).toEqual((await snapshotOf())['420103']);
      expect(drained['420000']).toEqual((await snapshotOf())['420000']);
      return drained;
    };
    const before = await snapshotOf();
    await insert(ents[0], 'submitted', true); // expected, filed late
    await insert(ents[1], 'draft'); // expected, a draft
    await insert(ents[2], 'submitted'); // not expected, awaiting review
    await insert(ents[3], 'draft');
    const first = await compare();
    expect(first['420103'].own.filings).toMatchObject({
      expected: before['420103'].own.filings.expected,
      notStarted: before['420103'].own.filings.notStarted - 2,
      submitted: before['420103'].own.filings.submitted + 1,
      late: before['420103'].own.filings.late + 1,
      draft: before['420103'].own.filings.draft + 2,
      awaitingReview: before['420103'].own.filings.awaitingReview + 2,
    });

    await set(ents[0], 'accepted', true);
    await set(ents[1], 'submitted', false);
    await set(ents[2], 'returned', false);
    await report(`DELETE FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [ents[3], Y]);
    await report(`UPDATE annual_report SET year = $3 WHERE enterprise_id = $1 AND year = $2`, [ents[2], Y, Y - 1]);
    await compare();

    // Changes a rebuild counts before any drain sees them: the rebuild takes their deltas.
    const since = await lastRunId();
    await t.db.query(`UPDATE annual_report SET status = 'returned', return_reason = '补充' WHERE enterprise_id = $1 AND year = $2`, [ents[1], Y]);
    expect(Number((await one(`SELECT count(*)::int AS n FROM stat_delta WHERE year = $1`, [Y])).n)).toBe(1);
    await t.app.get(SnapshotService).rebuild({ years: [Y], trigger: 'test:rebuild' });
    const rebuilt = await snapshotOf();
    await set(ents[0], 'accepted', true); // no change of state: a mark with nothing to add
    await settled();
    expect(await snapshotOf()).toEqual(rebuilt);
    expect((await runsSince(since)).map((r) => r.trigger)).toEqual(['test:rebuild']);
  }, 90_000);

  it('a change of a held county moves it by the changed enterprise alone (stat_contrib): every kind of change ends with a full rebuild\'s figures; a rebuild before the drain is not counted twice', async () => {
    await settled();
    const svc = t.app.get(SnapshotService);
    const api = t.http;
    // 西陵区 (420502): one recount holds its enterprises' parts; later changes move it enterprise by enterprise.
    const a = (await makeEnterprise(t.db, '420502', { name: '逐企增量甲有限公司', aboveSize: false })).id;
    const b = (await makeEnterprise(t.db, '420502', { name: '逐企增量乙有限公司', aboveSize: true })).id;
    /** An enterprise edit through the api (the version read first, as the edit page does). */
    const edit = async (id: string, body: Record<string, unknown>) => {
      const { version } = (await api().get(`/api/enterprises/${id}`).set('Authorization', province).expect(200)).body;
      await api().patch(`/api/enterprises/${id}`).set('Authorization', province).send({ ...body, version }).expect(200);
    };
    let renamed = 0;
    const held = async () => Number((await one(`SELECT count(*)::int AS n FROM stat_contrib_region WHERE year = $1 AND region_code = '420502'`, [Y])).n);
    const hold = async () => {
      await edit(a, { name: `逐企增量甲${'改'.repeat(++renamed)}有限公司` });
      await settled();
      expect(await held()).toBe(1);
      expect(Number((await one(`SELECT count(*)::int AS n FROM stat_contrib WHERE year = $1 AND region_code = '420502'`, [Y])).n)).toBe(await registered('420502'));
      // The parts the server wrote (holdContributionsSql, jsonb built in SQL) are the parts the
      // process computes (contributionsYears + flatCounts), key for key, violation types included.
      const stored: { enterprise_id: string; counts: Record<string, number> }[] = await t.db.query(
        `SELECT enterprise_id, counts FROM stat_contrib WHERE year = $1 AND region_code = '420502'`,
        [Y],
      );
      const computed = (await contributionsYears(t.db.manager, { paths: [(await one(`SELECT path FROM region WHERE code = '420502'`)).path] }, [await svc.yearParams(t.db.manager, Y)])).get(Y)!;
      expect(Object.fromEntries(stored.map((r) => [r.enterprise_id, r.counts]))).toEqual(Object.fromEntries([...computed].map(([id, c]) => [id, c.counts])));
    };
    /** After the drains: the snapshot equals a full rebuild's, every region; the rebuild drops the held parts, so hold them again. */
    const compare = async (label: string) => {
      await settled();
      const drained = await snapshotOf();
      await svc.rebuild({ years: [Y], trigger: 'test:compare' });
      expect({ label, snapshot: drained }).toEqual({ label, snapshot: await snapshotOf() });
      expect(await held()).toBe(0);
      await hold();
    };
    await hold();
    const since = await lastRunId();

    // Appointments: filed (in post since last year: report expected, training applies), replaced, and (below) dismissed.
    await api().post(`/api/enterprises/${a}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y - 1}-03-01`, { name: '逐企质量官', explanation: '补录历史聘任' })).expect(201);
    const other = (await api().post(`/api/enterprises/${b}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y - 1}-05-01`, { name: '逐企质量官乙', explanation: '补录历史聘任' })).expect(201)).body;
    await compare('appointments filed');
    const replaced = (await api().post(`/api/appointments/${other.id}/change`).set('Authorization', province)
      .send({ ...hubeiEligibleFiling(today, { name: '逐企继任', explanation: '补录' }), changeKind: 'replace', effectiveOn: today, reason: '原首席质量官调任' }).expect(201)).body;
    await compare('appointment replaced');

    // Training of a's CQO: a record added, then voided (a reversal).
    const entUser = await bearer(api, (await makeUser(t.db, 'enterprise', { enterpriseId: a })).username);
    const rec = (await api().post('/api/training/records').set('Authorization', entUser)
      .send({ category: '继续教育(第一类)', course: '质量管理专题', provider: '湖北省质量协会', startDate: `${Y}-01-01`, endDate: `${Y}-01-02`, hours: 16, certificateNo: null }).expect(201)).body;
    await compare('training added');
    await api().post(`/api/training/records/${rec.id}/reversal`).set('Authorization', entUser).send({ reason: '证书学时登记错误' }).expect(201);

    // Violations: recorded (one disqualifies the CQO in post), a status change, a void.
    const v1 = (await api().post('/api/violations').set('Authorization', province)
      .send({ enterpriseId: a, subject: 'cqo', type: '谋取不正当利益', occurredOn: today, sourceDocument: '鄂纪〔2026〕9号' }).expect(201)).body;
    const v2 = (await api().post('/api/violations').set('Authorization', province)
      .send({ enterpriseId: b, subject: 'enterprise', type: '失信', occurredOn: today, sourceDocument: '宜市监〔2026〕9号' }).expect(201)).body;
    await compare('training voided, violations recorded');
    await api().patch(`/api/violations/${v2.id}`).set('Authorization', province).send({ status: 'rectified', note: '已整改', version: v2.version }).expect(200);
    await api().post(`/api/violations/${v1.id}/void`).set('Authorization', province).send({ reason: '录入错误' }).expect(200);
    await compare('violation status changed and voided');

    // Enterprise edits: 规上, size class, an award; then the appointment ended.
    await edit(b, { aboveSize: false, sizeClass: '小型', awards: [{ award: '市州政府质量奖', year: Y - 1 }] });
    await api().post(`/api/appointments/${replaced.id}/dismiss`).set('Authorization', province).send({ endedOn: today, reason: '企业重组' }).expect(200);
    await compare('enterprise edited, appointment ended');

    // Only incremental runs, none recounting 西陵区 as a whole after it was held: each moved it by the changed enterprises.
    const runs = (await runsSince(since)).filter((r) => !r.trigger.startsWith('test:'));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.kind === 'incremental' && r.status === 'succeeded')).toBe(true);

    // Not a recount of the county: a figure that drifted with no change queued (b's 规上) stays as counted.
    const counted = (await snapshotOf())['420502'].own.enterprises;
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [b]);
    await edit(a, { aboveSize: true });
    await settled();
    expect((await snapshotOf())['420502'].own.enterprises).toEqual({ ...counted, aboveSize: counted.aboveSize + 1, sme: counted.sme - 1 });
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [b]);

    // A rebuild between a change and its drain: the drain recounts the county (its parts were dropped), nothing twice.
    await edit(b, { aboveSize: true });
    await svc.rebuild({ years: [Y], trigger: 'test:between' });
    const rebuilt = await snapshotOf();
    await settled();
    expect(await snapshotOf()).toEqual(rebuilt);
  }, 240_000);
  it('the rebuild job (the nightly one) holds every county\'s parts again: no run when nothing changed, and a county\'s first change after it is moved by that enterprise alone, not a recount', async () => {
    await settled();
    const job = await queue.add('stats.rebuild', { trigger: 'test:nightly', years: [Y] });
    await job.finished();
    const since = await lastRunId();
    await expectEveryCountyHeld();
    // Nothing changed since the rebuild: holding wrote no run (the snapshot is the rebuild's).
    expect((await t.db.query(`SELECT trigger FROM stat_run WHERE trigger LIKE '%:hold'`))).toEqual([]);
    // A figure drifted with no change queued: a recount of 江汉区 would count it, a move by the edited enterprise does not.
    const [x, y] = (await t.db.query(`SELECT id FROM enterprise WHERE region_code = '420103' ORDER BY id LIMIT 2`)).map((r: { id: string }) => r.id);
    const counted = (await snapshotOf())['420103'].own.enterprises;
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [y]);
    const { version, aboveSize } = (await t.http().get(`/api/enterprises/${x}`).set('Authorization', province).expect(200)).body;
    await t.http().patch(`/api/enterprises/${x}`).set('Authorization', province).send({ aboveSize: !aboveSize, version }).expect(200);
    await settled();
    const step = aboveSize ? -1 : 1;
    expect((await snapshotOf())['420103'].own.enterprises).toEqual({ ...counted, aboveSize: counted.aboveSize + step, sme: counted.sme - step });
    const runs = await runsSince(since);
    expect(runs).toEqual([expect.objectContaining({ kind: 'incremental', regions: ['420103'], status: 'succeeded' })]);
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [y]);
  }, 120_000);

  it('the nightly job, once the snapshot is of today and the past years are closed, counts every county again in short batches instead of rebuilding (issue 16): a figure that drifted is corrected by a run of its county alone', async () => {
    await settled();
    const svc = t.app.get(SnapshotService);
    // The past held years built as of their Dec 31, after it: closed (issue 17), as after the first nightly rebuild.
    await svc.rebuild({ years: [Y - 4, Y - 3, Y - 2, Y - 1], trigger: 'test:past' });
    expect([...(await svc.closedYears()).keys()].sort()).toEqual([Y - 4, Y - 3, Y - 2, Y - 1]);
    const nightly = async () => {
      const since = await lastRunId();
      await (await queue.add('stats.rebuild', { trigger: 'schedule' })).finished();
      return runsSince(since);
    };
    // Held by the first, so the second finds nothing to correct and writes nothing, but confirms
    // the snapshot: "数据更新于" (built_at) moves to the recount, or the stale-snapshot alert would fire.
    await nightly();
    await t.db.query(`UPDATE stat_current SET built_at = built_at - interval '2 days' WHERE year = $1`, [Y]);
    // Each held part's row version (xmin): a part the recount finds unchanged is not rewritten (a
    // rewrite of every part each night left 1M dead rows at 1M, which slowed the next reads of parts).
    const versions = async () => Object.fromEntries((await t.db.query(`SELECT enterprise_id, xmin::text AS v FROM stat_contrib WHERE year = $1`, [Y])).map((r: { enterprise_id: string; v: string }) => [r.enterprise_id, r.v]));
    const before = await versions();
    expect(await nightly()).toEqual([]);
    expect(await versions()).toEqual(before);
    expect(Number((await one(`SELECT extract(epoch FROM now() - built_at) AS age FROM stat_current WHERE year = $1`, [Y])).age)).toBeLessThan(60);
    // 规上 of one enterprise of 江汉区 changed by hand (no change mark): only a count of the county picks it up.
    const [x] = (await t.db.query(`SELECT id FROM enterprise WHERE region_code = '420103' ORDER BY id LIMIT 1`)).map((r: { id: string }) => r.id);
    const counted = (await snapshotOf())['420103'].own.enterprises;
    await t.db.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [x]);
    const { above } = await one(`SELECT above_size AS above FROM enterprise WHERE id = $1`, [x]);
    expect(await nightly()).toEqual([expect.objectContaining({ kind: 'incremental', years: [Y], regions: ['420103'], status: 'succeeded', trigger: 'schedule:recount' })]);
    const after = await versions();
    expect(Object.keys(after).filter((id) => after[id] !== before[id])).toEqual([x]);
    const step = above ? 1 : -1;
    expect((await snapshotOf())['420103'].own.enterprises).toEqual({ ...counted, aboveSize: counted.aboveSize + step, sme: counted.sme - step });
    await expectEveryCountyHeld();
    // And the same figures as a rebuild.
    const recounted = await snapshotOf();
    await svc.rebuild({ years: [Y], trigger: 'test:compare' });
    expect(recounted).toEqual(await snapshotOf());
    await svc.holdCounties('test:compare');
  }, 120_000);

  it('the first drain of a new day rolls the current year forward (issue 16): only the enterprises the date moves are counted again, no rebuild, and the figures equal a rebuild as of the new day', async () => {
    await settled();
    const svc = t.app.get(SnapshotService);
    const yesterday = addDays(today, -1);
    // In 点军区 (no other test's), each enterprise's CQO in post since last year; then the dates are set so that the day moves them.
    const cases = ['任期昨日届满', '今日起生效', '今日离任', '今日进入到期预警', '不受日期影响'] as const;
    const appointment: Record<string, string> = {};
    for (const c of cases) {
      const e = (await makeEnterprise(t.db, '420504', { name: `跨日${c}有限公司` })).id;
      appointment[c] = (await t.http().post(`/api/enterprises/${e}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${Y - 1}-03-01`, { name: `跨日${c}`, explanation: '补录历史聘任' })).expect(201)).body.id;
    }
    // In 猇亭区, an enterprise closed (注销) today.
    const closing = (await makeEnterprise(t.db, '420505', { name: '跨日今日注销有限公司' })).id;
    await settled();
    const setDate = (c: (typeof cases)[number], column: string, date: string) => t.db.query(`UPDATE appointment SET ${column} = $2 WHERE id = $1`, [appointment[c], date]);
    await setDate('任期昨日届满', 'term_end', yesterday);
    await setDate('今日起生效', 'effective_from', today);
    await t.db.query(`UPDATE appointment SET ended_on = $2, status = 'dismissed' WHERE id = $1`, [appointment['今日离任'], today]);
    await setDate('今日进入到期预警', 'term_end', addDays(today, 90));
    await t.db.query(`INSERT INTO enterprise_closure (enterprise_id, closed_on, reason, closed_at) VALUES ($1, $2, '注销', now())`, [closing, today]);

    // Yesterday's snapshot, held as the nightly job leaves it; nothing has been recorded since.
    process.env.CQO_TODAY = yesterday;
    try {
      await svc.rebuild({ years: [Y], trigger: 'test:yesterday' });
      await svc.holdCounties('test:yesterday');
    } finally {
      process.env.CQO_TODAY = today;
    }
    const asOf = async () => (await one(`SELECT as_of::text AS d FROM stat_current WHERE year = $1`, [Y])).d;
    expect(await asOf()).toBe(yesterday);
    const ofYesterday = await snapshotOf();

    // Today's first change, in another county.
    const since = await lastRunId();
    const before = await dashboardTotal('420102');
    await create('420102', 400);
    await waitFor(async () => (await dashboardTotal('420102')) === before + 1, 20_000, 100);
    await settled();
    expect(await runsSince(since)).toEqual([expect.objectContaining({ kind: 'incremental', years: [Y], status: 'succeeded', trigger: expect.stringMatching(/enterprise\.create.*:roll$/) })]);
    expect(await asOf()).toBe(today);
    const rolled = await snapshotOf();
    // What the day moved: in 点军区 two CQOs left post and one took it up (4 → 3); the term now in
    // the 90-day window replaced the one that ran out (1 → 1); 猇亭区 lost its closed enterprise.
    const own = (day: Record<string, { own: { appointed: { total: number }; termsEndingSoon: number; enterprises: { total: number } } }>, code: string) => day[code].own;
    expect([own(ofYesterday, '420504').appointed.total, own(rolled, '420504').appointed.total]).toEqual([4, 3]);
    expect([own(ofYesterday, '420504').termsEndingSoon, own(rolled, '420504').termsEndingSoon]).toEqual([1, 1]);
    expect([own(ofYesterday, '420505').enterprises.total, own(rolled, '420505').enterprises.total]).toEqual([1, 0]);
    // Exactly a full count as of today, every region.
    await svc.rebuild({ years: [Y], trigger: 'test:compare' });
    expect(rolled).toEqual(await snapshotOf());

    // The rebuild held no county (as after `cqo aggregate`): rolling would recount the moved
    // enterprises' counties whole inside the drain, so the year is rebuilt instead (and held after).
    await t.db.query(`UPDATE stat_current SET as_of = $2 WHERE year = $1`, [Y, yesterday]);
    const again = await lastRunId();
    await create('420102', 401);
    await waitFor(async () => (await dashboardTotal('420102')) === before + 2, 20_000, 100);
    await settled();
    expect((await runsSince(again)).filter((r) => r.kind === 'full')).toEqual([expect.objectContaining({ years: [Y], status: 'succeeded', trigger: expect.stringContaining('catch-up') })]);
    expect(await asOf()).toBe(today);
  }, 180_000);

  it('a catch-up rebuild inside a drain (the day rolled over and the yearly training thresholds in force changed with it) holds every county\'s parts again', async () => {
    await settled();
    // From today another province's profile is in force: its yearly training thresholds differ from 湖北's.
    const hubei = BUILT_IN_PROFILES.find((p) => p.province === '420000')!;
    const other = BUILT_IN_PROFILES.find((p) => !isDeepStrictEqual(annualTrainingRule(p), annualTrainingRule(hubei)))!;
    await t.db.query(`INSERT INTO policy_schedule (from_date, profile_name, profile_version, chosen_at) VALUES ($1, $2, $3, now())`, [today, other.name, other.version]);
    try {
      // The snapshot is of yesterday: the next change's drain cannot roll it forward and rebuilds the year in full first.
      await t.db.query(`UPDATE stat_current SET as_of = as_of - 1 WHERE year = $1`, [Y]);
      const since = await lastRunId();
      const before = await dashboardTotal('420502');
      await create('420502', 300);
      await waitFor(async () => (await dashboardTotal('420502')) === before + 1, 20_000, 100);
      await settled();
      expect((await runsSince(since)).filter((r) => r.kind === 'full')).toEqual([expect.objectContaining({ years: [Y], status: 'succeeded', trigger: expect.stringContaining('catch-up') })]);
      expect((await one(`SELECT as_of::text AS d FROM stat_current WHERE year = $1`, [Y])).d).toBe(today);
      await expectEveryCountyHeld();
    } finally {
      await t.db.query(`DELETE FROM policy_schedule WHERE from_date = $1`, [today]);
    }
  }, 120_000);

  /** A rebuild of year Y and every county held again, as the nightly job leaves them: the figures a change starts from. */
  const rebuildAndHold = async (trigger: string) => {
    const svc = t.app.get(SnapshotService);
    await svc.rebuild({ years: [Y], trigger });
    await svc.holdCounties(trigger);
    await expectEveryCountyHeld();
  };
  /** The drained snapshot equals a full rebuild's, every region (and the counties are held again afterwards). */
  const expectRebuildEqual = async (drained: Record<string, unknown>) => {
    const svc = t.app.get(SnapshotService);
    await svc.rebuild({ years: [Y], trigger: 'test:compare' });
    expect(Object.keys(drained).length).toBeGreaterThan(100);
    expect(drained).toEqual(await snapshotOf());
    await svc.holdCounties('test:compare');
  };
  /** An enterprise's CQO filed through the api, in post since last year (training applies, a report is expected). */
  const fileCqo = (id: string, name: string) =>
    t.http().post(`/api/enterprises/${id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y - 1}-03-01`, { name, explanation: '补录历史聘任' })).expect(201);

  it('a training import for several enterprises of held counties moves them one by one (issue 16): incremental runs only, a full rebuild\'s figures', async () => {
    await settled();
    // Three CQOs: two in 江岸区 (武汉), one in 西陵区 (宜昌).
    const people: { creditCode: string; name: string }[] = [];
    for (const [i, county] of ['420102', '420102', '420502'].entries()) {
      const e = await makeEnterprise(t.db, county, { name: `多企培训${i}有限公司` });
      await t.db.transaction((m) => t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'enterprise.create', enterpriseId: e.id }));
      await fileCqo(e.id, `多企学员${i}`);
      people.push({ creditCode: e.creditCode, name: `多企学员${i}` });
    }
    await settled();
    await rebuildAndHold('test:baseline');
    const before = await snapshotOf();
    const since = await lastRunId();

    // One providers' file making each CQO's year compliant (湖北: 14 first-category hours, 30 second-category).
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('培训记录');
    ws.addRow([...TRAINING_IMPORT_COLUMNS]);
    for (const [i, p] of people.entries()) {
      for (let d = 0; d < 6; d++) {
        const day = `${Y}-06-${String(d + 1).padStart(2, '0')}`;
        ws.addRow([`DQ-${Y}-${i}-${d}`, p.name, p.creditCode, d < 2 ? '继续教育(第一类)' : '第二类', `课程${d}`, '湖北省质量协会', day, day, 8]);
      }
    }
    const queued = await t.http().post('/api/training/imports').set('Authorization', province).field('mode', 'all-or-nothing')
      .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), '多企学时.xlsx').expect(202);
    const job = await waitFor(async () => {
      const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${queued.body.id}`).set('Authorization', province).expect(200)).body;
      return ['queued', 'running'].includes(j.status) ? null : j;
    }, 60_000, 150);
    expect(job).toMatchObject({ status: 'succeeded', result: { inserted: 18, committed: true } });
    await settled();

    // Before: the import was a mark for the whole province, and its drain rebuilt the year in full.
    const runs = await runsSince(since);
    expect(runs.filter((r) => r.kind === 'full')).toEqual([]);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.kind === 'incremental' && r.status === 'succeeded')).toBe(true);
    expect(new Set(runs.flatMap((r) => r.regions ?? []))).toEqual(new Set(['420102', '420502']));
    const drained = await snapshotOf();
    expect(drained['420102'].own.training.compliant).toBe(before['420102'].own.training.compliant + 2);
    expect(drained['420502'].own.training.compliant).toBe(before['420502'].own.training.compliant + 1);
    expect(drained['420000'].total.training.compliant).toBe(before['420000'].total.training.compliant + 3);
    await expectRebuildEqual(drained);
  }, 120_000);

  it('an enterprise moved to another region is moved by itself (issue 16): no full run, it leaves its old county and city and shows in the new ones, a full rebuild\'s figures, held or not', async () => {
    await settled();
    // In 江汉区 (武汉): a CQO in post since last year, an open violation and a report of the year, so every kind of figure moves with it.
    const id = await create('420103', 500);
    await fileCqo(id, '迁址质量官');
    await t.http().post('/api/violations').set('Authorization', province)
      .send({ enterpriseId: id, subject: 'enterprise', type: '失信', occurredOn: today, sourceDocument: '武市监〔2026〕5号' }).expect(201);
    await t.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at) SELECT id, region_path, $2, 'submitted', '{}', now() FROM enterprise WHERE id = $1`,
        [id, Y],
      );
      await t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'annual_report.submit', enterpriseId: id, years: [Y] });
    });
    await settled();
    const move = async (regionCode: string) => {
      const { version } = (await t.http().get(`/api/enterprises/${id}`).set('Authorization', province).expect(200)).body;
      await t.http().patch(`/api/enterprises/${id}`).set('Authorization', province).send({ regionCode, version }).expect(200);
      await settled();
    };
    type Figures = { enterprises: { total: number }; appointed: { total: number }; violations: { open: number }; filings: { awaitingReview: number } };
    const figures = (c: Figures) => [c.enterprises.total, c.appointed.total, c.violations.open, c.filings.awaitingReview];
    const shifted = (c: Figures, step: number) => figures(c).map((n) => n + step);

    // Both counties held (stat_contrib): the drain moves the enterprise's held part out of 江汉区 into 西陵区 (宜昌).
    await rebuildAndHold('test:baseline');
    let before = await snapshotOf();
    let since = await lastRunId();
    await move('420502');
    let runs = await runsSince(since);
    expect(runs.filter((r) => r.kind === 'full')).toEqual([]);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.kind === 'incremental' && r.status === 'succeeded')).toBe(true);
    let after = await snapshotOf();
    expect(figures(after['420103'].own)).toEqual(shifted(before['420103'].own, -1));
    expect(figures(after['420100'].total)).toEqual(shifted(before['420100'].total, -1));
    expect(figures(after['420502'].own)).toEqual(shifted(before['420502'].own, 1));
    expect(figures(after['420500'].total)).toEqual(shifted(before['420500'].total, 1));
    expect(after['420000'].total).toEqual(before['420000'].total);
    await expectRebuildEqual(after);

    // Neither county held (a rebuild whose hold has not run yet): both are recounted, the old one because the move marks it too.
    await t.app.get(SnapshotService).rebuild({ years: [Y], trigger: 'test:unheld' });
    before = await snapshotOf();
    since = await lastRunId();
    await move('420103');
    runs = await runsSince(since);
    expect(runs.filter((r) => r.kind === 'full')).toEqual([]);
    expect(new Set(runs.flatMap((r) => r.regions ?? []))).toEqual(new Set(['420103', '420502']));
    after = await snapshotOf();
    expect(figures(after['420502'].own)).toEqual(shifted(before['420502'].own, -1));
    expect(figures(after['420103'].own)).toEqual(shifted(before['420103'].own, 1));
    await expectRebuildEqual(after);
  }, 180_000);

  it('a move whose mark is drained after its new county was recounted for another change leaves the old county once, not never', async () => {
    await settled();
    const svc = t.app.get(SnapshotService);
    // 江汉区 held with the enterprise's part in it; 西陵区 not held (a rebuild whose hold has not reached it).
    const id = await create('420103', 600);
    await fileCqo(id, '迟到迁址质量官');
    await settled();
    await svc.rebuild({ years: [Y], trigger: 'test:baseline' });
    await create('420103', 601);
    await settled();
    const heldIn = async () => (await one(`SELECT region_code FROM stat_contrib WHERE year = $1 AND enterprise_id = $2`, [Y, id]))?.region_code;
    expect(await heldIn()).toBe('420103');
    expect(await one(`SELECT 1 AS x FROM stat_contrib_region WHERE year = $1 AND region_code = '420502'`, [Y])).toBeUndefined();
    // Moved to 西陵区, its mark not relayed yet (written here as the edit writes it, marked below).
    const { path } = await one(`SELECT path FROM region WHERE code = '420502'`);
    await t.db.transaction(async (m) => {
      await m.query(`UPDATE enterprise SET region_code = '420502', region_path = $2, version = version + 1 WHERE id = $1`, [id, path]);
      for (const table of ['appointment', 'violation', 'annual_report']) await m.query(`UPDATE ${table} SET region_path = $2 WHERE enterprise_id = $1`, [id, path]);
    });
    // Another change of 西陵区 drained first: the county is recounted (and held) with the enterprise registered in it.
    await create('420502', 602);
    await settled();
    const since = await lastRunId();
    await t.db.transaction((m) => t.app.get(OutboxService).enqueue(m, 'stats.refresh', { reason: 'enterprise.update.region', enterpriseId: id, regions: ['420103'] }));
    await settled();
    expect((await runsSince(since)).filter((r) => r.kind === 'full')).toEqual([]);
    // Before, the recount of 西陵区 took the part over from 江汉区, whose counts kept the enterprise for good.
    await expectRebuildEqual(await snapshotOf());
    expect(await heldIn()).toBe('420502');
  }, 120_000);
});
