#!/usr/bin/env node
// Coalesced, incremental statistics at province scale (issue 16: "a refresh of one county at 1M
// takes well under a second"; bursts of changes must not queue hours of recounts).
//
//   node tools/build.mjs --server && node test/bench/stats-refresh.bench.mjs
//   BENCH_ENTERPRISES=20000 node test/bench/stats-refresh.bench.mjs     # quick run while developing
//   BENCH_BURST=500 BENCH_ROUNDS=3                                      # changes per burst, rounds
//
// On the kept province database (test/bench/province-data.mjs; `BENCH_DB` names another; every
// held year is aggregated first if a snapshot is missing or of another day):
//   A. the refresh after one enterprise's change, in this process: its 规上 flag flipped and marked
//      (`markDirty`, as the outbox relay marks it), then `SnapshotService.drain()` timed — the
//      changed enterprise's part counted again, its county and ancestors moved by new − held
//      (`stat_contrib`), the year's run written and swapped in; for the largest county and a median
//      one. F: the county's first change after its parts were dropped, as a rebuild drops them
//      (recount and hold, set-based in the server), timed in each round before A;
//   B. the raw statement over the changed enterprise (`ownCountsYearsSql('enterprises', true)`,
//      bare connection): the least a refresh must read;
//   C. the raw single-county recount statement (`ownCountsYearsSql()` for the county): what every
//      refresh ran before;
//   FABCFABC…, BENCH_ROUNDS rounds, the load average printed with each round.
//   H. holding every county again after a rebuild (`SnapshotService.holdCounties`, what the rebuild
//      job runs after the nightly rebuild) vs the raw statement over every county, interleaved.
//   R. the first drain of a new day (issue 16): the current year's snapshot dated yesterday (as it
//      stands when the day rolls over in China), one change marked, then one drain timed: it rolls
//      the snapshot forward (the enterprises the date moves counted again, every row dated today),
//      where a drain used to rebuild the year (21.9 s at 1M). Against the raw statement over every
//      county (what that rebuild must at least read), interleaved RPRP…, BENCH_ROUNDS rounds; after
//      H, with stat_contrib vacuumed first (as autovacuum leaves it by midnight).
//   N. the nightly recount (`holdCounties({ every: true })`, what the 02:00 job runs once the
//      snapshot is of today): every county counted again in batches, nothing drifted, so no run
//      and no part rewritten; against the raw statement over every county, interleaved NPNP….
//   D. a burst: BENCH_BURST changes (an enterprise's 规上 flag flipped + its `stats.refresh` outbox
//      row, one transaction each, 8 writers) over three counties with the product's worker and api
//      running; time from the last commit until the outbox is relayed and nothing is left marked,
//      and until the county's dashboard shows the last change; stat_run rows written. Every round
//      flips the same enterprises back in the next one, so the data ends as it began.
// It reports; it does not fail on a missed goal.
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { API, CLI, WORKER, chinaToday, provinceDatabase } from './province-data.mjs';
import { settle } from './settle.mjs';

