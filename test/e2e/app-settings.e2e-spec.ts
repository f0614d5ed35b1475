import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chinaDate, yearOf } from '@cqo/policy';
import { bearer, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * `app_setting` has one writer (issue 19 item 2: AppSettingsRepository): the evaluation settings,
 * the signing secret every api process shares outside production, and the demo seeder's record of
 * what it built. Each is checked here as its users see it, on real Postgres, with two api
 * instances on one database where the value must be shared.
 */
describe('app settings: one store, read alike by every process', () => {
  let url: string;
  let t: TestApp;
  let second: TestApp | undefined;
  let province: string;
  let evaluator: string;

  beforeAll(async () => {
    url = await privateDatabase('app_settings');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:app-settings` }) });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    evaluator = await bearer(t.http, (await makeUser(t.db, 'evaluator', { regionCode: '420000' })).username);
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const secondApi = async () => (second ??= await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:app-settings` }) }));

  it('two api processes without JWT_SECRET sign with one stored secret: a token from one is good at the other', async () => {
    const other = await secondApi();
    const me = await other.http().get('/api/auth/me').set('Authorization', province).expect(200);
    expect(me.body.role).toBe('province');
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM app_setting WHERE key = 'jwt_secret'`);
    expect(n).toBe(1);
  }, 60_000);

  it('SPEC §6: the evaluation settings start at their defaults, change for the province alone, are audited, and a second api reads the change', async () => {
    const before = (await t.http().get('/api/evaluation/settings').set('Authorization', province).expect(200)).body;
    expect(before).toMatchObject({ validityYears: 3, issuingBody: '湖北省首席质量官能力评价中心' });
    expect(before.zhejiangBands.map((b: { grade: string }) => b.grade)).toEqual(['AAA', 'AAAA', 'AAAAA']);

    // Not the evaluator's to change (a role without the route gets 404, as everywhere); bands that
    // leave a gap are refused field by field; neither writes.
    await t.http().put('/api/evaluation/settings').set('Authorization', evaluator).send({ validityYears: 5 }).expect(404);
    const gap = before.zhejiangBands.map((b: { minTotal: number }, i: number) => (i === 1 ? { ...b, minTotal: b.minTotal + 1 } : b));
    const refused = await t.http().put('/api/evaluation/settings').set('Authorization', province).send({ validityYears: 5, zhejiangBands: gap }).expect(400);
    expect(refused.body.details[0]).toMatchObject({ field: 'zhejiangBands', message: expect.stringContaining('上限应等于下一等级的最低分') });
    expect((await t.http().get('/api/evaluation/settings').set('Authorization', province).expect(200)).body).toEqual(before);

    const saved = await t.http().put('/api/evaluation/settings').set('Authorization', province).send({ validityYears: 5, issuingBody: ' 湖北省质量发展促进中心 ' }).expect(200);
    expect(saved.body).toMatchObject({ validityYears: 5, issuingBody: '湖北省质量发展促进中心' });
    const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'evaluation.settings' AND result = 'success'`);
    expect(audit.details).toMatchObject({ from: { validityYears: 3 }, to: { validityYears: 5, issuingBody: '湖北省质量发展促进中心' } });
    const other = await secondApi();
    expect((await other.http().get('/api/evaluation/settings').set('Authorization', evaluator).expect(200)).body).toEqual(saved.body);
  }, 60_000);
});

/** The China year of the run (the demo's current year). */
const YEAR = yearOf(chinaDate(new Date()));
const reportYears = async (t: TestApp): Promise<number[]> =>
  (await t.db.query(`SELECT DISTINCT year FROM annual_report ORDER BY year`)).map((r: { year: number }) => r.year);

describe('cqo seed:demo --years K (SPEC §9): K years of history, and a K out of range refused', () => {
  it('--years 3 seeds annual reports of this year and the two before it, and closed city reports of those two', async () => {
    const url = await privateDatabase('seed_years');
    const env = { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' };
    const bad = await run(process.execPath, [CLI, 'seed:demo', '--enterprises', '40', '--years', '1'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--years must be a whole number from 2 to 10') });
    await run(process.execPath, [CLI, 'seed:demo', '--enterprises', '40', '--years', '3'], { env });
    const t = await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:seed-years` }) });
    try {
      expect(await reportYears(t)).toEqual([YEAR - 2, YEAR - 1, YEAR]);
      const cities = (await t.db.query(`SELECT DISTINCT year FROM city_report ORDER BY year`)).map((r: { year: number }) => r.year);
      expect(cities).toEqual([YEAR - 2, YEAR - 1]);
    } finally {
      await t.close();
    }
  }, 180_000);
});

describe('cqo seed:demo, run twice: the second run reports what the first built and adds nothing', () => {
  it('SPEC §9: the same counts, seeded false, one province target setting, no second enterprise set', async () => {
    const url = await privateDatabase('seed_twice');
    const env = { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' };
    const first = JSON.parse((await run(process.execPath, [CLI, 'seed:demo', '--enterprises', '40'], { env })).stdout);
    expect(first).toMatchObject({ seeded: true, enterprises: 40 });
    const again = JSON.parse((await run(process.execPath, [CLI, 'seed:demo', '--enterprises', '60'], { env })).stdout);
    expect(again).toEqual({ ...first, seeded: false });

    const t = await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:seed-twice` }) });
    try {
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM enterprise`);
      expect(n).toBe(40);
      // Without --years, the demo's five years of annual reports: this year and the four before it.
      expect(await reportYears(t)).toEqual([0, 1, 2, 3, 4].map((k) => YEAR - 4 + k));
      // The demo's province targets are in force (not the defaults), as the dashboard's target bars show them.
      const p = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
      const settings = (await t.http().get('/api/stats/settings').set('Authorization', p).expect(200)).body;
      expect(settings.isDefault).toBe(false);
      expect(settings.targets).toContainEqual(expect.objectContaining({ category: 'sme', value: 0.7 }));
    } finally {
      await t.close();
    }
  }, 180_000);
});
