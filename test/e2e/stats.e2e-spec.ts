import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { RegionStats } from '@cqo/contracts';
import { emptyReportData } from '@cqo/policy';
import { QueueName } from '@cqo/server-queue';
import { bearer, creditCode, hubeiEligibleFiling, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const WORKER = join(__dirname, '../../dist/apps/worker/src/main.js');

/**
 * Statistics snapshots on real Postgres and Redis (SPEC §7, §9). A fixture province is built
 * through the API with known counts per category, eligibility, training and filings; `cqo stats`
 * must give the hand-computed numbers for the province, a 市州 and a county. Then: a change shows
 * up without a manual rebuild, the nightly schedule stays single across restarts, and a worker
 * killed in the middle of a full rebuild leaves the previous snapshot readable until a second
 * worker finishes the job. Its own database, so the province holds only the fixture.
 */
describe('statistics snapshots (real Postgres and Redis)', () => {
  let t: TestApp;
  let worker: INestApplicationContext | null = null;
  let databaseUrl: string;
  let config: ReturnType<typeof testConfig>;
  let redisPrefix: string;
  let province: string;
  let wuhan: string;
  const { year: Y, today } = pinTestToday();
  const P = Y - 1;
  const ids: Record<string, string> = {};

  const cqo = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' } });
    return JSON.parse(stdout);
  };
  const stats = (region: string): Promise<RegionStats> => cqo('stats', '--region', region, '--year', String(Y));
  const apiStats = async (region: string): Promise<RegionStats> =>
    (await t.http().get(`/api/stats/regions/${region}?year=${Y}`).set('Authorization', province).expect(200)).body;

  async function enterprise(key: string, region: string, aboveSize: boolean, award?: { award: string; year: number }) {
    const res = await t
      .http()
      .post('/api/enterprises')
      .set('Authorization', province)
      .send({ creditCode: creditCode(region), name: `统计样本${key}有限公司`, regionCode: region, aboveSize, awards: award ? [award] : [] })
      .expect(201);
    ids[key] = res.body.id;
    return res.body.id as string;
  }

  async function appoint(key: string, appointedOn: string) {
    await t
      .http()
      .post(`/api/enterprises/${ids[key]}/appointments`)
      .set('Authorization', province)
      .send(hubeiEligibleFiling(appointedOn, { name: `质量官${key}`, explanation: '补录历史聘任' }))
      .expect(201);
  }

  async function user(key: string) {
    return bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: ids[key] })).username);
  }

  const training = (category: string, startDate: string, endDate: string, hours: number) => ({
    category,
    course: '质量管理专题',
    provider: '湖北省质量协会',
    startDate,
    endDate,
    hours,
    certificateNo: null,
  });

  const report = () => ({
    ...emptyReportData(),
    hasAppraisalSystem: true,
    appraisalResult: '称职',
    appraisalDecision: '留任',
    qualityFund: 20,
    honours: '',
    dutiesNarrative: '主持质量例会，推动质量改进',
    problemsAndPlans: '来年完善供方审核',
  });

  async function submitReport(auth: string, key: string) {
    const url = `/api/annual-reports/by-enterprise/${ids[key]}/${Y}`;
    await t.http().put(url).set('Authorization', auth).send({ data: report(), version: 0 }).expect(200);
    const res = await t.http().post(`${url}/submit`).set('Authorization', auth).send({ data: report(), version: 1, explanation: '年度继续教育学时尚未补足，已安排培训' }).expect(200);
    return res.body as { id: string; version: number };
  }

  beforeAll(async () => {
    if (!existsSync(CLI) || !existsSync(WORKER)) throw new Error('run `npm run build` first (npm test does)');
    databaseUrl = await privateDatabase('stats');
    redisPrefix = `${testEnv().redisPrefix}:stats`;
    config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: redisPrefix, QUEUE_LOCK_MS: '2000' });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7], overdueEveryDays: 7 })
      .expect(200);

    // 江岸区 (420102): A1–A5; 江汉区 (420103): B1–B2; 宜昌 西陵区 (420502): C1–C2.
    await enterprise('A1', '420102', true, { award: '长江质量奖', year: P });
    await enterprise('A2', '420102', true);
    await enterprise('A3', '420102', true);
    await enterprise('A4', '420102', false);
    await enterprise('A5', '420102', false);
    await enterprise('B1', '420103', false, { award: '市州政府质量奖', year: P });
    await enterprise('B2', '420103', false);
    await enterprise('C1', '420502', true);
    await enterprise('C2', '420502', false);
    // CQOs in post since last June (so this year's training rule applies and a report is expected),
    // except A4's, appointed on Jan 2 this year (no training rule yet, no report expected).
    for (const key of ['A1', 'A2', 'B1', 'C1']) await appoint(key, `${P}-06-01`);
    await appoint('A4', `${Y}-01-02`);

    const a1 = await user('A1');
    const a2 = await user('A2');
    const b1 = await user('B1');
    const c1 = await user('C1');
    // Training this year: A1 and C1 meet 14 第一类 + 30 第二类; B1 has only the 第一类; A2 has none.
    for (const auth of [a1, c1]) {
      await t.http().post('/api/training/records').set('Authorization', auth).send(training('继续教育(第一类)', `${Y}-01-01`, `${Y}-01-02`, 16)).expect(201);
      await t.http().post('/api/training/records').set('Authorization', auth).send(training('第二类', `${Y}-01-01`, `${Y}-01-04`, 32)).expect(201);
    }
    await t.http().post('/api/training/records').set('Authorization', b1).send(training('继续教育(第一类)', `${Y}-01-01`, `${Y}-01-02`, 16)).expect(201);

    // Annual reports: A1 accepted, A2 awaiting review, C1 a draft, B1 none.
    const r1 = await submitReport(a1, 'A1');
    await t.http().post(`/api/annual-reports/${r1.id}/accept`).set('Authorization', wuhan).send({ version: r1.version }).expect(200);
    await submitReport(a2, 'A2');
    await t.http().put(`/api/annual-reports/by-enterprise/${ids.C1}/${Y}`).set('Authorization', c1).send({ data: report(), version: 0 }).expect(200);

    // Violations this year: A2's CQO sought improper gain (disqualified, still in post); C1 is 失信.
    await t.http().post('/api/violations').set('Authorization', province)
      .send({ enterpriseId: ids.A2, subject: 'cqo', type: '谋取不正当利益', occurredOn: today, sourceDocument: '鄂纪〔2026〕1号' }).expect(201);
    await t.http().post('/api/violations').set('Authorization', province)
      .send({ enterpriseId: ids.C1, subject: 'enterprise', type: '失信', occurredOn: today, sourceDocument: '宜市监〔2026〕2号' }).expect(201);

    // Let the worker's incremental updates settle, then rebuild in full from the command line.
    await waitFor(async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`))[0].n) === 0, 20_000);
    await waitFor(async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM stat_run WHERE status = 'running'`))[0].n) === 0, 20_000);
    const built = await cqo('aggregate', '--year', String(Y));
    expect(built).toMatchObject({ kind: 'full', years: [Y] });
  }, 180_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('cqo stats gives the hand-computed numbers for the province, a 市州 and a county', async () => {
    const p = await stats('420000');
    expect(p).toMatchObject({
      region: '420000',
      year: Y,
      asOf: today,
      enterprises: { total: 9, aboveSize: 4, sme: 5, award: 2 },
      appointed: { total: 5, aboveSize: 3, sme: 2, award: 2 },
      rates: { aboveSize: 0.75, sme: 0.4, award: 1 },
      eligible: { count: 4, rate: 0.8 },
      training: { applicable: 4, compliant: 2, rate: 0.5 },
      filings: { expected: 4, submitted: 2, onTime: 2, accepted: 1, rate: 0.5, onTimeRate: 0.5, progress: { notStarted: 1, draft: 1, awaitingReview: 1, accepted: 1 } },
      violations: { open: 2, total: 2 },
      disqualifiedInPost: 1,
      source: { kind: 'snapshot' },
    });
    expect(p.violations.byType).toEqual([
      { type: '谋取不正当利益', open: 1, total: 1 },
      { type: '失信', open: 1, total: 1 },
    ]);
    expect(p.distributions.education).toEqual({ 大学本科: 5 });
    // hubei-2021 targets: award 100% (deadline passed: the actual, on track), aboveSize 100%, sme 60%.
    expect(p.targets.map((x) => [x.category, x.target, x.actual])).toEqual([
      ['award', 1, 1],
      ['aboveSize', 1, 0.75],
      ['sme', 0.6, 0.4],
    ]);
    expect(p.targets.find((x) => x.category === 'award')?.onTrack).toBe(true);

    const city = await stats('420100');
    expect(city).toMatchObject({
      enterprises: { total: 7, aboveSize: 3, sme: 4, award: 2 },
      appointed: { total: 4, aboveSize: 2, sme: 2, award: 2 },
      rates: { aboveSize: 2 / 3, sme: 0.5, award: 1 },
      eligible: { count: 3, rate: 0.75 },
      training: { applicable: 3, compliant: 1 },
      filings: { expected: 3, submitted: 2, onTime: 2, accepted: 1 },
      violations: { open: 1, total: 1 },
    });

    const county = await stats('420102');
    expect(county).toMatchObject({
      enterprises: { total: 5, aboveSize: 3, sme: 2, award: 1 },
      appointed: { total: 3, aboveSize: 2, sme: 1, award: 1 },
      eligible: { count: 2, rate: 2 / 3 },
      training: { applicable: 2, compliant: 1, rate: 0.5 },
      filings: { expected: 2, submitted: 2, onTime: 2, accepted: 1, rate: 1, onTimeRate: 1 },
      disqualifiedInPost: 1,
    });

    // A region with no enterprises: zeros and null rates, never NaN.
    const empty = await stats('420600');
    expect(empty.enterprises.total).toBe(0);
    expect(empty.rates).toEqual({ aboveSize: null, sme: null, award: null, total: null });
    expect(JSON.stringify(empty)).not.toContain('NaN');

    // The API answers the same as the command line, and a live as-of figure agrees with the snapshot.
    expect(await apiStats('420100')).toMatchObject({ enterprises: city.enterprises, appointed: city.appointed, filings: city.filings });
    const live = await cqo('stats', '--region', '420102', '--year', String(Y), '--as-of', `${Y}-01-01`);
    // On Jan 1 A4's CQO was not yet appointed.
    expect(live).toMatchObject({ asOf: `${Y}-01-01`, source: { kind: 'live' }, appointed: { total: 2, aboveSize: 2, sme: 0 } });
  }, 60_000);

  it('the dashboard ranks the 市州 and shows the city its own rank and review queue', async () => {
    const d = await t.http().get(`/api/stats/dashboard?year=${Y}`).set('Authorization', province).expect(200);
    expect(d.body.region.code).toBe('420000');
    // Served from the cache with an ETag: the same snapshot again is a 304.
    expect(d.headers['content-type']).toMatch(/^application\/json/);
    await t.http().get(`/api/stats/dashboard?year=${Y}`).set('Authorization', province).set('If-None-Match', d.headers.etag).expect(304);
    expect(d.body.updatedAt).toEqual(expect.any(String));
    expect(d.body.children).toHaveLength(17);
    expect(d.body.children.find((c: { region: string }) => c.region === '420100').enterprises.total).toBe(7);
    const ranking = d.body.assessment.items as { code: string; rank: number; score: number; penalty: { count: number } }[];
    expect(ranking).toHaveLength(17);
    // Wuhan has a CQO disqualified in post: the penalty shows in its breakdown.
    expect(ranking.find((i) => i.code === '420100')?.penalty.count).toBe(1);
    expect(d.body.trend.at(-1)).toMatchObject({ year: Y, rates: { aboveSize: 0.75, sme: 0.4, award: 1 } });

    const c = await t.http().get(`/api/stats/dashboard?year=${Y}`).set('Authorization', wuhan).expect(200);
    expect(c.body.region.code).toBe('420100');
    expect(c.body.reviewQueue).toBe(1);
    expect(c.body.assessment.items.map((i: { code: string }) => i.code)).toEqual(['420100']);
    expect(c.body.assessment.cities).toBe(17);
    // Outside the city's scope: 404, as for any foreign object.
    await t.http().get(`/api/stats/dashboard?region=420500&year=${Y}`).set('Authorization', wuhan).expect(404);
    await t.http().get(`/api/stats/assessment?year=${Y}`).set('Authorization', wuhan).expect(404);
  });

  it('targets and weights are the province\'s to set, with field errors in Chinese', async () => {
    const bad = await t.http().put('/api/stats/settings').set('Authorization', province)
      .send({ targets: [{ category: 'sme', value: 1.5, deadline: '2027-12-31' }], weights: { aboveSize: 25, sme: 20, award: 15, filingOnTime: 20, training: 30, penaltyPerDisqualified: 2, penaltyCap: 20 } })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['targets.0.value', 'weights']);
    expect(bad.body.details.find((d: { field: string }) => d.field === 'weights').message).toContain('110');
    await t.http().put('/api/stats/settings').set('Authorization', wuhan).send({ targets: [], weights: {} }).expect(404);

    // The dashboard is cached per snapshot and settings version: read it first, so the save must move it.
    const dashboardTargets = async () =>
      (await t.http().get(`/api/stats/dashboard?year=${Y}`).set('Authorization', province).expect(200)).body.self.targets.map((x: { category: string }) => x.category);
    expect(await dashboardTargets()).toEqual(['award', 'aboveSize', 'sme']);
    await t.http().put('/api/stats/settings').set('Authorization', province)
      .send({ targets: [{ category: 'sme', value: 0.4, deadline: `${Y + 2}-12-31` }], weights: { aboveSize: 25, sme: 20, award: 15, filingOnTime: 20, training: 20, penaltyPerDisqualified: 2, penaltyCap: 20 } })
      .expect(200);
    expect(await dashboardTargets()).toEqual(['sme']);
    const p = await apiStats('420000');
    expect(p.targets).toEqual([expect.objectContaining({ category: 'sme', target: 0.4, actual: 0.4, onTrack: true })]);
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'stats.settings'`))[0].n)).toBe(1);
  });

  it('a new appointment shows in cqo stats within 5 s, without a manual rebuild', async () => {
    const before = (await stats('420102')).appointed.aboveSize;
    const dashboardAppointed = async () =>
      (await t.http().get(`/api/stats/dashboard?region=420102&year=${Y}`).set('Authorization', province).expect(200)).body.self.appointed.aboveSize;
    expect(await dashboardAppointed()).toBe(before);
    const filed = Date.now();
    await appoint('A3', today);
    await waitFor(async () => (await apiStats('420102')).appointed.aboveSize === before + 1, 5_000, 100);
    // The cached dashboard of the county moves with the new run too (it trusts a version for 1 s).
    await waitFor(async () => (await dashboardAppointed()) === before + 1, 2_000, 100);
    const seenAfter = Date.now() - filed;
    expect(seenAfter).toBeLessThan(5_000);
    expect((await stats('420102')).appointed.aboveSize).toBe(before + 1);
    const [last] = await t.db.query(`SELECT kind, trigger FROM stat_run WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`);
    expect(last).toMatchObject({ kind: 'incremental', trigger: expect.stringContaining('outbox:') });
  }, 30_000);

  it('shows Bull Board to admins only', async () => {
    const admin = await bearer(t.http, (await makeUser(t.db, 'admin')).username);
    await t.http().get('/admin/queues/').expect(404);
    await t.http().post('/api/admin/queues/session').set('Authorization', province).expect(404);
    const session = await t.http().post('/api/admin/queues/session').set('Authorization', admin).expect(200);
    expect(session.body).toEqual({ url: '/admin/queues/' });
    const cookie = ([] as string[]).concat(session.headers['set-cookie'] ?? []).find((c) => c.startsWith('cqo_board='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    const page = await t.http().get('/admin/queues/').set('Cookie', cookie!.split(';')[0]).expect(200);
    expect(page.text).toMatch(/<html/i);
    const queues = await t.http().get('/admin/queues/api/queues').set('Cookie', cookie!.split(';')[0]).expect(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['eligibility', 'evaluation', 'files', 'messages', 'reminders', 'stats']);
    // A province officer's token in the cookie is not enough.
    await t.http().get('/admin/queues/api/queues').set('Cookie', `cqo_board=${province.slice(7)}`).expect(404);
  });

  it('booting the worker three times leaves one nightly schedule', async () => {
    const more = [await startTestWorker(config), await startTestWorker(config)];
    const queue = more[1].get<Queue>(getQueueToken(QueueName.Stats));
    const schedules = (await queue.getRepeatableJobs()).filter((j) => j.name === 'stats.rebuild');
    expect(schedules).toEqual([expect.objectContaining({ cron: '0 2 * * *', tz: 'Asia/Shanghai' })]);
    for (const w of more) await w.close();
  }, 60_000);

  it('a worker killed mid-rebuild leaves the previous snapshot readable; a second worker completes the job', async () => {
    await worker?.close();
    worker = null;
    const before = await apiStats('420000');
    const [current] = await t.db.query(`SELECT run_id FROM stat_current WHERE year = $1`, [Y]);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: databaseUrl,
      REDIS_URL: config.redisUrl,
      CQO_REDIS_PREFIX: redisPrefix,
      QUEUE_LOCK_MS: '2000',
    };
    const spawnWorker = (pauseMs: number): ChildProcess =>
      spawn(process.execPath, [WORKER], { env: { ...env, CQO_STATS_REBUILD_PAUSE_MS: String(pauseMs) }, stdio: 'ignore' });

    const doomed = spawnWorker(60_000);
    let survivor: ChildProcess | null = null;
    try {
      await t.http().post('/api/stats/rebuild').set('Authorization', province).send({ year: Y }).expect(202);
      const [started] = await waitFor(async () => {
        const rows = await t.db.query(`SELECT id FROM stat_run WHERE status = 'running' AND kind = 'full' AND trigger LIKE 'user:%'`);
        return rows.length ? rows : null;
      }, 30_000);
      // Give the run time to write its rows, then kill the process without warning.
      await new Promise((r) => setTimeout(r, 1_000));
      doomed.kill('SIGKILL');
      await new Promise((r) => doomed.once('exit', r));

      // Readers still get the previous snapshot, whole.
      const during = await apiStats('420000');
      expect(during.source.runId).toBe(Number(current.run_id));
      expect(during.enterprises).toEqual(before.enterprises);
      expect(during.appointed).toEqual(before.appointed);
      expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM stat_snapshot WHERE run_id = $1`, [started.id]))[0].n)).toBe(0);

      // A second worker takes the stalled job once the dead worker's lock runs out, and finishes it.
      survivor = spawnWorker(0);
      const [done] = await waitFor(async () => {
        const rows = await t.db.query(`SELECT run_id FROM stat_current WHERE year = $1 AND run_id > $2`, [Y, Number(started.id)]);
        return rows.length ? rows : null;
      }, 45_000);
      const [finished] = await t.db.query(`SELECT status, trigger, rows FROM stat_run WHERE id = $1`, [done.run_id]);
      expect(finished).toMatchObject({ status: 'succeeded', trigger: expect.stringMatching(/^user:/) });
      const [killed] = await t.db.query(`SELECT status, error FROM stat_run WHERE id = $1`, [started.id]);
      expect(killed).toMatchObject({ status: 'failed', error: expect.stringContaining('中断') });
      const after = await apiStats('420000');
      expect(after.source.runId).toBe(Number(done.run_id));
      expect(after.enterprises).toEqual(before.enterprises);
    } finally {
      if (doomed.exitCode === null) doomed.kill('SIGKILL');
      if (survivor && survivor.exitCode === null) {
        survivor.kill('SIGTERM');
        await new Promise((r) => survivor!.once('exit', r));
      }
    }
  }, 120_000);
});