const ROOT = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const run = promisify(execFile);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS || 3));
const BURST = Number(process.env.BENCH_BURST || 500);
const WRITERS = 8;
const log = (msg) => process.stderr.write(`[stats-refresh ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const ms = (x) => `${x.toFixed(0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The kept province database the other benches use (`BENCH_DB` names another).
const db = await provinceDatabase({ log, ...(process.env.BENCH_DB ? { name: process.env.BENCH_DB } : {}) });
const { databaseUrl, env, year: Y } = db;
const benchEnv = { ...env, CQO_REDIS_PREFIX: `bench-refresh-${process.pid}` };
const pool = new pg.Pool({ connectionString: databaseUrl, max: WRITERS + 2 });
const q = async (sql, params) => (await pool.query(sql, params)).rows;

// Every held year built as of today, so a refresh recounts them all (the worst case).
const today = chinaToday();
const heldYears = Array.from({ length: 5 }, (_, i) => Y - 4 + i);
const asOfFor = (y) => (y === Y ? today : `${y}-12-31`);
const current = new Map((await q(`SELECT year, as_of::text AS as_of FROM stat_current`)).map((r) => [Number(r.year), r.as_of]));
const stale = heldYears.filter((y) => current.get(y) !== asOfFor(y));
if (stale.length) {
  log(`aggregating ${stale.join(', ')} (snapshot missing or of another day)`);
  for (const y of stale) await run(process.execPath, [CLI, 'aggregate', '--year', String(y)], { env: benchEnv, maxBuffer: 16 << 20 });
}
await q(`DELETE FROM stat_dirty`);

const counties = await q(
  `SELECT r.code, r.path, count(e.id)::int AS n FROM region r JOIN enterprise e ON e.region_code = r.code
    WHERE r.level = 3 GROUP BY r.code, r.path ORDER BY n DESC`,
);
const largest = counties[0];
const mid = counties[Math.floor(counties.length / 2)];
log(`${counties.length} counties; largest ${largest.code} (${largest.n} enterprises), median ${mid.code} (${mid.n})`);

// ---------------------------------------------------------------------------------------------
// A/B/C: the refresh after one enterprise's change, in process, against raw statements
// ---------------------------------------------------------------------------------------------

Object.assign(process.env, benchEnv, { LOG_LEVEL: 'error' });
const { withPolicyContext } = require(join(ROOT, 'dist/apps/cli/src/infra/policy-context.js'));
const { StatsModule, SnapshotService, ownCountsYearsSql, rolledEnterprises, yearsParams } = require(join(ROOT, 'dist/libs/server/stats/src/index.js'));
const { DataSource } = require('typeorm');

// The years a drain moves: those whose snapshot is of today and not closed (a past year built as
// of its Dec 31 after that day is closed, issue 17; its marks are dropped).
const live = (await q(`SELECT year FROM stat_current WHERE closed_at IS NULL AND as_of = $1 ORDER BY year`, [today])).map((r) => Number(r.year));
const pairs = [];
const rolls = [];
const nights = [];
const holds = [];
await withPolicyContext(async (app) => {
  const snapshots = app.get(SnapshotService);
  const ds = app.get(DataSource);
  const params = await Promise.all(live.map((y) => snapshots.yearParams(ds.manager, y)));
  const raw = await pool.connect();
  await raw.query(`SET jit = off; SET work_mem = '64MB'`);
  // A: the enterprise's 规上 flipped and marked (as the relay marks it), then one drain, timed.
  const refreshOf = (id, tag = '') => async () => {
    await ds.transaction(async (m) => {
      await m.query(`UPDATE enterprise SET above_size = NOT above_size WHERE id = $1`, [id]);
      await snapshots.markDirty(m, [{ reason: 'bench.change', enterpriseId: id }]);
    });
    const t0 = performance.now();
    const { runs } = await snapshots.drain('bench');
    const took = performance.now() - t0;
    const run = await q(`SELECT trigger FROM stat_run WHERE id = $1`, [runs[0]?.runId ?? 0]);
    if (runs.length !== 1 || runs[0].kind !== 'incremental' || runs[0].years.join() !== live.join() || !run[0]?.trigger.endsWith(tag)) {
      throw new Error(`unexpected runs ${JSON.stringify(runs)} (${run[0]?.trigger})`);
    }
    return took;
  };
  try {
    for (const county of [largest, mid]) {
      const [e] = await q(`SELECT id FROM enterprise WHERE region_code = $1 ORDER BY id LIMIT 1`, [county.code]);
      const refresh = refreshOf(e.id);
      // B: the raw statement over the changed enterprise (its part of every count): the least a refresh must read.
      const rawEnterprise = async () => {
        const t0 = performance.now();
        await raw.query(ownCountsYearsSql('enterprises', true), yearsParams(params, [e.id]));
        return performance.now() - t0;
      };
      // C: the raw single-county recount statement (what a refresh ran before: the county as a whole).
      const rawCounty = async () => {
        const t0 = performance.now();
        await raw.query(ownCountsYearsSql(), yearsParams(params, [county.path]));
        return performance.now() - t0;
      };
      // The county's parts dropped (as a rebuild drops them): its next change recounts and holds it (set-based, in the server).
      const unhold = () => q(`WITH d AS (DELETE FROM stat_contrib WHERE region_code = $1 AND year = ANY($2::int[])) DELETE FROM stat_contrib_region WHERE region_code = $1 AND year = ANY($2::int[])`, [county.code, live]);
      await rawEnterprise(); // warm
      await rawCounty();
      for (let round = 1; round <= ROUNDS; round++) {
        await unhold();
        const f = await refresh();
        const a = await refresh();
        const b = await rawEnterprise();
        const c = await rawCounty();
        pairs.push({ county: county.code, n: county.n, round, first: f, refresh: a, raw: b, county_: c, load: load() });
        log(`${county.code} (${county.n}) round ${round}: first change (recount and hold) ${ms(f)}, refresh ${ms(a)}, raw enterprise ${ms(b)}, raw county ${ms(c)}; load ${load()}`);
      }
      // Each round flipped the flag twice: it ends as it began.
    }
    // The raw statement over every county: H's and R's baseline.
    const paths = (await q(`SELECT DISTINCT region_path AS p FROM enterprise WHERE region_path LIKE '/420000/%'`)).map((r) => r.p);
    const rawProvince = async () => {
      const t0 = performance.now();
      await raw.query(ownCountsYearsSql(), yearsParams(params, paths));
      return performance.now() - t0;
    };
    // H: after a rebuild (its parts dropped), the rebuild job holds every county again
    // (`holdCounties`), vs the raw statement over every county (what a province recount reads).
    const [first] = await q(`SELECT id FROM enterprise WHERE region_code = $1 ORDER BY id LIMIT 1`, [largest.code]);
    const largestRefresh = refreshOf(first.id);
    for (let round = 1; round <= ROUNDS; round++) {
      await q(`DELETE FROM stat_contrib WHERE year = ANY($1::int[])`, [live]);
      await q(`DELETE FROM stat_contrib_region WHERE year = ANY($1::int[])`, [live]);
      // Neither timed step pays for the writes before it (the deletes, then the hold's 1M rows).
      await settle(databaseUrl);
      let t0 = performance.now();
      const held = await snapshots.holdCounties('bench');
      const h = performance.now() - t0;
      await settle(databaseUrl);
      const r = await rawProvince();
      const after = await largestRefresh();
      holds.push({ round, hold: h, raw: r, counties: held.counties, enterprises: held.enterprises, runs: held.runs.length, after, load: load() });
      log(`hold round ${round}: ${held.enterprises} enterprises in ${held.counties} counties held in ${ms(h)} (${held.runs.length} runs), raw province statement ${ms(r)}; then the largest county's change ${ms(after)}; load ${load()}`);
    }
    if (ROUNDS % 2 === 1) await largestRefresh();
    // R, after H: every county held, as the rebuild job leaves them (a roll needs that; see SnapshotService.roll).
    // H's rounds left 1M dead parts each; autovacuum clears them in the hours between the 02:00 job
    // and midnight, so they are vacuumed here first (unvacuumed, the roll read its parts 40–90× slower).
    await q('VACUUM (ANALYZE) stat_contrib');
    {
      const [e] = await q(`SELECT id FROM enterprise WHERE region_code = $1 ORDER BY id LIMIT 1`, [mid.code]);
      const rollRefresh = refreshOf(e.id, ':roll');
      const [{ d: yesterday }] = await q(`SELECT ($1::date - 1)::text AS d`, [today]);
      const moved = (await rolledEnterprises(ds.manager, yesterday, today, '/420000/%')).length;
      for (let round = 1; round <= ROUNDS; round++) {
        await q(`UPDATE stat_current SET as_of = $2 WHERE year = $1`, [Y, yesterday]);
        const r = await rollRefresh();
        const p = await rawProvince();
        rolls.push({ round, roll: r, raw: p, moved, load: load() });
        log(`roll round ${round}: first drain of the day (${moved} enterprises the date moves) ${ms(r)}, raw province statement ${ms(p)}; load ${load()}`);
      }
      if (ROUNDS % 2 === 1) await refreshOf(e.id)();
    }
    // N: the nightly recount, interleaved with the raw province statement.
    const partWrites = async () => Number((await q(`SELECT n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables WHERE relname = 'stat_contrib'`))[0].n);
    for (let round = 1; round <= ROUNDS; round++) {
      await settle(databaseUrl);
      const writes0 = await partWrites();
      const t0 = performance.now();
      const recounted = await snapshots.holdCounties('bench', { every: true });
      const n = performance.now() - t0;
      const p = await rawProvince();
      // The statistics collector lags: read the part writes after the raw statement.
      const written = (await partWrites()) - writes0;
      nights.push({ round, recount: n, raw: p, counties: recounted.counties, runs: recounted.runs.length, written, load: load() });
      log(`nightly round ${round}: ${recounted.enterprises} enterprises in ${recounted.counties} counties counted again in ${ms(n)} (${recounted.runs.length} runs, ${written} parts written), raw province statement ${ms(p)}; load ${load()}`);
    }
  } finally {
    raw.release();
  }
}, [StatsModule]);

// ---------------------------------------------------------------------------------------------
// D: a burst of outbox changes through the product's worker, watched on the dashboard
// ---------------------------------------------------------------------------------------------

const children = [];
const spawnProcess = (file, extra = {}) => {
  const p = spawn(process.execPath, [file], { env: { ...benchEnv, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
  p.tail = '';
  p.stderr.on('data', (d) => (p.tail = (p.tail + d).slice(-4000)));
  children.push(p);
  return p;
};
const port = 3800 + Math.floor(Math.random() * 100);
const api = spawnProcess(API, { PORT: String(port) });
spawnProcess(WORKER);
const base = `http://127.0.0.1:${port}/api`;
for (let i = 0; ; i++) {
  if (api.exitCode !== null) throw new Error(`api exited: ${api.tail}`);
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 600) throw new Error('api did not start');
  await sleep(100);
}
const user = `bench-refresh-${Date.now().toString(36)}`;
await run(process.execPath, [CLI, 'user:add', '--username', user, '--role', 'province', '--region', '420000', '--password', 'Bench@pass-2026'], { env: benchEnv });
const { accessToken } = await (
  await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: 'Bench@pass-2026' }) })
).json();
// A user:add account must change its password first (issue 18 item 8), else every route is a 403.
await fetch(`${base}/auth/password`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ currentPassword: 'Bench@pass-2026', newPassword: 'Bench@pass-2026-changed' }) });
const aboveOnDashboard = async (region) =>
  (await (await fetch(`${base}/stats/dashboard?region=${region}&year=${Y}`, { headers: { authorization: `Bearer ${accessToken}` } })).json()).self.enterprises.aboveSize;

