import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Bull from 'bull';
import { WorkerMetricsServer } from '@cqo/server-metrics';
import { bearer, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { PrivateRedis } from '../support/private-redis';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';

// The parser ships no types: a metric family as it returns them.
interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string }[];
}
const parsePrometheusTextFormat: (text: string) => Family[] = require('parse-prometheus-text-format');

/**
 * Metrics in Prometheus' text format on the api and the worker (issue 22), read with a Prometheus
 * text-format parser. Real PostgreSQL, bull and a redis-server of this file's own, stopped and
 * started: the outbox lag and the age of the oldest waiting job move while Redis is away and while
 * no worker runs, and come back to 0 once the worker has caught up.
 */
describe('metrics (issue 22): api and worker, Prometheus text format, Redis stopped and started', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let worker: INestApplicationContext | null = null;
  let province: string;
  let config: ReturnType<typeof testConfig>;
  const TOKEN = 'metrics-test-token-0123456789';

  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await t.http().get('/api/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return new Map(parsePrometheusTextFormat(res.text).map((f) => [f.name, f]));
  };
  const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined => {
    const m = families.get(name)?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
    return m?.value === undefined ? undefined : Number(m.value);
  };

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    config = testConfig({
      DATABASE_URL: await privateDatabase('metrics'),
      REDIS_URL: redis.url,
      METRICS_TOKEN: TOKEN,
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      OUTBOX_LEASE_MS: '1000',
    });
    t = await createTestApp({ config });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await redis?.stop();
  });

  it('answers only with the token, and counts requests by route pattern and status', async () => {
    await t.http().get('/api/metrics').expect(404);
    await t.http().get('/api/metrics').set('Authorization', 'Bearer wrong').expect(404);
    await t.http().post('/api/auth/login').send({ username: 'nobody-here', password: 'wrong-password-123' }).expect(401);
    await t.http().get('/api/enterprises/00000000-0000-0000-0000-000000000000').set('Authorization', province).expect(404);
    const m = await scrape();
    expect(value(m, 'cqo_http_requests_total', { method: 'POST', route: '/api/auth/login', status: '401' })).toBe(1);
    expect(value(m, 'cqo_http_requests_total', { method: 'GET', route: '/api/enterprises/:id', status: '404' })).toBe(1);
    expect(m.get('cqo_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(value(m, 'cqo_signin_failures_recent')).toBeGreaterThanOrEqual(1);
    expect(value(m, 'cqo_redis_up')).toBe(1);
    expect(value(m, 'cqo_queue_jobs', { queue: 'stats', state: 'waiting' })).toBe(0);
  });

  it('the outbox lag and the oldest waiting job grow while Redis is away and no worker runs, and fall to 0 once it catches up', async () => {
    // A write whose job waits in the outbox: no worker relays it.
    await t.http().post('/api/stats/rebuild').set('Authorization', province).send({}).expect((r) => expect(r.status).toBeLessThan(300));
    const first = value(await scrape(), 'cqo_outbox_lag_seconds')!;
    expect(first).toBeGreaterThan(0);
    expect(value(await scrape(), 'cqo_outbox_rows', { state: 'pending' })).toBeGreaterThanOrEqual(1);

    await redis.stop();
    await new Promise((r) => setTimeout(r, 1100));
    const away = await scrape();
    expect(value(away, 'cqo_redis_up')).toBe(0);
    expect(away.get('cqo_queue_jobs')?.metrics ?? []).toHaveLength(0);
    expect(value(away, 'cqo_outbox_lag_seconds')!).toBeGreaterThan(first);

    await redis.start();
    // A job waiting in a queue with no worker to take it: its age grows.
    const files = new Bull('files', { redis: redis.url, prefix: config.redisPrefix });
    await files.add('files.cleanup', {});
    await waitFor(async () => value(await scrape(), 'cqo_redis_up') === 1, 10_000);
    const waiting = value(await scrape(), 'cqo_queue_oldest_waiting_seconds', { queue: 'files' })!;
    await new Promise((r) => setTimeout(r, 1100));
    const later = await scrape();
    expect(value(later, 'cqo_queue_oldest_waiting_seconds', { queue: 'files' })!).toBeGreaterThan(waiting);
    expect(value(later, 'cqo_queue_jobs', { queue: 'files', state: 'waiting' })).toBe(1);
    await files.close();

    // The worker relays the outbox, runs the jobs, and serves its own metrics.
    worker = await startTestWorker(config);
    await waitFor(async () => {
      const m = await scrape();
      return value(m, 'cqo_outbox_lag_seconds') === 0 && value(m, 'cqo_queue_oldest_waiting_seconds', { queue: 'files' }) === 0;
    }, 30_000);
    const port = worker.get(WorkerMetricsServer).port;
    expect(port).toEqual(expect.any(Number));
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const w = new Map(parsePrometheusTextFormat(await res.text()).map((f) => [f.name, f]));
    expect(value(w, 'cqo_redis_up')).toBe(1);
    expect(value(w, 'cqo_outbox_lag_seconds')).toBe(0);
    // The rebuild ran: this year's snapshot is fresh.
    expect(Math.min(...(w.get('cqo_stats_snapshot_age_seconds')?.metrics ?? []).map((x) => Number(x.value)))).toBeLessThan(60);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

    // Every series the alert rules in deploy/ name is one the processes serve.
    const alerts = readFileSync(join(__dirname, '../../deploy/prometheus/alerts.yml'), 'utf8');
    const named = [...new Set(alerts.match(/\bcqo_[a-z_]+/g) ?? [])];
    expect(named.length).toBeGreaterThanOrEqual(5);
    const served = new Set([...(await scrape()).keys(), ...w.keys()]);
    expect(named.filter((n) => !served.has(n))).toEqual([]);
  });
});
