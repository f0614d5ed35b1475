#!/usr/bin/env node
// The roster import at 100k rows against its raw floor, interleaved (issue 7, issue 16 bullet 5).
//
//   node tools/build.mjs --server --quiet && node test/bench/roster-import.bench.mjs [--rows 100000] [--rounds 3] [--keep] [--compare DIR]
//
// Migrates a template database once, writes an N-row roster (.xlsx, exceljs streaming writer;
// every 2nd enterprise with its CQO, counties spread over the province), then for each round, in
// this order (ABAB…, so both sides see the same machine):
//   A. the built `cqo import roster FILE` into a fresh copy of the template (N inserts): wall time
//      from process start to exit (Nest start-up and the migration check included) and peak RSS;
//   B. the raw baseline (roster-baseline.mjs) as its own process, on a fresh copy as well, timed
//      the same way as A, from process start to exit: exceljs streaming read of the same file and
//      `COPY … FROM STDIN` (pg-copy-streams) into a bare staging table (25 text columns, no
//      constraints, no indexes) — the floor for "read the sheet, write the rows". `ratio` = A / B.
//   B'. the same baseline inside this process, timed from the COPY's start (`ratioInProcess`, the
//      figure of the sessions before 2026-12-05 evening). From the second round on this process has
//      exceljs loaded and its parser compiled, which no `cqo` process has: round 1's B' was always
//      the slowest, by 1–4 s.
// With --compare DIR (another checkout with its own `dist/`, e.g. a `git worktree` of an older
// commit), each round also runs that build's `cqo import roster` into a fresh copy of a template
// that build migrated, between A and B (A, A', B, B', …).
// Before each timed step the bench waits for PostgreSQL to settle (a CHECKPOINT, then no
// autovacuum worker running), so no step pays for the writes of the one before it.
// The load average is taken before and after every round. After the rounds the same file is
// imported again into the last round's database (N unchanged: the idempotent path).
// Prints one JSON object; the figures go to docs/roster-import.md. Drops its databases
// (--keep leaves the last round's database and the file, and prints where they are).
import { execFile, execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { baseline } from './roster-baseline.mjs';
import { settle } from './settle.mjs';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const BASELINE = join(import.meta.dirname, 'roster-baseline.mjs');
const policy = await import(join(ROOT, 'dist/libs/policy/src/index.js'));
const { ROSTER_COLUMNS, ROSTER_REQUIRED_COLUMNS, computeCreditCodeCheckChar, computeOrgCodeCheckChar } = policy.default ?? policy;
const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const n = arg('--rows', 100_000);
// At least three interleaved rounds (DEVELOPERS.md: a figure from one quiet moment is not a result).
const rounds = Math.max(3, arg('--rounds', 3));
const keep = process.argv.includes('--keep');
const compareDir = process.argv.includes('--compare') ? process.argv[process.argv.indexOf('--compare') + 1] : null;
const OTHER_CLI = compareDir ? join(compareDir, 'dist/apps/cli/src/main.js') : null;
const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `cqo_bench_roster_${Date.now().toString(36)}`;
const dbUrl = (db) => {
  const url = new URL(admin);
  url.pathname = `/${db}`;
  return url.toString();
};
const run = promisify(execFile);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const hasTime = (() => {
  try {
    execFileSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** `cqo import roster FILE` under /usr/bin/time when it is there, for the peak RSS. */
async function cliImport(databaseUrl, file, cli = CLI) {
  const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn' };
  const t0 = performance.now();
  const args = [cli, 'import', 'roster', file];
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...args]] : [process.execPath, args];
  const out = await run(cmd, argv, { env, maxBuffer: 64 << 20 }).catch((e) => e);
  const wall = (performance.now() - t0) / 1000;
  const rss = /maxrss_kb=(\d+)/.exec(out.stderr ?? '')?.[1];
  let result = null;
  try {
    result = JSON.parse(out.stdout);
  } catch {
    process.stderr.write(out.stderr ?? String(out));
  }
  return {
    wallSeconds: Number(wall.toFixed(2)),
    exit: out.code ?? 0,
    peakRssMb: rss ? Math.round(Number(rss) / 1024) : null,
    inserted: result?.inserted,
    updated: result?.updated,
    unchanged: result?.unchanged,
    rejected: result?.rejected?.length,
  };
}

function creditCode(region, i) {
  const body = String(10_000_000 + i).slice(-8);
  const first17 = `91${region}${body}${computeOrgCodeCheckChar(body)}`;
  return first17 + computeCreditCodeCheckChar(first17);
}

async function writeRoster(file, counties) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(file), useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('企业名册');
  ws.addRow(ROSTER_COLUMNS.map((c) => (ROSTER_REQUIRED_COLUMNS.includes(c) ? `${c}*` : c))).commit();
  for (let i = 0; i < n; i += 1) {
    const county = counties[i % counties.length];
    const base = [creditCode(county, i), `基准名册${i}号有限公司`, county, i % 4 ? '否' : '是', ['大型', '中型', '小型', '微型'][i % 4], '民营', 'C', i % 100 ? '' : '2023年长江质量奖'];
    const cqo =
      i % 2
        ? []
        : [`质量官${i}`, i % 3 ? '男' : '女', '1978-09', '副总经理', '高层副职', '大学本科', '质量专业技术人员职业资格', '中级', '是', 10, '2024-03-01', '', `SQ-${i}`, 24, `PX-${i}`, '是', `13${String(100_000_000 + i).slice(-9)}`];
    ws.addRow([...base, ...cqo]).commit();
  }
  ws.commit();
  await wb.commit();
}

/** The baseline as its own process, timed like `cliImport`: from process start to exit. */
async function baselineProcess(databaseUrl, file) {
  const t0 = performance.now();
  const out = await run(process.execPath, [BASELINE, file, databaseUrl, String(ROSTER_COLUMNS.length)], { maxBuffer: 1 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const { rows, stored } = JSON.parse(out.stdout);
  return { wallSeconds: Number(wall.toFixed(2)), rows, stored };
}

const createDb = (db, template) => withClient(admin, (c) => c.query(`CREATE DATABASE ${db}${template ? ` TEMPLATE ${template}` : ''}`));
const dropDb = (db) => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));

const dir = await mkdtemp(join(tmpdir(), 'cqo-roster-bench-'));
const template = `${prefix}_tpl`;
const otherTemplate = `${prefix}_otpl`;
const made = [template];
let kept = null;
await createDb(template);
try {
  execFileSync(process.execPath, [CLI, 'migrate'], { env: { ...process.env, DATABASE_URL: dbUrl(template), NODE_ENV: 'test', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  if (OTHER_CLI) {
    made.push(otherTemplate);
    await createDb(otherTemplate);
    execFileSync(process.execPath, [OTHER_CLI, 'migrate'], { env: { ...process.env, DATABASE_URL: dbUrl(otherTemplate), NODE_ENV: 'test', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  }
  const counties = await withClient(dbUrl(template), async (c) => (await c.query(`SELECT code FROM region WHERE level = 3 AND path LIKE '/420000/%' ORDER BY code`)).rows.map((r) => r.code));
  const file = join(dir, `roster-${n}.xlsx`);
  const tGen = performance.now();
  await writeRoster(file, counties);
  const generateSeconds = Number(((performance.now() - tGen) / 1000).toFixed(1));
  const bytes = (await stat(file)).size;

  const results = [];
  let last = null;
  for (let r = 1; r <= rounds; r += 1) {
    const importDb = `${prefix}_i${r}`;
    const baseDb = `${prefix}_b${r}`;
    made.push(importDb, baseDb);
    await createDb(importDb, template);
    await createDb(baseDb, template);
    const otherDb = `${prefix}_o${r}`;
    if (OTHER_CLI) {
      made.push(otherDb);
      await createDb(otherDb, otherTemplate);
    }
    const loadBefore = load();
    await settle(admin);
    const imp = await cliImport(dbUrl(importDb), file);
    await settle(admin);
    const other = OTHER_CLI ? await cliImport(dbUrl(otherDb), file, OTHER_CLI) : undefined;
    if (OTHER_CLI) await settle(admin);
    const raw = await baselineProcess(dbUrl(baseDb), file);
    await dropDb(baseDb);
    await createDb(baseDb, template);
    await settle(admin);
    const warm = await baseline(dbUrl(baseDb), file, ROSTER_COLUMNS.length);
    const row = {
      round: r,
      loadBefore,
      import: imp,
      ...(other ? { compared: other, comparedRatio: Number((other.wallSeconds / raw.wallSeconds).toFixed(2)) } : {}),
      baseline: raw,
      ratio: Number((imp.wallSeconds / raw.wallSeconds).toFixed(2)),
      baselineInProcess: warm,
      ratioInProcess: Number((imp.wallSeconds / warm.wallSeconds).toFixed(2)),
      loadAfter: load(),
    };
    process.stderr.write(`${JSON.stringify(row)}\n`);
    results.push(row);
    await dropDb(baseDb);
    if (OTHER_CLI) await dropDb(otherDb);
    if (last) await dropDb(last);
    last = importDb;
  }
  const counts = await withClient(dbUrl(last), async (c) => (await c.query(
    `SELECT (SELECT count(*)::int FROM enterprise) AS enterprises, (SELECT count(*)::int FROM appointment WHERE status = 'active') AS appointments,
            (SELECT count(*)::int FROM cqo_person) AS persons, (SELECT count(*)::int FROM enterprise_award) AS awards,
            (SELECT count(*)::int FROM enterprise WHERE name_grams IS NULL OR cardinality(name_grams) = 0) AS without_grams,
            (SELECT count(*)::int FROM outbox WHERE job_name = 'eligibility.refresh') AS eligibility_jobs`,
  )).rows[0]);
  const loadBeforeReimport = load();
  const again = await cliImport(dbUrl(last), file);
  if (keep) kept = { database: dbUrl(last), file };
  else await dropDb(last);
  const out = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (shared)`,
    node: process.version,
    rows: n,
    file: { bytes, mib: Number((bytes / 1024 / 1024).toFixed(2)), generateSeconds },
    baselineMethod: 'exceljs stream read + COPY … FROM STDIN (pg-copy-streams) into a bare table: its own process, start to exit (ratio); and inside the bench process, the read and COPY alone (ratioInProcess)',
    rounds: results,
    ratios: results.map((r) => r.ratio),
    medianRatio: median(results.map((r) => r.ratio)),
    ratiosInProcess: results.map((r) => r.ratioInProcess),
    medianRatioInProcess: median(results.map((r) => r.ratioInProcess)),
    ...(OTHER_CLI ? { compared: compareDir, comparedRatios: results.map((r) => r.comparedRatio), comparedMedianRatio: median(results.map((r) => r.comparedRatio)) } : {}),
    dbAfterImport: counts,
    reimport: { loadBefore: loadBeforeReimport, ...again },
    kept,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} finally {
  for (const db of made) if (!kept || dbUrl(db) !== kept.database) await dropDb(db);
  if (!kept) await rm(dir, { recursive: true, force: true });
}