// Three counties of different sizes; the same enterprises every round (flipped, then flipped back).
const burstCounties = [counties[Math.floor(counties.length / 4)], mid, counties[Math.floor((counties.length * 3) / 4)]];
const perCounty = Math.ceil(BURST / burstCounties.length);
const targets = [];
for (const c of burstCounties) targets.push(...(await q(`SELECT id, region_code FROM enterprise WHERE region_code = $1 ORDER BY id LIMIT $2`, [c.code, perCounty])));
targets.splice(BURST);
// Interleave the counties so the last change is in a known county.
targets.sort((a, b) => (a.id < b.id ? -1 : 1));
const bursts = [];
for (let round = 1; round <= ROUNDS; round++) {
  const runBefore = Number((await q(`SELECT coalesce(max(id), 0) AS id FROM stat_run`))[0].id);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const c = await pool.connect();
      try {
        while (next < targets.length) {
          const e = targets[next++];
          await c.query('BEGIN');
          await c.query(`UPDATE enterprise SET above_size = NOT above_size, updated_at = now() WHERE id = $1`, [e.id]);
          await c.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('stats', 'stats.refresh', $1)`, [{ reason: 'bench.burst', enterpriseId: e.id }]);
          await c.query('COMMIT');
        }
      } finally {
        c.release();
      }
    }),
  );
  const written = performance.now();
  const last = targets.at(-1).region_code;
  const [want] = await q(`SELECT count(*) FILTER (WHERE above_size)::int AS n FROM enterprise WHERE region_code = $1`, [last]);
  let drained = null;
  let shown = null;
  while (drained === null || shown === null) {
    if (performance.now() - written > 600_000) throw new Error('burst not drained within 10 minutes');
    if (drained === null) {
      const [s] = await q(`SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)::int AS pending, (SELECT count(*) FROM stat_dirty)::int AS dirty`);
      if (s.pending === 0 && s.dirty === 0) drained = performance.now() - written;
    }
    if (shown === null && (await aboveOnDashboard(last)) === want.n) shown = performance.now() - written;
    await sleep(50);
  }
  const runs = await q(`SELECT kind, count(*)::int AS n, sum(extract(epoch FROM finished_at - started_at) * 1000)::int AS ms FROM stat_run WHERE id > $1 GROUP BY kind`, [runBefore]);
  const r = { round, changes: targets.length, writeMs: written - t0, drainedMs: drained, dashboardMs: shown, runs: Object.fromEntries(runs.map((x) => [x.kind, { n: x.n, ms: x.ms }])), load: load() };
  bursts.push(r);
  log(`burst ${round}: ${r.changes} changes written in ${ms(r.writeMs)}; drained ${ms(drained)} after the last, dashboard ${ms(shown)}; runs ${JSON.stringify(r.runs)}; load ${r.load}`);
}
// An odd number of rounds leaves the flags flipped: flip them back (counted like any change).
if (ROUNDS % 2 === 1) {
  for (const e of targets) {
    await q(`WITH u AS (UPDATE enterprise SET above_size = NOT above_size WHERE id = $1) INSERT INTO outbox (queue, job_name, payload) VALUES ('stats', 'stats.refresh', $2)`, [e.id, { reason: 'bench.restore', enterpriseId: e.id }]);
  }
  for (let i = 0; i < 1200 && Number((await q(`SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) + (SELECT count(*) FROM stat_dirty) AS n`))[0].n) > 0; i++) await sleep(100);
}
for (const p of children) if (p.exitCode === null) p.kill('SIGTERM');
await Promise.race([Promise.all(children.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null))), sleep(10_000)]);
await pool.end();

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

console.log(`\nstats-refresh bench — ${db.name}, year ${Y}, held years ${heldYears.join(', ')}; load average now ${load()}`);
console.log(`\nA refresh after one enterprise's change (years ${live.join(', ')}) vs B the raw statement over that enterprise and C the raw county recount statement, ${ROUNDS} interleaved rounds:`);
console.log('F = the county\'s first change after its parts were dropped (recount and hold, set-based), A = the next change (held).');
console.log('| county | enterprises | round | F first change | F ÷ C | A refresh | B raw enterprise | A ÷ B | C raw county recount | A ÷ C | load 1/5/15 |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const p of pairs) console.log(`| ${p.county} | ${p.n} | ${p.round} | ${ms(p.first)} | ${(p.first / p.county_).toFixed(2)}× | ${ms(p.refresh)} | ${ms(p.raw)} | ${(p.refresh / p.raw).toFixed(2)}× | ${ms(p.county_)} | ${(p.refresh / p.county_).toFixed(3)}× | ${p.load} |`);
console.log('\nH: holding every county after a rebuild (the rebuild job) vs the raw statement over every county, interleaved:');
console.log('| round | enterprises held | counties | hold | raw province statement | hold ÷ raw | runs written | next change (largest county) | load 1/5/15 |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const h of holds) console.log(`| ${h.round} | ${h.enterprises} | ${h.counties} | ${ms(h.hold)} | ${ms(h.raw)} | ${(h.hold / h.raw).toFixed(2)}× | ${h.runs} | ${ms(h.after)} | ${h.load} |`);
console.log(`\nR: the first drain of a new day (the snapshot dated yesterday, one change; ${rolls[0]?.moved ?? 0} enterprises the date moves) vs the raw statement over every county (what the rebuild it replaces reads), interleaved:`);
console.log('| round | first drain of the day | raw province statement | drain ÷ raw | load 1/5/15 |');
console.log('|---:|---:|---:|---:|---|');
for (const r of rolls) console.log(`| ${r.round} | ${ms(r.roll)} | ${ms(r.raw)} | ${(r.roll / r.raw).toFixed(3)}× | ${r.load} |`);
console.log('\nN: the nightly recount (every county counted again, nothing drifted) vs the raw statement over every county, interleaved:');
console.log('| round | counties | nightly recount | raw province statement | recount ÷ raw | runs written | parts written | load 1/5/15 |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---|');
for (const n of nights) console.log(`| ${n.round} | ${n.counties} | ${ms(n.recount)} | ${ms(n.raw)} | ${(n.recount / n.raw).toFixed(2)}× | ${n.runs} | ${n.written} | ${n.load} |`);
for (const c of [largest, mid]) {
  const mine = pairs.filter((p) => p.county === c.code);
  console.log(`median ${c.code}: first change ${ms(median(mine.map((p) => p.first)))}, refresh ${ms(median(mine.map((p) => p.refresh)))}, raw enterprise ${ms(median(mine.map((p) => p.raw)))}, raw county ${ms(median(mine.map((p) => p.county_)))}`);
}
console.log(`\nD bursts of ${BURST} outbox changes over ${burstCounties.map((c) => `${c.code} (${c.n})`).join(', ')}, ${WRITERS} writers:`);
console.log('| round | written in | drained after last | dashboard after last | runs (kind: count, total ms) | load 1/5/15 |');
console.log('|---:|---:|---:|---:|---|---|');
for (const b of bursts) console.log(`| ${b.round} | ${ms(b.writeMs)} | ${ms(b.drainedMs)} | ${ms(b.dashboardMs)} | ${Object.entries(b.runs).map(([k, v]) => `${k}: ${v.n}, ${v.ms} ms`).join('; ')} | ${b.load} |`);
