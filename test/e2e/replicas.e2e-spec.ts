import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { Client } from 'pg';
import { chinaDate, yearOf } from '@cqo/policy';
import { SCHEDULES } from '@cqo/server-queue';
import { makeEnterprise, makeUser, PASSWORD, hubeiEligibleFiling } from '../support/fixtures';
import { freePort } from '../support/ports';
import { privateDatabase } from '../support/private-db';
import { PrivateRedis } from '../support/private-redis';
import { waitFor } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const API = join(ROOT, 'dist/apps/api/src/main.js');
const WORKER = join(ROOT, 'dist/apps/worker/src/main.js');

/**
 * Two api processes and two workers of the built product behind a small round-robin proxy, on one
 * PostgreSQL database and one Redis (issue 21: "scale-out is written, never run"). What a user does
 * through the proxy must behave as with one of each: sessions, the sign-in throttle, exports started
 * on one api and followed on the other, each repeatable job scheduled once, and nothing lost when one
 * api and one worker are killed mid-job.
 */
describe('two apis and two workers behind a proxy (issue 21)', () => {
  let redis: PrivateRedis;
  let databaseUrl: string;
  let filesDir: string;
  let proxy: Server;
  let base: string;
  const apis: { port: number; child: ChildProcess }[] = [];
  const workers: ChildProcess[] = [];
  const served: number[] = [];
  const Y = yearOf(chinaDate(new Date()));

  const env = () => ({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    CQO_REDIS_PREFIX: 'replicas',
    CQO_FILES_DIR: filesDir,
    JWT_SECRET: 'replicas-test-secret-0123456789abcdef0123456789',
    LOGIN_RATE_LIMIT_PER_MINUTE: '6',
    // Stalled jobs of a killed worker are noticed within seconds; each export step takes a while.
    QUEUE_LOCK_MS: '2000',
    CQO_FILE_JOB_STEP_DELAY_MS: '400',
  });
  const startApi = async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [API], { env: { ...env(), PORT: String(port) }, stdio: 'ignore' });
    apis.push({ port, child });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status !== undefined, 60_000, 300);
  };
  const startWorker = () => workers.push(spawn(process.execPath, [WORKER], { env: env(), stdio: 'ignore' }));
  const alive = () => apis.filter((a) => a.child.exitCode === null && a.child.signalCode === null);

  /** Round robin over the live apis; a backend that refuses the connection is skipped (as a load balancer's health check would). */
  function startProxy(): Promise<void> {
    let next = 0;
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const tryBackend = (attempt: number) => {
          const pool = alive();
          const target = pool[next++ % pool.length];
          const upstream = httpRequest(
            { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
            (r) => {
              served.push(target.port);
              res.writeHead(r.statusCode ?? 502, r.headers);
              r.pipe(res);
            },
          );
          upstream.on('error', () => (attempt < 3 ? tryBackend(attempt + 1) : res.writeHead(502).end()));
          upstream.end(body);
        };
        tryBackend(0);
      });
    });
    return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  }

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const signIn = async (username: string) => {
    const r = await call('POST', '/api/auth/login', undefined, { username, password: PASSWORD });
    expect(r.status).toBe(200);
    return ((await r.json()) as { accessToken: string }).accessToken;
  };

  let db: Client;
  let province: string;
  // The fixtures take TypeORM's `query` (rows as an array).
  const rows = { query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows } as never;
  beforeAll(async () => {
    for (const f of [API, WORKER]) if (!existsSync(f)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    redis = await PrivateRedis.create();
    databaseUrl = await privateDatabase('replicas');
    filesDir = mkdtempSync(join(tmpdir(), 'cqo-replicas-'));
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await Promise.all([startApi(), startApi()]);
    startWorker();
    startWorker();
    await startProxy();
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    // Signed in first: the throttle test below uses up the minute's sign-ins.
    province = await signIn((await makeUser(rows, 'province', { regionCode: '420000' })).username);
  }, 120_000);

  afterAll(async () => {
    for (const c of [...apis.map((a) => a.child), ...workers]) if (c.exitCode === null) c.kill('SIGKILL');
    await new Promise((r) => proxy?.close(r));
    await db?.end();
    await redis?.stop();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  it('a session signed in on one api works on the other', async () => {
    served.length = 0;
    for (let i = 0; i < 6; i++) expect((await call('GET', '/api/auth/me', province)).status).toBe(200);
    expect(new Set(served).size).toBe(2);
  });

  it('the sign-in throttle counts across the apis: 6 sign-ins a minute in all, not 6 on each', async () => {
    served.length = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await call('POST', '/api/auth/login', undefined, { username: `nobody-${i}`, password: 'wrong-password-123' })).status);
    // The sign-in of beforeAll counted too: 5 more answers, then 429 from whichever api answers.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
    expect(new Set(served).size).toBe(2);
  });

  it('each repeatable job is scheduled once with two workers', async () => {
    // Every schedule of the one table, each once: wait until both workers' start-up registrations are in
    // (on a loaded machine they come seconds apart), then look again after a pause for any duplicate.
    const expected = Object.values(SCHEDULES).map((s) => `${s.queue}:${s.job}`).sort();
    const scheduled = async () => {
      const names: string[] = [];
      for (const queue of new Set(Object.values(SCHEDULES).map((s) => s.queue))) {
        const q = new Bull(queue, { redis: redis.url, prefix: 'replicas' });
        names.push(...(await q.getRepeatableJobs()).map((j) => `${queue}:${j.name}`));
        await q.close();
      }
      return names.sort();
    };
    await waitFor(async () => (await scheduled()).length >= expected.length, 60_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await scheduled()).toEqual(expected);
  }, 90_000);

  it('exports started through the proxy finish after one api and one worker are killed mid-job; nothing is lost', async () => {
    const token = province;
    // Enough rows for several progress steps (each waits CQO_FILE_JOB_STEP_DELAY_MS).
    for (let i = 0; i < 3; i++) {
      const e = await makeEnterprise(rows, '420102');
      expect((await call('POST', `/api/enterprises/${e.id}/appointments`, token, hubeiEligibleFiling(`${Y - 1}-03-01`, { name: `副本${i}`, explanation: '补录' }))).status).toBe(201);
    }
    const jobs: string[] = [];
    for (const region of ['420100', '420000']) {
      const r = await call('POST', '/api/files/exports/attachment', token, { region, year: Y });
      expect(r.status).toBe(202);
      jobs.push(((await r.json()) as { id: string }).id);
    }
    // Both running (one on each worker: the files queue runs one job at a time per worker).
    await waitFor(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM file_job WHERE id = ANY($1) AND status = 'running'`, [jobs]);
      return rows[0].n === 2;
    }, 30_000, 100);
    workers[0].kill('SIGKILL');
    apis[0].child.kill('SIGKILL');
    // Followed and downloaded through the proxy, which now reaches the surviving api only.
    await waitFor(async () => {
      const states = await Promise.all(jobs.map(async (id) => ((await (await call('GET', `/api/files/jobs/${id}`, token)).json()) as { status: string }).status));
      return states.every((s) => s === 'succeeded');
    }, 180_000, 500);
    for (const id of jobs) {
      const r = await call('GET', `/api/files/jobs/${id}/download`, token);
      expect(r.status).toBe(200);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  }, 240_000);
});
