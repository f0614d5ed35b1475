#!/usr/bin/env node
// Figures of a past year cost about what the current year's do (issue 17: "a past-year `stats` and
// a past-year export stay within 1.5× of the current-year ones", at 100,000 enterprises).
//
//   node tools/build.mjs --server && node test/bench/as-of.bench.mjs
//   BENCH_ENTERPRISES=20000 node test/bench/as-of.bench.mjs      # quick
//
// Uses the kept bench province of province-data.mjs (built on first use). Y is the current year,
// P the one before, D = Dec 31 of P. A past year is judged as of D: the CQOs by their verdict on D
// (kept in verdict_on after the first judgement), the register by its dated state, the reports by
// their history. For each pair, three interleaved rounds (A B A B A B), the load average beside
// every round:
//   stats  — `StatsService.regionStats(code, Y)` against `(code, P)` for the province and its 市州:
//            what `cqo stats` and the dashboard read (each year's snapshot; P's is closed);
//   count  — `SnapshotService.liveCounts(province, Y, today)` against `(province, P, D)`: the whole
//            province counted live (what an as-of query and a rebuild do), current state against
//            the dated terms;
//   export — `cqo export attachment --region 420100 --year Y` against `--year P` (the built CLI,
//            wall time: bootstrap, 汇总 from the snapshot, the dated 基本情况 rows, the file).
// The first judgement of D (every CQO in post on D, judged and kept) is timed once, on its own.
// Before timing, BENCH_MOVES enterprises (default 1 %) move to another county of their city after D
// and as many others close on Jun 1 of Y (issue 17: a past year counts them in their county of D,
// the current year leaves the closed ones out), once per kept database.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, benchEnv, chinaToday, provinceDatabase } from './province-data.mjs';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const require = createRequire(join(ROOT, 'package.json'));
const run = promisify(execFile);
const N = Number(process.env.BENCH_ENTERPRISES || 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const MOVES = Number(process.env.BENCH_MOVES ?? Math.round(N / 100));
const log = (msg) => process.stderr.write(`[as-of ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const { databaseUrl } = await provinceDatabase({ enterprises: N, log });
const env = benchEnv(databaseUrl, { LOG_LEVEL: 'error' });
const today = chinaToday();
const Y = Number(today.slice(0, 4));
const P = Y - 1;
const D = `${P}-12-31`;
log(`database ${databaseUrl}, Y=${Y}, P=${P}, D=${D}`);

// A fresh start for what this bench measures: no kept verdicts of D, P and Y counted anew.
await withClient(databaseUrl, async (c) => {
  await c.query(`DELETE FROM verdict_on WHERE as_of = $1`, [D]);
  await c.query(`UPDATE stat_current SET closed_at = NULL WHERE year = $1`, [P]);
  const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM enterprise`)).rows;
  const [{ closed }] = (await c.query(`SELECT count(*)::int AS closed FROM enterprise_closure`)).rows;
  if (MOVES > 0 && closed === 0) {
    await c.query('BEGIN');
    await c.query(
      `CREATE TEMP TABLE bench_moved ON COMMIT DROP AS
         SELECT e.id, r2.code, r2.path FROM (SELECT id, region_code FROM enterprise ORDER BY md5(id::text) LIMIT $1) e
           JOIN region r1 ON r1.code = e.region_code
           JOIN LATERAL (SELECT code, path FROM region r WHERE r.parent_code = r1.parent_code AND r.code <> r1.code ORDER BY code LIMIT 1) r2 ON true`,
      [MOVES],
    );
    await c.query(`UPDATE enterprise e SET region_code = m.code, region_path = m.path FROM bench_moved m WHERE m.id = e.id`);
    for (const table of ['appointment', 'violation', 'annual_report']) {
      await c.query(`UPDATE ${table} x SET region_path = m.path FROM bench_moved m WHERE m.id = x.enterprise_id`);
    }
    await c.query(
      `INSERT INTO enterprise_closure (enterprise_id, closed_on, reason, closed_at)
       SELECT id, make_date($2, 6, 1), '注销', now() FROM enterprise WHERE id NOT IN (SELECT id FROM bench_moved) ORDER BY md5(id::text || 'c') LIMIT $1`,
      [MOVES, Y],
    );
    await c.query(`UPDATE enterprise e SET closed_on = c.closed_on, closed_reason = c.reason FROM enterprise_closure c WHERE c.enterprise_id = e.id`);
    await c.query('COMMIT');
    await c.query('ANALYZE enterprise, enterprise_state, enterprise_closure');
  }
  const [{ moved, closings }] = (
    await c.query(`SELECT (SELECT count(DISTINCT enterprise_id) FROM enterprise_state WHERE valid_from > $1)::int AS moved, (SELECT count(*) FROM enterprise_closure)::int AS closings`, [D])
  ).rows;
  log(`${n} enterprises; ${moved} changed after ${D} (moved or closed), ${closings} closings`);
});

