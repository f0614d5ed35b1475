import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { OutboxService, QueueModule, QueueName } from '@cqo/server-queue';
import { coreImports } from '../../libs/server/app/src/core-imports';
import { bearer, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { PrivateRedis } from '../support/private-redis';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';

const LEASE_MS = 1000;
/** Long enough that the statistics drain is still waiting out its debounce when Redis loses it. */
const DEBOUNCE_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process that relays the outbox to bull and runs no job (the worker before its processors ran anything). */
@Module({})
class RelayOnly {
  static forRoot(config: ReturnType<typeof testConfig>): DynamicModule {
    return { module: RelayOnly, imports: [...coreImports(config), QueueModule.forWorker()] };
  }
}

/**
 * Issue 18 item 9 (等保 2.0 L3 data integrity / ASVS V11.1): a job is written to the outbox in the
 * write's transaction, and it must end done once even when Redis loses it after the relay handed
 * it over and before a worker ran it. Real Postgres, a redis-server of this file's own (so
 * FLUSHALL touches no other run) and bull; a database of its own, so no other file's worker
 * relays or runs these rows.
 */
describe('outbox fault: a relayed job Redis lost is sent again and runs once (issue 18 item 9)', () => {
  let redis: PrivateRedis;
  let flusher: Redis;
  let config: ReturnType<typeof testConfig>;
  let t: TestApp;
  let worker: INestApplicationContext | null = null;
  let province: string;
  let provinceUserId: string;
  const county = '420303'; // 十堰市 张湾区

  const countyAboveSize = async () =>
    (
      await t.db.query(
        `SELECT (s.total->'enterprises'->>'aboveSize')::int AS above_size
           FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year
          WHERE s.region_code = $1 ORDER BY c.year DESC LIMIT 1`,
        [county],
      )
    )[0]?.above_size as number | undefined;
  const row = async (id: string) => (await t.db.query(`SELECT * FROM outbox WHERE id = $1`, [id]))[0];
  const queueOf = (ctx: INestApplicationContext, name: QueueName) => ctx.get<Queue>(getQueueToken(name), { strict: false });
  const rebuildRuns = async (since: Date) =>
    (await t.db.query(`SELECT id, status FROM stat_run WHERE kind = 'full' AND trigger = $1 AND started_at >= $2 ORDER BY id`, [`user:${provinceUserId}`, since])) as {
      id: string;
      status: string;
    }[];

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    flusher = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const databaseUrl = await privateDatabase('outbox_fault');
    config = testConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      OUTBOX_LEASE_MS: String(LEASE_MS),
      OUTBOX_MAX_RESENDS: '1',
      OUTBOX_RETRY_DELAY_MS: '50',
      STATS_DEBOUNCE_MS: String(DEBOUNCE_MS),
      // Each full rebuild takes longer than the lease: a job merely slow must not be sent twice.
      CQO_STATS_REBUILD_PAUSE_MS: '2500',
    });
    t = await createTestApp({ config });
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    provinceUserId = u.id;
    province = await bearer(t.http, u.username);
    await makeEnterprise(t.db, county, { aboveSize: true });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    flusher?.disconnect();
    await redis?.stop();
  });

  it('a rebuild relayed, then lost by Redis (FLUSHALL) before any worker ran it, is sent again and runs exactly once', async () => {
    const since = (await t.db.query(`SELECT now() AS now`))[0].now as Date;
    await t.http().post('/api/stats/rebuild').set('Authorization', province).send({}).expect(202);
    const [{ id }] = await t.db.query(`SELECT id FROM outbox WHERE job_name = 'stats.rebuild' ORDER BY id DESC LIMIT 1`);

    // The relay hands the job to bull; no processor runs in this process.
    const relay = await NestFactory.createApplicationContext(RelayOnly.forRoot(config), { logger: ['error'] });
    await relay.init();
    try {
      await waitFor(async () => (await row(id)).relayed_at, 10_000);
      expect(await queueOf(relay, QueueName.Stats).getJob(`outbox-${id}`)).not.toBeNull();
    } finally {
      await relay.close();
    }

    // Redis loses it.
    await flusher.flushall();
    expect(await flusher.dbsize()).toBe(0);
    expect(await rebuildRuns(since)).toEqual([]);

    // The worker starts: the job is sent again and runs once, and the statistic it produces is there.
    worker = await startTestWorker(config);
    await waitFor(async () => (await rebuildRuns(since)).some((r) => r.status === 'succeeded'), 30_000);
    await waitFor(async () => (await row(id)).done_at, 10_000);
    await sleep(4 * LEASE_MS); // several watch passes after it finished: nothing is sent again
    const runs = await rebuildRuns(since);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('succeeded');
    expect(await countyAboveSize()).toBe(1);
    const after = await row(id);
    expect(after).toMatchObject({ resends: 1, failed_at: null });
    expect(after.done_at).not.toBeNull();
  }, 90_000);

  it('a job merely slower than the lease is not sent again while it runs', async () => {
    const since = (await t.db.query(`SELECT now() AS now`))[0].now as Date;
    await t.http().post('/api/stats/rebuild').set('Authorization', province).send({}).expect(202);
    const [{ id }] = await t.db.query(`SELECT id FROM outbox WHERE job_name = 'stats.rebuild' ORDER BY id DESC LIMIT 1`);
    await waitFor(async () => (await row(id)).done_at, 30_000);
    await sleep(3 * LEASE_MS);
    expect(await rebuildRuns(since)).toHaveLength(1);
    const after = await row(id);
    expect(after).toMatchObject({ resends: 0, failed_at: null });
    expect(after.checked_at).not.toBeNull(); // the watch looked at it while it ran, and left it
  }, 60_000);

  it('a statistics drain Redis lost while waiting out its debounce is armed again, and the change reaches the statistics', async () => {
    const e = await makeEnterprise(t.db, county, { aboveSize: false });
    const outbox = t.app.get(OutboxService);
    // Write just after a debounce window starts, so the drain is armed to wait most of a window.
    while (Date.now() % DEBOUNCE_MS > 300) await sleep(50);
    const id = await t.db.transaction(async (m) => {
      await m.query(`UPDATE enterprise SET above_size = true WHERE id = $1`, [e.id]);
      return outbox.enqueue(m, 'stats.refresh', { reason: 'enterprise.update', enterpriseId: e.id });
    });
    const stats = queueOf(worker!, QueueName.Stats);
    await waitFor(async () => (await row(id)).relayed_at, 10_000);
    await waitFor(async () => (await stats.getDelayed()).some((j) => j?.name === 'stats.drain'), 5_000);
    expect(await countyAboveSize()).toBe(1);

    await flusher.flushall();
    await waitFor(async () => (await countyAboveSize()) === 2, 20_000);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM stat_dirty`))[0].n)).toBe(0);
  }, 60_000);

  it('a job that fails all its attempts is sent again at most OUTBOX_MAX_RESENDS times, then marked failed, shown in /api/health and not sent again after a restart', async () => {
    const outbox = t.app.get(OutboxService);
    // A payload the job cannot run (not a uuid): every attempt fails in Postgres.
    const id = await t.db.transaction((m) => outbox.enqueue(m, 'eligibility.refresh', { reason: 'fault-test', enterpriseIds: ['not-a-uuid'] }));
    const failed = await waitFor(async () => {
      const r = await row(id);
      return r.failed_at ? r : null;
    }, 30_000);
    expect(failed.resends).toBe(1);
    expect(failed.done_at).toBeNull();
    expect(failed.last_error).toMatch(/uuid/);
    const job = await queueOf(worker!, QueueName.Eligibility).getJob(`outbox-${id}`);
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(5);

    const health = await waitFor(async () => {
      const r = await t.http().get('/api/health');
      return r.body?.info?.outbox ?? r.body?.error?.outbox ? r : null;
    });
    expect(health.body.info?.outbox ?? health.body.error?.outbox).toMatchObject({ failed: 1 });

    // A restarted worker looks at the row again and leaves it: failed for good is not sent forever.
    await worker!.close();
    worker = await startTestWorker(config);
    await sleep(4 * LEASE_MS);
    const later = await row(id);
    expect(later).toMatchObject({ resends: 1 });
    expect(later.failed_at).toEqual(failed.failed_at);
    const again = await queueOf(worker, QueueName.Eligibility).getJob(`outbox-${id}`);
    expect(again!.attemptsMade).toBe(5);
    expect(await again!.getState()).toBe('failed');
  }, 90_000);
});
