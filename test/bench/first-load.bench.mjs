#!/usr/bin/env node
// The dashboard's first load in headless Chromium (issue 20 item 13: "the sign-in page transfers
// 1.2 MB with no compression; sign-in → first chart takes 3–7 s"). Goal: the sign-in page ≤ 400 KB
// transferred, the first chart ≤ 1.5 s after the sign-in click.
//
//   node tools/build.mjs && node test/bench/first-load.bench.mjs
//   FIRST_LOAD_OLD=/tmp/fl-old node test/bench/first-load.bench.mjs   # compare with another build
//   BENCH_ROUNDS=5 BENCH_ENTERPRISES=3000                                 # defaults 3 and 600
//
// The "before" build is another checkout of the repository, built there (no stash):
//   git worktree add /tmp/fl-old <sha> && ln -s $PWD/node_modules /tmp/fl-old/ && (cd /tmp/fl-old && node tools/build.mjs)
//
// One throw-away database seeded with `cqo seed:demo` (snapshots included) serves both builds,
// each run by its own api process (NODE_ENV=production, serving its own dist/apps/web). Then,
// interleaved A B A B … for BENCH_ROUNDS rounds, each in a fresh browser context (a cold cache):
//   1. open /login; bytes transferred (Chromium's encodedDataLength: headers + body as sent) until
//      the network is idle;
//   2. sign in as the province user; time from the click to the first chart on the overview with
//      pixels on its canvas (and to the dashboard's data arriving), and the bytes that took;
//   3. reload the overview (a warm cache): bytes transferred and time to the first chart again.
// Prints each run with the load average, then the medians. It reports; it does not fail.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { ADMIN_URL, BENCH_JWT_SECRET, databaseUrlFor } from './province-data.mjs';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const OLD = process.env.FIRST_LOAD_OLD || '/tmp/fl-old';
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS || 3));
const N = Number(process.env.BENCH_ENTERPRISES || 600);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags of test/support/browser.ts.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const PASSWORD = 'Cqo@2026demo'; // DEMO_PASSWORD of libs/server/demo
const run = promisify(execFile);
const log = (msg) => process.stderr.write(`[first-load ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const builds = [
  { label: 'A before', root: OLD },
  { label: 'B after', root: ROOT },
];
for (const b of builds) {
  for (const f of ['dist/apps/api/src/main.js', 'dist/apps/web/index.html']) {
    if (!existsSync(join(b.root, f))) throw new Error(`${b.label}: ${join(b.root, f)} missing (build it: node tools/build.mjs)`);
  }
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const name = `cqo_first_load_${process.pid}`;
const databaseUrl = databaseUrlFor(name);
const children = [];
let browser;

async function main() {
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  log(`seeding ${N} enterprises into ${name}`);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    JWT_SECRET: BENCH_JWT_SECRET,
    CQO_REDIS_PREFIX: `bench-first-load-${process.pid}`,
    CQO_PROVINCE: '420000',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  };
  await run(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), 'seed:demo', '--enterprises', String(N)], {
    env: { ...env, NODE_ENV: 'test' }, // seed:demo refuses production
    maxBuffer: 1 << 26,
  });

  for (const b of builds) {
    b.port = await freePort();
    let err = '';
    const api = spawn(process.execPath, [join(b.root, 'dist/apps/api/src/main.js')], {
      env: { ...env, PORT: String(b.port), CQO_WEB_DIST: join(b.root, 'dist/apps/web') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(api);
    api.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    b.base = `http://127.0.0.1:${b.port}`;
    for (let i = 0; ; i++) {
      if (api.exitCode !== null) throw new Error(`${b.label} api exited: ${err}`);
      try {
        // Any answer: the api listens (its health also asks for a worker, which this bench does not run).
        await fetch(`${b.base}/api/health`);
        break;
      } catch {
        // not up yet
      }
      if (i > 1200) throw new Error(`${b.label} api did not start: ${err}`);
      await sleep(100);
    }
  }

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // One warm-up pass each (JIT, database caches), not counted.
  for (const b of builds) await measure(b);

  const rows = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const b of builds) {
      const before = load();
      const r = await measure(b);
      rows.push({ round, label: b.label, ...r });
      log(
        `round ${round} ${b.label.padEnd(8)} sign-in page ${kb(r.signInBytes).padStart(7)} (${r.signInRequests} requests) | click → dashboard data ${String(r.dashboardMs).padStart(5)} ms, first chart ${String(r.firstChartMs).padStart(5)} ms, ${kb(r.signInToChartBytes)} | overview reload ${kb(r.reloadBytes)}, first chart ${r.reloadChartMs} ms | load ${before}`,
      );
    }
  }

  process.stdout.write(`\nfirst load, ${ROUNDS} rounds ABAB, demo province of ${N} enterprises, load average now ${load()}\n`);
  process.stdout.write(`| build | sign-in page transferred | requests | sign-in → first chart (median, runs) | of which until the dashboard data arrived | bytes for that | overview reload (warm cache) | its first chart |\n|---|---|---|---|---|---|---|---|\n`);
  for (const b of builds) {
    const mine = rows.filter((r) => r.label === b.label);
    const m = (k) => median(mine.map((r) => r[k]));
    process.stdout.write(
      `| ${b.label} | ${kb(m('signInBytes'))} | ${m('signInRequests')} | ${m('firstChartMs')} ms (${mine.map((r) => r.firstChartMs).join(', ')}) | ${m('dashboardMs')} ms | ${kb(m('signInToChartBytes'))} | ${kb(m('reloadBytes'))} | ${m('reloadChartMs')} ms |\n`,
    );
  }
}

/** One cold visit: the sign-in page, the sign-in, the first chart; then a warm reload. */
async function measure(b) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });
  try {
    await page.goto(`${b.base}/login`, { waitUntil: 'networkidle' });
    await page.waitForSelector('[data-testid=login-submit]');
    const signInBytes = bytes;
    const signInRequests = requests;
    await page.fill('[data-testid=login-username]', 'province');
    await page.fill('[data-testid=login-password]', PASSWORD);
    bytes = 0;
    const clicked = Date.now();
    // Where the time goes: the dashboard's data arriving, against the chart drawn.
    const dashboard = page.waitForResponse((r) => r.url().includes('/api/stats/dashboard'), { timeout: 30_000 }).then(() => Date.now() - clicked);
    await page.click('[data-testid=login-submit]');
    await firstChart(page);
    const firstChartMs = Date.now() - clicked;
    const dashboardMs = await dashboard;
    await page.waitForLoadState('networkidle');
    const signInToChartBytes = bytes;
    bytes = 0;
    const reloaded = Date.now();
    await page.reload();
    await firstChart(page);
    const reloadChartMs = Date.now() - reloaded;
    await page.waitForLoadState('networkidle');
    return { signInBytes, signInRequests, firstChartMs, dashboardMs, signInToChartBytes, reloadBytes: bytes, reloadChartMs };
  } finally {
    await context.close();
  }
}

/** Waits until a chart of the overview has pixels on its canvas. */
async function firstChart(page) {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-testid^=chart-] canvas')].some((canvas) => {
        if (canvas.width === 0 || canvas.height === 0) return false;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!data) return false;
        for (let i = 3; i < data.length; i += 16) if (data[i] !== 0) return true;
        return false;
      }),
    null,
    { timeout: 30_000, polling: 16 },
  );
}

try {
  await main();
} finally {
  await browser?.close().catch(() => null);
  for (const c of children) c.kill('SIGTERM');
  await sleep(500);
  await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch((e) => log(`drop: ${e.message}`));
}