Object.assign(process.env, env);
const { withPolicyContext } = require(join(ROOT, 'dist/apps/cli/src/infra/policy-context.js'));
const { StatsModule, SnapshotService, StatsService } = require(join(ROOT, 'dist/libs/server/stats/src/index.js'));

const rows = [];
const time = async (fn) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
async function pair(name, a, b) {
  await a();
  await b(); // warm both (plans, caches) before timing
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [kind, fn] of [['current year', a], ['past year', b]]) {
      const before = load();
      const ms = await time(fn);
      rows.push({ name, round, kind, ms, load: `${before} → ${load()}` });
      log(`${name} round ${round} ${kind}: ${ms.toFixed(0)} ms (load ${before})`);
    }
  }
}

let firstJudgement = 0;
await withPolicyContext(
  async (app) => {
    const snapshots = app.get(SnapshotService);
    const stats = app.get(StatsService);
    const [province] = (await snapshots.provinceRegions()).filter((r) => r.level === 1);
    // The first judgement of D (cold: nothing kept), then P counted as of D (this closes P) and Y.
    firstJudgement = await time(() => snapshots.liveCounts(province, P, D));
    log(`first judgement of ${D} and a live count: ${firstJudgement.toFixed(0)} ms`);
    const built = await snapshots.rebuild({ years: [P, Y], trigger: 'bench' });
    log(`rebuilt ${built.years.join(', ')} in ${built.ms} ms`);
    // The province and each 市州, as the province's dashboard reads them.
    const codes = ['420000', ...(await snapshots.provinceRegions()).filter((r) => r.level === 2).map((r) => r.code)];
    const readAll = (year) => async () => {
      for (const code of codes) await stats.regionStats(code, year);
    };
    await pair('stats', readAll(Y), readAll(P));
    await pair('count', () => snapshots.liveCounts(province, Y, today), () => snapshots.liveCounts(province, P, D));
  },
  [StatsModule],
);

const out = join(tmpdir(), `cqo-as-of-${process.pid}.xlsx`);
const exportYear = (year) => () => run(process.execPath, [CLI, 'export', 'attachment', '--region', '420100', '--year', String(year), '--out', out], { env, maxBuffer: 1 << 24 });
await pair('export', exportYear(Y), exportYear(P));
rmSync(out, { force: true });

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
process.stdout.write(`\nas-of bench: ${N} enterprises (${MOVES} moved after D, ${MOVES} closed in Y), Y=${Y}, P=${P} (as of ${D}); first judgement of ${D}: ${firstJudgement.toFixed(0)} ms\n\n`);
process.stdout.write('| figure | round | year | ms | load 1/5/15 before → after |\n|---|---:|---|---:|---|\n');
for (const r of rows) process.stdout.write(`| ${r.name} | ${r.round} | ${r.kind} | ${r.ms.toFixed(0)} | ${r.load} |\n`);
process.stdout.write('\n');
for (const name of ['stats', 'count', 'export']) {
  const cur = median(rows.filter((r) => r.name === name && r.kind === 'current year').map((r) => r.ms));
  const past = median(rows.filter((r) => r.name === name && r.kind === 'past year').map((r) => r.ms));
  const ratio = past / cur;
  process.stdout.write(`${name}: past ${past.toFixed(0)} ms / current ${cur.toFixed(0)} ms (medians) = ${ratio.toFixed(2)}× (goal ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'MISSED'})\n`);
}
