import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** The admin's row: no region and no enterprise, every record of the platform. */
const SCOPE_ALL = '全部数据';

function say(line: string): void {
  process.stdout.write(`[cqo] ${line}\n`);
}

/** Resolves true when nothing listens on the port yet. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once('error', () => done(false));
    s.listen(port, () => s.close(() => done(true)));
  });
}

/**
 * The api's port: PORT when set (taken: stop at once, saying so), else 3000 or the next free one
 * after it (issue 21: a start that stops in the first seconds or says what it picked).
 */
async function apiPort(): Promise<number> {
  if (process.env.PORT) {
    const port = Number(process.env.PORT);
    if (!(await portFree(port))) throw new Error(`port ${port} (PORT) is already in use: stop what listens there or start with another, e.g. PORT=${port + 1} npm start`);
    return port;
  }
  for (let port = 3000; port < 3100; port++) {
    if (await portFree(port)) {
      if (port !== 3000) say(`port 3000 is in use: using ${port} (set PORT to choose)`);
      return port;
    }
  }
  throw new Error('ports 3000–3099 are all in use: set PORT to a free port');
}

/** The last lines of a log file, for a child that exited on its own. */
function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * `npm start`: a database (DATABASE_URL, or an embedded PostgreSQL), Redis (REDIS_URL, the
 * local one, or one started from PATH), migrations, demo data with --demo, then the api and the
 * worker as two processes. Ctrl-C stops everything it started.
 */
export async function startCommand(opts: { demo?: boolean; enterprises: string; verbose?: boolean }): Promise<void> {
  const root = dataRoot();
  let pg: EmbeddedPg | null = null;
  let redis: LocalRedis | null = null;
  const children: ChildProcess[] = [];
  let stopping = false;

  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const stop = async (code: number, signal?: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Ctrl-C in a terminal already sent SIGINT to the api and the worker (one process group): a
    // second signal while they close cuts the close short. Each child gets one signal: the
    // terminal's, or ours when it has not exited within five seconds (a SIGINT sent to this
    // process alone). The embedded PostgreSQL, in its own process group, stops after them.
    const grace = signal === 'SIGINT' ? 5000 : 0;
    await Promise.all(
      children.map(
        (c) =>
          new Promise((r) => {
            if (exited(c)) return r(null);
            c.once('exit', r);
            setTimeout(() => exited(c) || c.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM'), grace).unref();
          }),
      ),
    );
    redis?.stop();
    await pg?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0, 'SIGINT'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));

  try {
    const port = await apiPort();
    if (!process.env.DATABASE_URL) {
      say(`DATABASE_URL is not set: starting the embedded PostgreSQL (data: ${root}) …`);
      pg = await startEmbeddedPostgres(root, say);
      say(`PostgreSQL ${pg.created ? 'created' : 'started'} in ${pg.dir}`);
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
    if (migrated.length) say(`database schema: ${migrated.length} migration${migrated.length > 1 ? 's' : ''} applied (${migrated[migrated.length - 1]})`);

    let accounts: DemoAccount[] = [];
    if (opts.demo) {
      const result = await seedDemo(Number(opts.enterprises));
      accounts = result.accounts;
      if (result.seeded) say(`demo data created: ${result.enterprises} enterprises`);
    }

    const dist = resolve(__dirname, '../../../..');
    // The api and the worker get DATABASE_URL only: they never see the owner's credentials.
    const { DATABASE_OWNER_URL: _owner, ...childEnv } = process.env;
    const env = { ...childEnv, PORT: String(port), NODE_ENV: process.env.NODE_ENV ?? 'development' };
    // Quiet by default: the api's and the worker's JSON logs (one line per request) go to files;
    // --verbose or LOG_LEVEL shows them here.
    const verbose = Boolean(opts.verbose || process.env.LOG_LEVEL);
    const logs = join(root, 'logs');
    mkdirSync(logs, { recursive: true });
    if (!verbose) say(`api and worker logs: ${logs} (--verbose to show them here)`);
    for (const app of ['api', 'worker']) {
      const logFile = join(logs, `${app}.log`);
      const out = verbose ? 'inherit' : openSync(logFile, 'a');
      const child = spawn(process.execPath, [join(dist, 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', out, out] });
      child.once('exit', (code) => {
        if (!stopping) {
          say(`${app} exited with code ${code}; stopping`);
          if (!verbose) process.stderr.write(`${tail(logFile)}\n[cqo] (full log: ${logFile})\n`);
          void stop(code ?? 1);
        }
      });
      children.push(child);
    }

    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 60_000);
    say('');
    say(`企业首席质量官制度监管平台 is running: http://localhost:${port}/`);
    if (process.env.NODE_ENV !== 'production' || /^(on|true|1|yes)$/i.test(process.env.API_DOCS ?? '')) say(`API documentation: http://localhost:${port}/api/docs`);
    if (accounts.length) {
      say('demo accounts (demo mode only — production has no default accounts):');
      for (const a of accounts) say(`  ${a.username.padEnd(16)} ${a.password}   ${ROLE_NAMES[a.role] ?? a.role} · ${a.scope || SCOPE_ALL}`);
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
