#!/usr/bin/env node
// The year-end rush (issue 16): many enterprise users submit their annual reports at once.
//
//   node tools/build.mjs --server && node test/bench/filing-burst.bench.mjs
//   BENCH_ENTERPRISES=200000 BENCH_SECONDS=10 node test/bench/filing-burst.bench.mjs   # quick run (at 20,000 the product rounds run dry)
//   BENCH_PROFILE=/tmp/prof ...                       # CPU profiles of the api and the worker
//   BENCH_ROLLOVER=1 ...                              # every product round starts as the day rolls over in China
//
// Against the kept province database of ./province-data.mjs (1,000,000 enterprises by default),
// with the product's own api and worker started from dist/ as two processes (NODE_ENV=production,
// default pool size). For each concurrency (BENCH_CONCURRENCY, default "50,200") it runs
// BENCH_ROUNDS (default 3) interleaved rounds of BENCH_SECONDS (default 60) each:
//   A. the product: C closed-loop clients, each POSTing valid reports
//      (/api/annual-reports/by-enterprise/:id/:year/submit) for enterprises with a CQO in post and
//      no report yet, one enterprise user per enterprise;
//   B. the raw limit: C closed-loop clients doing BEGIN; INSERT the same report row; INSERT an
//      outbox row; COMMIT on a pg pool of the product's size, into copies of the two tables.
// Before a product round whose pool of report-less enterprises is short, the bench undoes its own
// earlier submits and rebuilds the year's snapshot (a 1M province has about 170k such enterprises;
// six rounds submit more than that).
// While A runs, about one submit a second is a marker: a prober polls that enterprise's county
// dashboard (GET /api/stats/dashboard?region=…) until its 待审核 count includes every report of
// the county answered 2xx up to the marker; that time is "change → dashboard". After A it waits
// until the outbox is relayed and done and the province dashboard shows every 2xx ("catch-up").
// Then it checks every 2xx: one submitted report row and one relayed, done stats.refresh outbox row.
//
// Enterprise users and their sessions are written straight into the database and their access
// tokens are signed with the bench's JWT_SECRET: 100k argon2 sign-ins would measure sign-in, not
// filing. Everything after the token (guard, session check, scope, validation, the write) is the
// product's own path. It reports against the goals; it does not fail on a missed goal.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { API, BENCH_JWT_SECRET, CLI, WORKER, provinceDatabase } from './province-data.mjs';
import { settle } from './settle.mjs';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const { emptyReportData } = createRequire(import.meta.url)(join(ROOT, 'dist/libs/policy/src/index.js'));

const N = Number(process.env.BENCH_ENTERPRISES || 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS || 60);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS || 3));
const CONCURRENCY = (process.env.BENCH_CONCURRENCY || '50,200').split(',').map(Number);
const POOL = Number(process.env.DB_POOL_SIZE || 10);
/**
 * BENCH_ROLLOVER=1: before each product round the current year's snapshot is dated yesterday, as it
 * stands when midnight passes in China during a burst, so the round's first drain must bring it to
 * today (issue 16: it used to rebuild the year, 21.9 s at 1M, and every change waited for it).
 */
const ROLLOVER = process.env.BENCH_ROLLOVER === '1';
/**
 * BENCH_COMPARE_ENV="NAME=value,…": each round also runs the product with these settings (api and
 * worker restarted for every product round, so both variants start alike), in alternating order.
 */
// A value may hold '=' itself (NODE_OPTIONS=--max-semi-space-size=64): only the first one splits.
const COMPARE = process.env.BENCH_COMPARE_ENV
  ? Object.fromEntries(
      process.env.BENCH_COMPARE_ENV.split(',').map((kv) => {
        const at = kv.indexOf('=');
        if (at < 1) throw new Error(`BENCH_COMPARE_ENV: "${kv}" is not NAME=value`);
        return [kv.slice(0, at), kv.slice(at + 1)];
      }),
    )
  : null;
const REQUEST_TIMEOUT_MS = 30_000;
const CATCH_UP_LIMIT_MS = 180_000;
const port = 3700 + Math.floor(Math.random() * 200);
const base = `http://127.0.0.1:${port}/api`;

