import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule, WorkerModule, configureApp } from '@cqo/server-app';
import { Clock, TestClock, loadConfig, type AppConfig } from '@cqo/server-common';
import { QueueName } from '@cqo/server-queue';
import { testEnv } from './test-env';

export function testConfig(overrides: Partial<Record<string, string>> = {}): AppConfig {
  const env = testEnv();
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    CQO_REDIS_PREFIX: env.redisPrefix,
    LOG_LEVEL: 'error',
    ...overrides,
  } as NodeJS.ProcessEnv);
}

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  clock: TestClock;
  db: DataSource;
  close: () => Promise<void>;
}

/** The real api module on the run's database, with a clock the test can move. */
export async function createTestApp(opts: { config?: AppConfig; serveWeb?: boolean } = {}): Promise<TestApp> {
  const clock = new TestClock();
  // Test files run side by side on one Redis prefix: each app counts its throttles apart, as one
  // deployment would (test/e2e/replicas runs real processes that share them).
  const base = opts.config ?? testConfig();
  const config = { ...base, throttlePrefix: `${base.throttlePrefix}:${randomUUID()}` };
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureApp(app, { serveWeb: opts.serveWeb ?? false, logger: false });
  await app.init();
  return {
    app,
    http: () => request(app.getHttpServer()),
    clock,
    db: app.get(DataSource),
    close: () => app.close(),
  };
}

/** The real worker (queues, outbox relay, heartbeat) in this process. */
export async function startTestWorker(config: AppConfig = testConfig()): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
  await worker.init();
  return worker;
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, stepMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/**
 * The statistics caught up: every change relayed from the outbox, every mark drained, no drain
 * waiting or running on `worker`'s stats queue (the nightly rebuild aside). Figures read after it
 * no longer move.
 */
export function statsSettled(db: DataSource, worker: INestApplicationContext, timeoutMs = 30_000): Promise<true> {
  const count = async (sql: string) => Number((await db.query(sql))[0].n);
  return waitFor(
    async () => {
      if ((await count(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)) > 0) return false;
      // (Checked for: run against the code before coalescing, which had no stat_dirty, stats-refresh.e2e fails on its assertions.)
      if ((await db.query(`SELECT to_regclass('stat_dirty') IS NOT NULL AS ok`))[0].ok && (await count(`SELECT count(*)::int AS n FROM stat_dirty`)) > 0) return false;
      const jobs = await worker.get<Queue>(getQueueToken(QueueName.Stats)).getJobs(['waiting', 'delayed', 'active']);
      return !jobs.some((j) => j && j.name !== 'stats.rebuild');
    },
    timeoutMs,
    100,
  );
}
