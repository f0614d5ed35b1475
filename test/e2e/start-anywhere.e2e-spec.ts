/**
 * `npm start` wherever a user clones (issue 21): the repository cloned into a `mktemp -d` folder
 * (mode 700: as root the `postgres` account cannot reach it), started as the current user (root in
 * CI) to a healthy /api/health and a served dashboard; started again (no new cluster, no reseed);
 * started after `kill -9` of the whole process group. Output stays short, Ctrl-C stops cleanly.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports';

const root = resolve(__dirname, '../..');

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(cwd: string, port: number): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const k of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'TEST_DATABASE_URL', 'CQO_DATA_DIR', 'NODE_ENV', 'LOG_LEVEL', 'REDIS_URL']) delete env[k];
  // Its own process group, as in a terminal: Ctrl-C and `kill -9` go to the whole group.
  const child = spawn('npm', ['start', '--', '--enterprises', '300'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => text, exited };
}

async function until(run: Run, what: RegExp, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what.test(run.out())) return;
    if (/could not start|exited with code/.test(run.out())) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`npm start did not print ${what}:\n${run.out()}`);
}

async function healthy(port: number): Promise<void> {
  const end = Date.now() + 60_000;
  let last = '';
  while (Date.now() < end) {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (res?.status === 200) {
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('<html lang="zh-CN">');
      return;
    }
    last = res ? `${res.status} ${await res.text()}` : 'no answer';
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`/api/health never answered 200: ${last}`);
}

/** Ctrl-C as from a terminal (SIGINT to the whole group); resolves when every process of it has exited. */
async function ctrlC(run: Run): Promise<void> {
  const group = run.child.pid!;
  process.kill(-group, 'SIGINT');
  await run.exited;
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(-group, 0);
    } catch {
      return; // ESRCH: the group is empty
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`npm start's processes did not exit within 60 s of Ctrl-C:\n${run.out()}`);
}

/** The start's short output: progress lines, the URL, the account table; no JSON log lines. */
function expectQuiet(out: string, port: number): void {
  expect(out).toContain(`http://localhost:${port}/`);
  expect(out).not.toMatch(/"level":/);
  expect(out).not.toContain('LegacyRouteConverter');
  expect(out).toMatch(/admin\s+\S+\s+系统管理员 · \S/); // the admin's scope is named, not blank
  expect(out.trim().split('\n').length).toBeLessThan(40);
}

describe('npm start in a fresh clone (issue 21)', () => {
  let dir: string;
  let clone: string;
  let pgHome: string | null = null;
  const runs: Run[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cqo-start-')); // mode 700, like `mktemp -d`
    clone = join(dir, 'repo');
    execFileSync('git', ['clone', '-q', root, clone]);
    // The clone's own dependencies are the ones installed here (a symlink keeps the test short).
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  });

  afterAll(async () => {
    for (const r of runs) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        try {
          process.kill(-r.child.pid!, 'SIGINT');
        } catch {
          // gone
        }
        await Promise.race([r.exited, new Promise((x) => setTimeout(x, 20_000))]);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (pgHome) rmSync(resolve(pgHome, '..'), { recursive: true, force: true });
  });

  it('starts as the current user in a mode-700 folder, again without reseeding, and after kill -9 of the group; Ctrl-C stops cleanly', async () => {
    const port = await freePort();

    // 1. First start: a new cluster, migrations, demo data.
    const first = start(clone, port);
    runs.push(first);
    await until(first, /Press Ctrl-C to stop/, 400_000);
    await healthy(port);
    expectQuiet(first.out(), port);
    expect(first.out()).toContain('PostgreSQL created in');
    expect(first.out()).toContain('demo data created');
    const where = /PostgreSQL created in (\S+)/.exec(first.out())![1];
    if (process.getuid?.() === 0) {
      // Root: the postgres account cannot traverse the 700 folder, so the cluster lives elsewhere.
      expect(where.startsWith(clone)).toBe(false);
      pgHome = where;
    } else {
      expect(where).toBe(join(clone, '.data', 'pg'));
    }

    // Ctrl-C: the whole group gets SIGINT, as from a terminal.
    await ctrlC(first);
    expect(first.out()).not.toMatch(/could not start|exited with code/);
    const logs = ['api.log', 'worker.log'].map((f) => readFileSync(join(clone, '.data', 'logs', f), 'utf8')).join('\n');
    expect(logs).not.toMatch(/outbox (relay|watch) paused/);
    expect(logs).not.toContain('LegacyRouteConverter');
    expect(existsSync(join(where, 'postmaster.pid'))).toBe(false);

    // 2. Again: the same cluster, no reseed.
    const second = start(clone, port);
    runs.push(second);
    await until(second, /Press Ctrl-C to stop/, 120_000);
    await healthy(port);
    expectQuiet(second.out(), port);
    expect(second.out()).toContain(`PostgreSQL started in ${where}`);
    expect(second.out()).not.toContain('demo data created');

    // 3. A crash: kill -9 of the whole process group, then start again.
    process.kill(-second.child.pid!, 'SIGKILL');
    await second.exited;
    const third = start(clone, port);
    runs.push(third);
    await until(third, /Press Ctrl-C to stop/, 120_000);
    await healthy(port);
    expect(third.out()).toContain(`PostgreSQL started in ${where}`);
    expect(third.out()).not.toContain('demo data created');
    await ctrlC(third);
    expect(existsSync(join(where, 'postmaster.pid'))).toBe(false);
  }, 900_000);

  it('stops at once with one line saying what to do when PORT is taken', async () => {
    const busy = createServer();
    const port = await new Promise<number>((done) => busy.listen(0, () => done((busy.address() as { port: number }).port)));
    try {
      const run = start(clone, port);
      runs.push(run);
      const t0 = Date.now();
      expect(await run.exited).not.toBe(0);
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(run.out()).toMatch(new RegExp(`port ${port} \\(PORT\\) is already in use: .*PORT=${port + 1} npm start`));
    } finally {
      busy.close();
    }
  }, 60_000);
});
