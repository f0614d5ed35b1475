import type { INestApplicationContext } from '@nestjs/common';
import { makeEnterprise, makeUser, PASSWORD } from '../support/fixtures';
import { PrivateRedis } from '../support/private-redis';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';

/**
 * A write never depends on Redis: the job is an outbox row in the write's transaction, and the
 * worker relays it to bull when Redis is back. Uses a redis-server of its own so it can stop it.
 */
describe('transactional outbox with Redis down', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let worker: INestApplicationContext;
  let token: string;
  let enterprise: { id: string };
  const county = '420303'; // 十堰市 张湾区

  /** Above-size enterprises of the county in the current statistics snapshot. */
  const countyStat = async () =>
    (
      await t.db.query(
        `SELECT (s.total->'enterprises'->>'aboveSize')::int AS above_size
           FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year
          WHERE s.region_code = $1 ORDER BY c.year DESC LIMIT 1`,
        [county],
      )
    )[0]?.above_size as number | undefined;
  const liveAboveSize = async () => (await t.db.query(`SELECT count(*)::int AS n FROM enterprise WHERE region_code = $1 AND above_size`, [county]))[0].n as number;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    const config = testConfig({ REDIS_URL: redis.url, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    enterprise = await makeEnterprise(t.db, county, { aboveSize: false });
    const u = await makeUser(t.db, 'city', { regionCode: '420300' });
    token = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
  });
  afterAll(async () => {
    // bull cannot close against a stopped Redis: bring it back if a failed test left it down.
    if (redis && !redis.running) await redis.start();
    await worker?.close();
    await t?.close();
    await redis?.stop();
  });

  it('reports the worker and Redis in /api/health', async () => {
    const res = await waitFor(async () => {
      const r = await t.http().get('/api/health');
      return r.status === 200 ? r : null;
    });
    expect(res.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' }, worker: { status: 'up' } });
  });

  it('accepts a write while Redis is stopped and runs its job once Redis is back', async () => {
    await redis.stop();
    const health = await t.http().get('/api/health').expect(503);
    const [{ now: writtenAt }] = await t.db.query(`SELECT now()`);
    expect(health.body.error.redis.status).toBe('down');

    const res = await t.http().patch(`/api/enterprises/${enterprise.id}`).set('Authorization', `Bearer ${token}`).send({ aboveSize: true, version: 1 });
    expect(res.status).toBe(200);
    expect(res.body.aboveSize).toBe(true);

    const [pending] = await t.db.query(
      `SELECT id, relayed_at FROM outbox WHERE job_name = 'stats.refresh' AND payload->>'enterpriseId' = $1`,
      [enterprise.id],
    );
    expect(pending.relayed_at).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    const [still] = await t.db.query('SELECT relayed_at FROM outbox WHERE id = $1', [pending.id]);
    expect(still.relayed_at).toBeNull(); // nothing can be relayed while Redis is down
    // The run's other test files share this database, and their workers (on the run's own Redis)
    // may rebuild every county in full meanwhile; only when none did must the change be missing.
    const [{ full }] = await t.db.query(`SELECT count(*)::int AS full FROM stat_run WHERE kind = 'full' AND finished_at >= $1`, [writtenAt]);
    if (full === 0) expect(await countyStat()).not.toBe(await liveAboveSize());

    await redis.start();
    await waitFor(async () => (await t.db.query('SELECT relayed_at FROM outbox WHERE id = $1', [pending.id]))[0].relayed_at, 20_000);
    const expected = await liveAboveSize();
    await waitFor(async () => (await countyStat()) === expected, 20_000);
  }, 60_000);
});