const log = (msg) => process.stderr.write(`[filing-burst ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n, d = 0) => Number(n).toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const db = await provinceDatabase({ enterprises: N, log });
const Y = db.year;
const env = { ...db.env, SESSION_IDLE_MINUTES: '600', ACCESS_TOKEN_TTL_SECONDS: '36000' };
const pool = new pg.Pool({ connectionString: db.databaseUrl, max: POOL + 4 });
const q = async (sql, params) => (await pool.query(sql, params)).rows;
/**
 * A statement that joins a set of ids to the outbox by its JSON payload, planned without nested
 * loops: with the join's size unknown (a DELETE … RETURNING, an unnest), the planner may loop over
 * the outbox once per id, which took minutes on a 1M province after a few runs.
 */
const qHashed = (sql, params) =>
  withClient(db.databaseUrl, async (c) => {
    await c.query('BEGIN');
    await c.query('SET LOCAL enable_nestloop = off');
    const { rows } = await c.query(sql, params);
    await c.query('COMMIT');
    return rows;
  });

function report(i) {
  return {
    ...emptyReportData(),
    hasAppraisalSystem: true,
    appraisalResult: '称职',
    appraisalDecision: '留任',
    qualityFund: 10 + (i % 90),
    honours: '市长质量奖提名',
    dutiesNarrative: '主持质量例会 12 次，推动 QC 小组 3 个',
    problemsAndPlans: '供应商质量管理薄弱；明年建立供方审核制度',
  };
}
const EXPLANATION = '年度报告集中上报（压测）';

// ---------------------------------------------------------------------------------------------
// Setup: a snapshot, the enterprises to file for, their users and sessions, the raw tables.
// ---------------------------------------------------------------------------------------------

function runCli(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cqo ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

const [{ current }] = await q(`SELECT count(*)::int AS current FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id WHERE s.year = $1`, [Y]).catch(async () => [
  { current: 0 },
]);
if (!current) {
  log(`no snapshot for ${Y}: cqo aggregate --year ${Y}`);
  await runCli(['aggregate', '--year', String(Y)]);
}

// The kept database runs out of report-less enterprises after a few runs, and one run at C=50 and
// C=200 submits more reports than a 1M province has enterprises left to file (a round takes
// 50–60k at the product's rate). So every run first undoes what earlier runs submitted, and a run
// whose pool is short before a product round undoes its own earlier rounds (the reports its bench
// users filed, and their jobs; the history and audit rows are append-only and stay, pointing at
// reports that are gone). The report triggers leave the deltas that take the reports off the
// snapshot again; a rebuild counts them instead, so no round's drains move the dashboard under the
// probes.
async function undoSubmits(why) {
  const started = performance.now();
  const [undone] = await qHashed(
    `WITH gone AS (
       DELETE FROM annual_report r USING app_user u WHERE u.id = r.submitted_by AND u.username LIKE 'bench-%' AND r.year = $1
       RETURNING r.id, r.enterprise_id
     ), jobs AS (
       DELETE FROM outbox o USING gone
        WHERE o.job_name = 'stats.refresh' AND o.payload->>'reason' = 'annual_report.submit' AND o.payload->>'enterpriseId' = gone.enterprise_id::text RETURNING 1
     )
     SELECT (SELECT count(*) FROM gone)::int AS reports, (SELECT count(*) FROM jobs)::int AS jobs`,
    [Y],
  );
  if (!undone.reports) return;
  log(`undid ${fmt(undone.reports)} reports of ${why} (${((performance.now() - started) / 1000).toFixed(1)} s); vacuuming, rebuilding ${Y}'s snapshot`);
  // The deleted rows would otherwise stay in the indexes until autovacuum came by, and every
  // lookup of a report in the rounds after would step over them (pg:api 1.07 ms a report against
  // 0.65 in a 1M round after an undo of 76k reports).
  await q('VACUUM (ANALYZE) annual_report');
  await q('VACUUM (ANALYZE) outbox');
  await runCli(['aggregate', '--year', String(Y)]);
  // The rebuild drops every held part and holds them again (1M dead rows each time); the drains of
  // the next round read parts, and over the dead ones they took 3.9 s each at C=200 where a
  // vacuumed table gives well under a second. Production rebuilds on request only, with hours of
  // autovacuum before the next burst; this undo is the bench's own.
  await q('VACUUM (ANALYZE) stat_contrib');
  await q('VACUUM (ANALYZE) stat_delta');
}
await undoSubmits('earlier runs');

