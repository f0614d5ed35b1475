#!/usr/bin/env node
// `npm test`: unit, integration (real PostgreSQL + Redis, a fresh database per run) and browser
// (Chromium) tests in one jest run, then one summary line: "N passed, N failed".
// Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
//
// Before jest it sets up what the tests need on a fresh Debian/Ubuntu machine (issue 21):
// Chromium, Redis (one answering on 6379, else redis-server from PATH), pg_dump and PostgreSQL
// (TEST_DATABASE_URL, else the system one on 5432, started if installed, else the embedded one of
// `npm start`). As root it installs the missing packages with apt-get; as another user it stops
// at once naming the one command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test-output');
const results = join(out, 'jest-results.json');
mkdirSync(out, { recursive: true });
rmSync(results, { force: true });

const log = (m) => process.stdout.write(`[test] ${m}\n`);
const isRoot = process.getuid?.() === 0;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const sh = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;

function redisAnswers(port = 6379) {
  return new Promise((done) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const end = (ok) => {
      sock.destroy();
      done(ok);
    };
    sock.setTimeout(800, () => end(false));
    sock.once('error', () => end(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => end(d.toString().startsWith('+PONG')));
  });
}

async function pgAnswers(url) {
  const { Client } = createRequire(import.meta.url)('pg');
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const SYSTEM_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Installs or starts what is missing; returns a function that stops what it started. */
async function prepare() {
  const onlyUnit = process.argv.includes('unit') && !process.argv.includes('integration') && !process.argv.includes('browser');
  if (onlyUnit || process.env.CQO_TEST_NO_SETUP === '1') return () => undefined;
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const redisUp = Boolean(process.env.TEST_REDIS_URL || process.env.REDIS_URL) || (await redisAnswers());
  const pgGiven = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
  // CQO_TEST_PG=embedded: the embedded PostgreSQL even when a system one runs.
  const forceEmbedded = process.env.CQO_TEST_PG === 'embedded';
  const systemPg = !pgGiven && !forceEmbedded && (await pgAnswers(SYSTEM_PG));

  const missing = [];
  if (!existsSync(chromium)) missing.push('chromium', 'fonts-noto-cjk');
  // redis-server on PATH even with a Redis up: the outbox and metrics tests start one of their own.
  if (!has('redis-server')) missing.push('redis-server');
  // pg_dump for the backup drill; the server itself can be the embedded one.
  if (!has('pg_dump')) missing.push(isRoot && !pgGiven && !systemPg ? 'postgresql' : 'postgresql-client');
  if (missing.length) {
    const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
    if (!isRoot) {
      process.stderr.write(`[test] missing ${missing.join(', ')}: run  sudo sh -c '${cmd}'  then npm test again\n`);
      process.exit(2);
    }
    log(`installing ${missing.join(' ')} (apt-get) …`);
    if (!sh(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`)) {
      process.stderr.write(`[test] apt-get could not install ${missing.join(' ')}\n`);
      process.exit(2);
    }
  }

  const stops = [];
  if (!redisUp) {
    log('starting Redis on 127.0.0.1:6379 …');
    sh('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');
    for (let i = 0; i < 30 && !(await redisAnswers()); i++) await wait(300);
  }

  if (!pgGiven && !systemPg) {
    // A system PostgreSQL installed but stopped (a fresh Debian machine after apt-get): start it
    // and trust loopback connections, as the test machines do.
    if (!forceEmbedded && isRoot && has('pg_ctlcluster') && existsSync('/etc/postgresql')) {
      log('starting the system PostgreSQL …');
      sh('pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start');
      for (let i = 0; i < 30 && !sh('pg_isready -q -h 127.0.0.1 -p 5432'); i++) await wait(1000);
      if (!(await pgAnswers(SYSTEM_PG))) {
        log('trusting loopback connections in pg_hba.conf');
        sh(`hba=$(su postgres -c "psql -tAc 'show hba_file'") && sed -i '1i host all all 127.0.0.1/32 trust\\nhost all all ::1/128 trust' "$hba" && su postgres -c "psql -tAc 'select pg_reload_conf()'"`);
      }
    }
    if (forceEmbedded || !(await pgAnswers(SYSTEM_PG))) {
      const cli = join(root, 'dist/apps/cli/src/infra/embedded-postgres.js');
      if (!existsSync(cli)) {
        process.stderr.write('[test] no PostgreSQL on 127.0.0.1:5432 and the CLI is not built: run  npm test  (it builds first) or set TEST_DATABASE_URL\n');
        process.exit(2);
      }
      const { startEmbeddedPostgres } = createRequire(import.meta.url)(cli);
      const pg = await startEmbeddedPostgres(join(out, 'embedded'), log);
      process.env.TEST_DATABASE_URL = pg.url.replace(/\/cqo$/, '/postgres');
      log(`no system PostgreSQL: using the embedded one (${pg.dir})`);
      stops.push(() => pg.stop());
    }
  }
  return async () => {
    for (const s of stops) await s();
  };
}

const release = await prepare();

const jest = spawnSync(
  process.execPath,
  [join(root, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${results}`, '--maxWorkers=2', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
} else {
  failed = 1;
}
await release();
const code = jest.status === 0 && failed === 0 ? 0 : 1;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(code);
