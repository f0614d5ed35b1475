import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DemoAccount } from '@cqo/server-demo';
import { startEmbeddedPostgres, type EmbeddedPg } from '../infra/embedded-postgres';
import { ensureLocalRedis, type LocalRedis } from '../infra/local-redis';
import { dataRoot, migrateDatabase } from '../infra/runtime-env';
import { seedDemo } from './seed-demo.command';

const ROLE_NAMES: Record<string, string> = {
  admin: '系统管理员',
  province: '省质强办',
  city: '市州质强办',
  county: '县市区质强办',
  enterprise: '企业',
  evaluator: '评价机构',
};

function say(line: string): void {
  process.stdout.write(`[cqo] ${line}\n`);
}

/**
 * `npm start`: a database (DATABASE_URL, or an embedded PostgreSQL), Redis (REDIS_URL, the
 * local one, or one started from PATH), migrations, demo data with --demo, then the api and the
 * worker as two processes. Ctrl-C stops everything it started.
 */
export async function startCommand(opts: { demo?: boolean; enterprises: string }): Promise<void> {
  const root = dataRoot();
  let pg: EmbeddedPg | null = null;
  let redis: LocalRedis | null = null;
  const children: ChildProcess[] = [];
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    redis?.stop();
    await pg?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (!process.env.DATABASE_URL) {
      say('DATABASE_URL is not set: starting the embedded PostgreSQL in .data/pg …');
      pg = await startEmbeddedPostgres(root);
      // Migrations as the owner; the api and the worker as the restricted cqo_api (issue 18 item 3).
      process.env.DATABASE_OWNER_URL = pg.url;
      process.env.DATABASE_URL = pg.appUrl;
    }
    if (!process.env.REDIS_URL) {
      redis = await ensureLocalRedis(root);
      process.env.REDIS_URL = redis.url;
      say(`Redis: ${redis.url}`);
    }
    const migrated = await migrateDatabase({ provision: true });
    if (migrated.length) say(`migrations applied: ${migrated.join(', ')}`);

    let accounts: DemoAccount[] = [];
    if (opts.demo) {
      const result = await seedDemo(Number(opts.enterprises));
      accounts = result.accounts;
      if (result.seeded) say(`demo data created: ${result.enterprises} enterprises`);
    }

    const dist = resolve(__dirname, '../../../..');
    // The api and the worker get DATABASE_URL only: they never see the owner's credentials.
    const { DATABASE_OWNER_URL: _owner, ...childEnv } = process.env;
    const env = { ...childEnv, NODE_ENV: process.env.NODE_ENV ?? 'development' };
    for (const app of ['api', 'worker']) {
      const child = spawn(process.execPath, [join(dist, 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('exit', (code) => {
        if (!stopping) {
          say(`${app} exited with code ${code}; stopping`);
          void stop(code ?? 1);
        }
      });
      children.push(child);
    }

    const port = Number(process.env.PORT ?? 3000);
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 60_000);
    say('');
    say(`企业首席质量官制度监管平台 is running: http://localhost:${port}/`);
    if (process.env.NODE_ENV !== 'production' || /^(on|true|1|yes)$/i.test(process.env.API_DOCS ?? '')) say(`API documentation: http://localhost:${port}/api/docs`);
    if (accounts.length) {
      say('demo accounts (demo mode only — production has no default accounts):');
      for (const a of accounts) say(`  ${a.username.padEnd(16)} ${a.password}   ${ROLE_NAMES[a.role] ?? a.role} · ${a.scope}`);
    }
    say('Press Ctrl-C to stop.');
  } catch (err) {
    process.stderr.write(`[cqo] could not start: ${(err as Error).message}\n`);
    await stop(1);
  }
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500 || res.status === 503) return; // 503: up, waiting for the worker's first beat
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
