import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { addDays, chinaDate } from '@cqo/policy';
import { QueueName } from '@cqo/server-queue';
import { bearer, makeEnterprise, makeUser, phone } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Policy profiles as data: a new version with a changed threshold, what-if before adopting it,
 * the schedule (past dates keep the version in force then), re-evaluation through the outbox,
 * bull and the worker, the nightly repeatable job, and the `cqo profile` / `cqo eligibility`
 * commands. Its own database, because the schedule is province-wide.
 */
describe('policy profiles, what-if and re-evaluation (real Postgres + Redis)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let workerConfig: ReturnType<typeof testConfig>;
  let databaseUrl: string;
  let province: string;
  let city: string;
  const today = chinaDate(new Date());
  const people: Record<'wuhan4' | 'wuhan8' | 'yichang4', { enterpriseId: string; creditCode: string; appointmentId: string }> = {} as never;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
    databaseUrl = await privateDatabase('policy');
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:policy` });
    t = await createTestApp({ config });
    workerConfig = config;
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    city = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    const file = async (region: string, years: number) => {
      const e = await makeEnterprise(t.db, region);
      const res = await t
        .http()
        .post(`/api/enterprises/${e.id}/appointments`)
        .set('Authorization', province)
        .send({
          name: `候选${years}年`,
          gender: '男',
          birthMonth: '1978-03',
          phone: phone(),
          positionTitle: '质量副总',
          positionLevel: '高层副职',
          concurrentPost: false,
          education: '大学本科',
          qualificationType: '质量专业技术人员职业资格',
          qualificationLevel: '中级',
          qualityRelated: true,
          yearsInQuality: years,
          declarations: ['love-quality', 'ethics', 'competence', 'no-disqualification'],
          appointedOn: addDays(today, -10),
          termEnd: null,
          authorisationCertNo: 'SQ-1',
          initialTrainingHours: 21,
          initialTrainingCertNo: 'PX-1',
          initialTrainingCompletedOn: addDays(today, -12),
        })
        .expect(201);
      return { enterpriseId: e.id, creditCode: e.creditCode, appointmentId: res.body.id as string };
    };
    people.wuhan4 = await file('420102', 4);
    people.wuhan8 = await file('420102', 8);
    people.yichang4 = await file('420502', 4);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const verdictOf = async (id: string) => (await t.db.query(`SELECT verdict, verdict_profile FROM appointment WHERE id = $1`, [id]))[0];

  it('lists the four built-in profiles, hubei-2021@1 in force by default for 420000', async () => {
    const res = await t.http().get('/api/policy').set('Authorization', city).expect(200);
    expect(res.body.inForce).toBe('hubei-2021@1');
    expect(res.body.profiles.map((p: { name: string; version: number }) => `${p.name}@${p.version}`)).toEqual([
      'hubei-2021@1',
      'chongqing-2024@1',
      'hunan-2024@1',
      'zhejiang@1',
    ]);
    expect(await verdictOf(people.wuhan4.appointmentId)).toEqual({ verdict: 'ineligible', verdict_profile: 'hubei-2021@1' });
  });

  it('refuses a version with a negative year threshold, field by field, storing nothing', async () => {
    const { body } = await t.http().get('/api/policy').set('Authorization', province).expect(200);
    const hubei = body.profiles[0];
    const rules = hubei.rules.map((r: { kind: string }) => (r.kind === 'experience' ? { ...r, minYears: -1 } : r));
    const idx = hubei.rules.findIndex((r: { kind: string }) => r.kind === 'experience');
    const res = await t.http().post('/api/policy/profiles').set('Authorization', province).send({ basedOn: 'hubei-2021@1', effectiveFrom: today, rules }).expect(400);
    expect(res.body.details).toEqual([{ field: `rules[${idx}].minYears`, code: 'invalid', message: '最低年限应为0–40的整数' }]);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM policy_profile_version`))[0].n)).toBe(0);
    // A city officer may read the policy but not write it.
    await t.http().post('/api/policy/profiles').set('Authorization', city).send({ basedOn: 'hubei-2021@1', effectiveFrom: today, rules: hubei.rules }).expect(404);
  });

  it('creates hubei-2021@2 with 3 years instead of 5, shows the what-if per 市州, then adopts it', async () => {
    const { body } = await t.http().get('/api/policy').set('Authorization', province).expect(200);
    const rules = body.profiles[0].rules.map((r: { kind: string }) => (r.kind === 'experience' ? { ...r, minYears: 3 } : r));
    const created = await t.http().post('/api/policy/profiles').set('Authorization', province).send({ basedOn: 'hubei-2021@1', effectiveFrom: addDays(today, -1), rules }).expect(201);
    expect(created.body).toMatchObject({ name: 'hubei-2021', version: 2, basedOn: 'hubei-2021@1', builtIn: false });

    const whatIf = await t.http().post('/api/policy/what-if').set('Authorization', province).send({ profile: 'hubei-2021@2' }).expect(200);
    expect(whatIf.body).toMatchObject({ current: 'hubei-2021@1', candidate: 'hubei-2021@2', active: 3, changed: 2 });
    expect(whatIf.body.cities.find((c: { code: string }) => c.code === '420100')).toMatchObject({ name: '武汉市', active: 2, changed: 1, toEligible: 1 });
    expect(whatIf.body.cities.find((c: { code: string }) => c.code === '420500')).toMatchObject({ name: '宜昌市', active: 1, changed: 1, toEligible: 1 });
    expect(whatIf.body.cities).toHaveLength(17);
    expect(whatIf.body.changes.map((c: { appointmentId: string }) => c.appointmentId).sort()).toEqual([people.wuhan4.appointmentId, people.yichang4.appointmentId].sort());
    // Nothing changed before adopting.
    expect((await verdictOf(people.wuhan4.appointmentId)).verdict).toBe('ineligible');
    await t.http().post('/api/policy/what-if').set('Authorization', city).send({ profile: 'hubei-2021@2' }).expect(404);

    // Adopting from yesterday: the worker re-judges everyone through the outbox and bull.
    const adopted = await t.http().post('/api/policy/schedule').set('Authorization', province).send({ profile: 'hubei-2021@2', from: addDays(today, -1) }).expect(200);
    expect(adopted.body.inForce).toBe('hubei-2021@2');
    await waitFor(async () => (await verdictOf(people.wuhan4.appointmentId)).verdict === 'eligible', 20_000);
    expect(await verdictOf(people.yichang4.appointmentId)).toEqual({ verdict: 'eligible', verdict_profile: 'hubei-2021@2' });
  });

  it('judges a past date under the version in force then', async () => {
    const before = await t.http().get(`/api/appointments/${people.wuhan4.appointmentId}/verdict?asOf=${addDays(today, -2)}`).set('Authorization', city).expect(200);
    expect(before.body).toMatchObject({ profile: 'hubei-2021@1', verdict: 'ineligible' });
    const after = await t.http().get(`/api/appointments/${people.wuhan4.appointmentId}/verdict?asOf=${addDays(today, -1)}`).set('Authorization', city).expect(200);
    expect(after.body).toMatchObject({ profile: 'hubei-2021@2', verdict: 'eligible' });
  });

  it('will not put a version in force before its effective date', async () => {
    const res = await t.http().post('/api/policy/schedule').set('Authorization', province).send({ profile: 'chongqing-2024@1', from: '2024-06-01' }).expect(400);
    expect(res.body.details[0]).toMatchObject({ field: 'from', message: 'chongqing-2024@1 自 2024-11-08 起生效，启用日期不能早于生效日期' });
  });

  it('registers the nightly re-evaluation as a bull repeatable job', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Eligibility));
    const jobs = await waitFor(async () => {
      const list = await queue.getRepeatableJobs();
      return list.length ? list : null;
    });
    expect(jobs).toEqual([expect.objectContaining({ name: 'eligibility.nightly', cron: '30 1 * * *', tz: 'Asia/Shanghai' })]);
  });

  it('a stale nightly cron (left by an older release) is removed at worker start: one schedule, the table’s (issue 19 item 5)', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Eligibility));
    await queue.add('eligibility.nightly', {}, { repeat: { cron: '0 3 * * *', tz: 'Asia/Shanghai' } });
    expect((await queue.getRepeatableJobs()).filter((j) => j.name === 'eligibility.nightly')).toHaveLength(2);
    const again = await startTestWorker(workerConfig);
    try {
      const jobs = (await again.get<Queue>(getQueueToken(QueueName.Eligibility)).getRepeatableJobs()).filter((j) => j.name === 'eligibility.nightly');
      expect(jobs).toEqual([expect.objectContaining({ cron: '30 1 * * *', tz: 'Asia/Shanghai' })]);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('a job since deleted from the table (left by an older release) is removed at worker start; every job of the table is kept (issue 19 item 5)', async () => {
    const eligibility = worker.get<Queue>(getQueueToken(QueueName.Eligibility));
    const files = worker.get<Queue>(getQueueToken(QueueName.Files));
    await eligibility.add('eligibility.retired', {}, { repeat: { cron: '0 4 * * *', tz: 'Asia/Shanghai' } });
    await files.add('files.retired', {}, { repeat: { cron: '5 * * * *' } });
    const names = async (q: Queue) => (await q.getRepeatableJobs()).map((j) => j.name).sort();
    expect(await names(eligibility)).toEqual(['eligibility.nightly', 'eligibility.retired']);
    expect(await names(files)).toEqual(['files.cleanup', 'files.orphans', 'files.retired']);
    const again = await startTestWorker(workerConfig);
    try {
      expect(await names(again.get<Queue>(getQueueToken(QueueName.Eligibility)))).toEqual(['eligibility.nightly']);
      // Two jobs of the table share the files queue: registering one never removes the other.
      expect(await names(again.get<Queue>(getQueueToken(QueueName.Files)))).toEqual(['files.cleanup', 'files.orphans']);
    } finally {
      await again.close();
    }
  }, 60_000);

  describe('the cqo command', () => {
    const cqo = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' } });

    it('profile list names the version in force and the schedule', async () => {
      const out = JSON.parse((await cqo('profile', 'list')).stdout);
      expect(out.inForce).toBe('hubei-2021@2');
      expect(out.schedule).toEqual([{ from: addDays(today, -1), profile: 'hubei-2021@2' }]);
      expect(out.profiles.find((p: { profile: string }) => p.profile === 'hubei-2021@2')).toMatchObject({ inForce: true, basedOn: 'hubei-2021@1', builtIn: false });
    });

    it('eligibility prints {verdict, profile, rules[{id, clause, expected, actual, pass, severity}]}', async () => {
      const out = JSON.parse((await cqo('eligibility', '--credit-code', people.wuhan4.creditCode)).stdout);
      expect(Object.keys(out)).toEqual(['verdict', 'profile', 'rules']);
      expect(out).toMatchObject({ verdict: 'eligible', profile: 'hubei-2021@2' });
      for (const r of out.rules) expect(Object.keys(r)).toEqual(['id', 'clause', 'expected', 'actual', 'pass', 'severity']);
      expect(out.rules.find((r: { id: string }) => r.id === 'experience')).toEqual({
        id: 'experience',
        clause: '004 二(二)',
        expected: '3 年及以上',
        actual: '4 年',
        pass: true,
        severity: 'hard',
      });
      const past = JSON.parse((await cqo('eligibility', '--credit-code', people.wuhan4.creditCode, '--as-of', addDays(today, -2))).stdout);
      expect(past).toMatchObject({ verdict: 'ineligible', profile: 'hubei-2021@1' });
    });

    it('eligibility exits 1 for an enterprise without a CQO on that date', async () => {
      await expect(cqo('eligibility', '--credit-code', people.wuhan4.creditCode, '--as-of', '2020-01-01')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no CQO in post') });
    });

    it('profile use puts another profile in force from a date', async () => {
      const out = JSON.parse((await cqo('profile', 'use', 'chongqing-2024', '--from', today)).stdout);
      expect(out).toMatchObject({ used: 'chongqing-2024@1', from: today, inForce: 'chongqing-2024@1' });
      const res = await t.http().get('/api/policy').set('Authorization', city).expect(200);
      expect(res.body.schedule.map((s: { from: string; profile: string }) => `${s.from} ${s.profile}`)).toEqual([
        `${addDays(today, -1)} hubei-2021@2`,
        `${today} chongqing-2024@1`,
      ]);
      await expect(cqo('profile', 'use', 'no-such-profile')).rejects.toMatchObject({ code: 2 });
    });
  });
});