// Every enterprise with a CQO in post and no report of the year yet (the raw loop writes copies
// of the tables, so it needs no real enterprises). Rounds take them in turn.
const productPool = await q(
  `SELECT e.id, e.region_code AS county
     FROM enterprise e
    WHERE EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = e.id AND a.status = 'active')
      AND NOT EXISTS (SELECT 1 FROM annual_report r WHERE r.enterprise_id = e.id AND r.year = $1)
      AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.enterprise_id = e.id AND u.username NOT LIKE 'bench-%')
    ORDER BY md5(e.id::text || $2) LIMIT $3`,
  [Y, String(process.pid), Number(process.env.BENCH_MAX_USERS || 250_000)],
);
log(`creating ${fmt(productPool.length)} enterprise users and sessions`);
const started = performance.now();
await withClient(db.databaseUrl, async (c) => {
  await c.query('BEGIN');
  await c.query(`CREATE TEMP TABLE bench_pick (enterprise_id uuid PRIMARY KEY) ON COMMIT DROP`);
  await c.query(`INSERT INTO bench_pick SELECT unnest($1::uuid[])`, [productPool.map((e) => e.id)]);
  // A kept database keeps the users of earlier runs; each run signs them in anew.
  await c.query(
    `INSERT INTO app_user (username, display_name, password_hash, role, enterprise_id)
     SELECT 'bench-' || enterprise_id, '压测企业用户', 'bench-no-password', 'enterprise', enterprise_id FROM bench_pick
     ON CONFLICT (username) DO NOTHING`,
  );
  await c.query(
    `INSERT INTO user_session (user_id, created_at, last_seen_at, ip, user_agent)
     SELECT u.id, now(), now(), '127.0.0.1', 'filing-burst bench' FROM app_user u JOIN bench_pick p ON p.enterprise_id = u.enterprise_id
      WHERE u.username = 'bench-' || p.enterprise_id`,
  );
  await c.query('COMMIT');
});
const sessions = new Map(
  (
    await q(
      `SELECT DISTINCT ON (u.enterprise_id) u.enterprise_id, u.id AS user_id, s.id AS session_id
         FROM app_user u JOIN user_session s ON s.user_id = u.id
        WHERE u.enterprise_id = ANY($1::uuid[]) AND u.username = 'bench-' || u.enterprise_id AND s.revoked_at IS NULL
        ORDER BY u.enterprise_id, s.created_at DESC`,
      [productPool.map((e) => e.id)],
    )
  ).map((r) => [r.enterprise_id, r]),
);
/** An HS256 access token as the product signs it ({ sub, sid, iat, exp }). */
function token(userId, sessionId) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: userId, sid: sessionId, iat, exp: iat + 36_000 })}`;
  return `${body}.${createHmac('sha256', BENCH_JWT_SECRET).update(body).digest('base64url')}`;
}

// The province officer who watches the dashboards.
const [prov] = await q(
  `INSERT INTO app_user (username, display_name, password_hash, role, region_code)
   VALUES ($1, '压测省级用户', 'bench-no-password', 'province', '420000') RETURNING id`,
  [`bench-prov-${process.pid}-${randomUUID().slice(0, 8)}`],
);
const [provSession] = await q(`INSERT INTO user_session (user_id, created_at, last_seen_at) VALUES ($1, now(), now()) RETURNING id`, [prov.id]);
const provAuth = `Bearer ${token(prov.id, provSession.id)}`;

await q(`CREATE TABLE IF NOT EXISTS bench_raw_report (LIKE annual_report INCLUDING DEFAULTS INCLUDING INDEXES)`);
await q(`CREATE TABLE IF NOT EXISTS bench_raw_outbox (LIKE outbox INCLUDING DEFAULTS INCLUDING INDEXES)`);
await q(`TRUNCATE bench_raw_report, bench_raw_outbox`);
log(`setup ${((performance.now() - started) / 1000).toFixed(1)} s`);

// ---------------------------------------------------------------------------------------------
// The product's processes
// ---------------------------------------------------------------------------------------------

const procs = [];
function startProcess(label, file, extra = {}) {
  // BENCH_PROFILE=DIR writes a CPU profile of each process there when it stops.
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
  const p = spawn(process.execPath, [...prof, file], { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
  p.tail = '';
  p.stderr.on('data', (d) => (p.tail = (p.tail + d).slice(-4000)));
  p.on('exit', (code) => code && log(`${label} exited ${code}: ${p.tail}`));
  procs.push(p);
  return p;
}
async function stopAll() {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null))), sleep(10_000)]);
}

/** The api and the worker, started (again) with `extra` on top of the bench's environment; back when the api answers. */
async function startProduct(extra = {}) {
  await stopAll();
  procs.length = 0;
  startProcess('api', API, { PORT: String(port), ...extra });
  startProcess('worker', WORKER, extra);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).status < 600) break;
    } catch {
      if (i > 300) throw new Error(`api did not start: ${procs[0].tail}`);
      await sleep(200);
    }
  }
  await get(`/stats/dashboard?region=420000&year=${Y}`);
}

async function get(path, auth = provAuth, timeout = 5_000) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: auth }, signal: AbortSignal.timeout(timeout) });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

/**
 * The submits' client: node:http on a keep-alive agent of C sockets. fetch (undici through the
 * WHATWG layers) took 30–45 % of a core in this process during a product round, on the same two
 * cores as the api and PostgreSQL; the raw loop's client is pg alone.
 */
let agent = null;
function post(path, headers, body, timeout) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(timeout, () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * CPU time (ms, user + system) used so far by the api, the worker, this bench process and the
 * PostgreSQL backends of the bench database: per round, the CPU each stored report cost, which
 * a busy machine changes far less than the rate.
 */
const TICK_MS = 10; // USER_HZ 100 on Linux
function procCpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
/** Local TCP port → socket inode, for the connections of 127.0.0.1. */
function tcpPorts() {
  const byInode = new Map();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9) byInode.set(f[9], parseInt(f[1].split(':')[1], 16));
  }
  return byInode;
}
/** The local ports of the TCP sockets process `pid` holds (its pg connections among them). */
function portsOf(pid, byInode) {
  const ports = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && byInode.has(m[1])) ports.add(byInode.get(m[1]));
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    /* gone */
  }
  return ports;
}
/**
 * Per process: the api, the worker, this bench (client), and the PostgreSQL backends of the bench
 * database by whose connection they serve (pg:api, pg:worker, pg:bench), from the backend's
 * client port in pg_stat_activity.
 */
async function cpuNow() {
  const byInode = tcpPorts();
  const owners = [
    ['api', portsOf(procs[0].pid, byInode)],
    ['worker', portsOf(procs[1].pid, byInode)],
  ];
  const portOf = new Map((await q(`SELECT pid, client_port FROM pg_stat_activity WHERE datname = $1`, [db.name])).map((r) => [String(r.pid), r.client_port]));
  const pg = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || !portOf.has(d)) continue;
    const port = portOf.get(d);
    const owner = owners.find(([, ports]) => ports.has(port))?.[0] ?? 'bench';
    pg.set(d, { owner, ms: procCpuMs(d) });
  }
  const self = process.cpuUsage();
  return { api: procCpuMs(procs[0].pid), worker: procCpuMs(procs[1].pid), client: (self.user + self.system) / 1000, pg };
}
/** CPU ms since `a` per part; a backend that ended meanwhile is lost, one that began counts from 0. */
async function cpuSince(a) {
  const b = await cpuNow();
  const out = { api: b.api - a.api, worker: b.worker - a.worker, client: b.client - a.client, 'pg:api': 0, 'pg:worker': 0, 'pg:bench': 0 };
  for (const [pid, { owner, ms }] of b.pg) out[`pg:${owner}`] += ms - (a.pg.get(pid)?.ms ?? 0);
  return out;
}

const awaiting = async (region) => (await get(`/stats/dashboard?region=${region}&year=${Y}`)).self.filings.progress.awaitingReview;

// ---------------------------------------------------------------------------------------------
// A. The product
// ---------------------------------------------------------------------------------------------

let cursor = 0;
async function productRound(C) {
  const wallStart = new Date();
  const counties = [...new Set(productPool.slice(cursor).map((e) => e.county))];
  // Each county's 待审核 before the round, read from the dashboard itself.
  const before = new Map();
  for (const c of counties) before.set(c, await awaiting(c));
  const provinceBefore = await awaiting('420000');

  const lat = [];
  const codes = {};
  const ok = []; // { id, county, at }
  let hangs = 0;
  let errors = 0;
  const doneByCounty = new Map(); // county → 2xx times (ms, ascending)
  const markers = []; // { county, at, need, shownAt }
  let lastMarker = 0;
  const t0 = performance.now();
  const stopAt = t0 + SECONDS * 1000;
  const loadStart = load();
  agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const cpu0 = await cpuNow();

  async function client() {
    while (performance.now() < stopAt && cursor < productPool.length) {
      const i = cursor++;
      const e = productPool[i];
      const s = sessions.get(e.id);
      const t = performance.now();
      try {
        const res = await post(
          `/annual-reports/by-enterprise/${e.id}/${Y}/submit`,
          { 'content-type': 'application/json', authorization: `Bearer ${token(s.user_id, s.session_id)}` },
          JSON.stringify({ data: report(i), version: 0, explanation: EXPLANATION }),
          REQUEST_TIMEOUT_MS,
        );
        const text = res.text;
        const at = performance.now();
        if (res.status >= 300 && !codes[res.status]) log(`  first ${res.status}: ${text.slice(0, 300)}`);
        lat.push(at - t);
        codes[res.status] = (codes[res.status] ?? 0) + 1;
        if (res.status >= 200 && res.status < 300) {
          ok.push({ id: e.id, county: e.county, at });
          const list = doneByCounty.get(e.county) ?? [];
          list.push(at);
          doneByCounty.set(e.county, list);
          if (at - lastMarker >= 1000) {
            lastMarker = at;
            markers.push({ county: e.county, at, need: before.get(e.county) + list.length, shownAt: null });
          }
        }
      } catch (err) {
        if (err.name === 'TimeoutError') hangs++;
        else {
          if (!errors) log(`  first error: ${err.stack ?? err}`);
          errors++;
        }
      }
    }
  }

  // The prober: each open marker's county dashboard, every 250 ms.
  let probing = true;
  const prober = (async () => {
    while (probing || markers.some((m) => m.shownAt === null)) {
      const open = markers.filter((m) => m.shownAt === null);
      const byCounty = new Map();
      for (const m of open) byCounty.set(m.county, [...(byCounty.get(m.county) ?? []), m]);
      await Promise.all(
        [...byCounty].map(async ([county, ms]) => {
          try {
            const n = await awaiting(county);
            const now = performance.now();
            for (const m of ms) if (n >= m.need) m.shownAt = now;
          } catch {
            /* a slow probe is retried */
          }
        }),
      );
      if (!probing && performance.now() - stopAt > CATCH_UP_LIMIT_MS) break;
      await sleep(250);
    }
  })();

  await Promise.all(Array.from({ length: C }, client));
  const burstEnd = performance.now();
  const loadEnd = load();
  const cpu = await cpuSince(cpu0);
  probing = false;
  agent.destroy();

  // Catch-up: the outbox relayed and done (nothing pending or in flight) and the province dashboard showing every 2xx.
  let caughtUpMs = null;
  const want = provinceBefore + ok.length;
  while (performance.now() - burstEnd < CATCH_UP_LIMIT_MS) {
    const [{ pending }] = await q(
      `SELECT ((SELECT count(*) FROM outbox WHERE relayed_at IS NULL)
             + (SELECT count(*) FROM outbox WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL))::int AS pending`,
    );
    const shown = await awaiting('420000').catch(() => -1);
    if (pending === 0 && shown >= want) {
      caughtUpMs = performance.now() - burstEnd;
      break;
    }
    await sleep(250);
  }
  await prober;

  // Every 2xx: one submitted report row and one stats.refresh outbox row relayed and done (a
  // stats.refresh row is done when the relay has recorded it in stat_dirty; issue 18 item 9).
  const ids = ok.map((o) => o.id);
  const [integrity] = await qHashed(
    `WITH ids AS (SELECT unnest($1::uuid[]) AS id)
     SELECT (SELECT count(*) FROM annual_report r JOIN ids ON ids.id = r.enterprise_id WHERE r.year = $2 AND r.status = 'submitted')::int AS reports,
            (SELECT count(*) FROM outbox o JOIN ids ON ids.id::text = o.payload->>'enterpriseId'
              WHERE o.job_name = 'stats.refresh' AND o.payload->>'reason' = 'annual_report.submit')::int AS outbox,
            (SELECT count(*) FROM outbox o JOIN ids ON ids.id::text = o.payload->>'enterpriseId'
              WHERE o.job_name = 'stats.refresh' AND o.payload->>'reason' = 'annual_report.submit'
                AND o.relayed_at IS NOT NULL AND o.done_at IS NOT NULL AND o.failed_at IS NULL)::int AS relayed`,
    [ids, Y],
  );
  const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status,
    () => 'no answer',
  );
  // Full rebuilds the worker ran during the round and its catch-up, and the drains that rolled the
  // day forward (the first after midnight in China; BENCH_ROLLOVER): changes wait for them, so a
  // round that crosses that moment says so instead of showing an unexplained p95.
  const rebuilds = await q(
    `SELECT id, kind, trigger, round(extract(epoch FROM coalesce(finished_at, now()) - started_at)::numeric, 1)::float8 AS seconds
       FROM stat_run WHERE (kind = 'full' OR trigger LIKE '%:roll') AND started_at >= $1 ORDER BY id`,
    [wallStart],
  );
  const marked = markers.filter((m) => m.shownAt !== null).map((m) => m.shownAt - m.at);
  return {
    rebuilds,
    kind: 'product',
    C,
    seconds: (burstEnd - t0) / 1000,
    requests: lat.length + hangs + errors,
    ok: ok.length,
    rps: ok.length / ((burstEnd - t0) / 1000),
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    p99: pct(lat, 99),
    codes,
    hangs,
    errors,
    markers: markers.length,
    unseen: markers.length - marked.length,
    dashP50: pct(marked, 50),
    dashP95: pct(marked, 95),
    dashMax: Math.max(...marked),
    caughtUpMs,
    integrity: { ...integrity, expected: ok.length },
    health,
    load: `${loadStart} → ${loadEnd}`,
    cpu,
    ranDry: cursor >= productPool.length,
  };
}

// ---------------------------------------------------------------------------------------------
// B. The raw limit
// ---------------------------------------------------------------------------------------------

async function rawRound(C) {
  const raw = new pg.Pool({ connectionString: db.databaseUrl, max: POOL });
  let next = 0;
  const lat = [];
  let errors = 0;
  const t0 = performance.now();
  const stopAt = t0 + SECONDS * 1000;
  const loadStart = load();
  const cpu0 = await cpuNow();
  async function client() {
    while (performance.now() < stopAt) {
      const i = next++;
      const e = { id: randomUUID() };
      const t = performance.now();
      const c = await raw.connect();
      try {
        await c.query('BEGIN');
        await c.query(
          `INSERT INTO bench_raw_report (enterprise_id, region_path, year, status, data, explanation, submitted_at, created_at, updated_at)
           VALUES ($1, '/420000/', $2, 'submitted', $3, $4, now(), now(), now())`,
          [e.id, Y, report(i), EXPLANATION],
        );
        await c.query(`INSERT INTO bench_raw_outbox (queue, job_name, payload) VALUES ('stats', 'stats.refresh', $1)`, [
          { reason: 'annual_report.submit', enterpriseId: e.id, years: [Y] },
        ]);
        await c.query('COMMIT');
        lat.push(performance.now() - t);
      } catch (err) {
        if (!errors) log(`  first raw error: ${err.message}`);
        errors++;
        await c.query('ROLLBACK').catch(() => {});
      } finally {
        c.release();
      }
    }
  }
  await Promise.all(Array.from({ length: C }, client));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = await cpuSince(cpu0);
  await raw.end();
  return { kind: 'raw', C, seconds, ok: lat.length, rps: lat.length / seconds, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), errors, load: `${loadStart} → ${load()}`, cpu };
}

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------

/** "api a / worker w / pg p / client c = total t" ms of CPU per stored row (raw: pg and client only). */
function cpuPer(r) {
  const per = (ms) => (r.ok ? ms / r.ok : NaN);
  const parts = r.kind === 'raw' ? ['pg:bench', 'client'] : ['api', 'pg:api', 'worker', 'pg:worker', 'client'];
  return `${parts.map((k) => `${k} ${per(r.cpu[k]).toFixed(2)}`).join(' / ')} = ${per(cpuTotal(r)).toFixed(2)}`;
}
const cpuTotal = (r) =>
  r.kind === 'raw' ? r.cpu['pg:bench'] + r.cpu.client : r.cpu.api + r.cpu['pg:api'] + r.cpu.worker + r.cpu['pg:worker'] + r.cpu.client;

const results = [];
try {
  log(`starting the api and the worker${COMPARE ? `; each round also runs them with ${JSON.stringify(COMPARE)}` : ''}`);
  if (!COMPARE) await startProduct();
  const variants = COMPARE ? [['product', {}], ['compare', COMPARE]] : [['product', null]];
  for (const C of CONCURRENCY) {
    for (let r = 1; r <= ROUNDS; r++) {
      // With a comparison, the order alternates between rounds (AB, BA, …).
      for (const [kind, extra] of r % 2 || !COMPARE ? variants : [...variants].reverse()) {
        // Well above any round's rate so far (1,350/s at C=200, 2026-12-06): a round never runs dry mid-way.
        if (productPool.length - cursor < 2_000 * SECONDS) {
          await undoSubmits('the rounds before');
          cursor = 0;
        }
        if (extra) await startProduct(extra);
        if (ROLLOVER) await q(`UPDATE stat_current SET as_of = as_of - 1 WHERE year = $1 AND closed_at IS NULL`, [Y]);
        await settle(db.databaseUrl);
        log(`C=${C} round ${r}: ${kind}${ROLLOVER ? `, ${Y}'s snapshot dated yesterday` : ''} (load ${load()})`);
        const a = await productRound(C);
        log(
          `  ${kind}: ${fmt(a.ok)} stored, ${fmt(a.rps, 1)}/s, p95 ${fmt(a.p95)} ms, codes ${JSON.stringify(a.codes)}, hangs ${a.hangs}, ` +
            `dashboard p95 ${fmt(a.dashP95)} ms, caught up ${a.caughtUpMs === null ? 'NO' : `${fmt(a.caughtUpMs)} ms`}, integrity ${JSON.stringify(a.integrity)}`,
        );
        log(`  ${kind} CPU per stored report: ${cpuPer(a)}`);
        for (const rb of a.rebuilds) log(`  ${rb.kind === 'full' ? 'a full rebuild' : 'the day rolled forward'} meanwhile: stat_run ${rb.id} (${rb.trigger}), ${rb.seconds} s`);
        if (a.ranDry) log(`  RAN DRY: all ${fmt(productPool.length)} enterprises with a CQO in post and no ${Y} report have submitted; the rounds after this one have nothing to submit (use a larger BENCH_ENTERPRISES)`);
        results.push({ round: r, ...a, kind });
      }
      await settle(db.databaseUrl);
      log(`C=${C} round ${r}: raw (load ${load()})`);
      const b = await rawRound(C);
      log(`  raw: ${fmt(b.ok)} stored, ${fmt(b.rps, 1)}/s, p95 ${fmt(b.p95)} ms; CPU per stored row: ${cpuPer(b)}`);
      results.push({ round: r, ...b });
    }
  }
} finally {
  await stopAll();
  await pool.end();
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/** Product rounds' hangs, errors and non-2xx answers, together. */
const failures = (rounds) => rounds.reduce((s, r) => s + r.hangs + r.errors + Object.entries(r.codes).filter(([k]) => !k.startsWith('2')).reduce((x, [, v]) => x + v, 0), 0);

const out = [];
out.push('');
out.push(`## Filing burst: ${fmt(N)} enterprises, ${SECONDS} s rounds, pool ${POOL}, year ${Y}`);
out.push('');
out.push('| C | round | kind | stored | /s | p50 ms | p95 ms | p99 ms | non-2xx | hangs | change→dashboard p50 / p95 / max ms (markers) | catch-up ms | integrity (reports / outbox / relayed+done of 2xx) | CPU ms per stored row | load 1/5/15 start → end |');
out.push('|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---|');
for (const r of results) {
  const non2xx = r.codes ? Object.entries(r.codes).filter(([k]) => !k.startsWith('2')).reduce((s, [, v]) => s + v, 0) + r.errors : r.errors;
  out.push(
    `| ${r.C} | ${r.round} | ${r.kind} | ${fmt(r.ok)} | ${fmt(r.rps, 1)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${non2xx} | ${r.hangs ?? ''} | ` +
      (r.kind !== 'raw'
        ? `${fmt(r.dashP50)} / ${fmt(r.dashP95)} / ${fmt(r.dashMax)} (${r.markers}${r.unseen ? `, ${r.unseen} never shown` : ''}${r.rebuilds.length ? `; ${r.rebuilds.map((rb) => `${rb.kind === 'full' ? 'full rebuild' : 'day roll'} ${rb.seconds} s`).join(', ')}` : ''}) | ${r.caughtUpMs === null ? 'not within 180 s' : fmt(r.caughtUpMs)} | ${r.integrity.reports} / ${r.integrity.outbox} / ${r.integrity.relayed} of ${r.integrity.expected} |`
        : ' | | |') +
      ` ${cpuPer(r)} | ${r.load} |`,
  );
}
out.push('');
for (const C of CONCURRENCY) {
  const a = results.filter((r) => r.C === C && r.kind === 'product');
  const b = results.filter((r) => r.C === C && r.kind === 'raw');
  const ratio = median(a.map((r) => r.rps)) / median(b.map((r) => r.rps));
  const bad = failures(a);
  const intact = a.every((r) => r.integrity.reports === r.ok && r.integrity.outbox === r.ok && r.integrity.relayed === r.ok);
  // The goal is judged on the worst round (a median hid the round that crossed midnight in China),
  // and a marker never shown on the dashboard is a miss, not a smaller sample.
  const dash = median(a.map((r) => r.dashP95));
  const dashWorst = Math.max(...a.map((r) => r.dashP95));
  const unseen = a.reduce((n, r) => n + r.unseen, 0);
  out.push(
    `C=${C}: product ${fmt(median(a.map((r) => r.rps)), 1)}/s vs raw ${fmt(median(b.map((r) => r.rps)), 1)}/s (medians) = ${(ratio * 100).toFixed(0)}% of the raw limit ` +
      `(goal ≥ 50%: ${ratio >= 0.5 ? 'met' : 'MISSED'}); errors+hangs ${bad} (goal 0: ${bad === 0 ? 'met' : 'MISSED'}); ` +
      `every 2xx stored once with one relayed and done outbox row: ${intact ? 'yes' : 'NO'}; change→dashboard p95 ${fmt(dash)} ms (median of rounds), worst round ${fmt(dashWorst)} ms` +
      `${unseen ? `, ${unseen} markers never shown` : ''} ` +
      `(goal ≤ 5,000 ms in every round, every marker shown, every round caught up: ${dashWorst <= 5000 && unseen === 0 && a.every((r) => r.caughtUpMs !== null) ? 'met' : 'MISSED'})`,
  );
  if (a.some((r) => r.ranDry)) {
    out.push(`C=${C}: the product rounds RAN DRY (${fmt(productPool.length)} enterprises could submit): the figures above are not a result; run with a larger BENCH_ENTERPRISES`);
  }
  const perRow = (r) => cpuTotal(r) / r.ok;
  const pa = median(a.map(perRow));
  const pb = median(b.map(perRow));
  out.push(`C=${C}: CPU per stored row (medians): product ${pa.toFixed(2)} ms, raw ${pb.toFixed(2)} ms: the product costs ${(pa / pb).toFixed(1)}× the raw row's CPU`);
  const c = results.filter((r) => r.C === C && r.kind === 'compare');
  if (c.length) {
    const pc = median(c.map(perRow));
    out.push(
      `C=${C}: compare (${process.env.BENCH_COMPARE_ENV}): ${fmt(median(c.map((r) => r.rps)), 1)}/s = ${((median(c.map((r) => r.rps)) / median(b.map((r) => r.rps))) * 100).toFixed(0)}% of the raw limit, ` +
        `p95 (median of rounds) ${fmt(median(c.map((r) => r.p95)))} ms against the product's ${fmt(median(a.map((r) => r.p95)))} ms; CPU per stored row ${pc.toFixed(2)} ms; ` +
        `rounds in which it stored more than the product: ${c.filter((x) => x.rps > a.find((y) => y.round === x.round).rps).length} of ${c.length}; ` +
        `errors+hangs ${failures(c)}`,
    );
  }
}
out.push(`total bench time ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${load()}`);
console.log(out.join('\n'));
