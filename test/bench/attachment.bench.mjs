#!/usr/bin/env node
// The attachment table export at scale (issue 7: "the export takes no more than 1.3× a raw exceljs
// WorkbookWriter writing the same cells; memory stays flat as the rows grow").
//
//   node tools/build.mjs --server && node test/bench/attachment.bench.mjs
//   BENCH_ENTERPRISES=1000000 node test/bench/attachment.bench.mjs   # the 1M run (default 100,000)
//   BENCH_KEEP=1 ...                                                  # keep the database afterwards
//
// Creates its own database (cqo_bench_attachment, dropped first), migrates it with the built cli
// and fills it with set-based SQL: BENCH_ENTERPRISES enterprises spread evenly over Hubei's
// counties, every one with a CQO in post (so every enterprise is a row), 2% with an award, and
// two training records this year for every other CQO. `cqo aggregate` builds the snapshot the 汇总
// sheet reads. Then, for a county (江岸区, ~1%), a city (武汉市, ~13%) and the province (100%):
//   a. `cqo export attachment` (the built CLI: Nest bootstrap, count, 汇总 from the snapshot,
//      styled cells, SHA-256, audit) — wall time of the process and its peak RSS,
//   b. "raw": this file in a child process reading the same SQL through pg-query-stream and
//      writing the same cell values with a bare exceljs WorkbookWriter (number formats only, no
//      borders or fonts, no header layout, no 汇总) — the floor for the same work.
// Peak RSS: the child's own process.resourceUsage().maxRSS (CQO_REPORT_RSS=1 makes the CLI print
// it), cross-checked with VmHWM polled from /proc. It reports; it does not fail on a missed goal.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const require = createRequire(join(ROOT, 'package.json'));

// ---------------------------------------------------------------------------------------------
// Child mode: the raw baseline, `BENCH_RAW_QUERY={sql,params} node attachment.bench.mjs --raw <databaseUrl> <out>`.
// ---------------------------------------------------------------------------------------------
if (process.argv[2] === '--raw') {
  // The SQL and its parameters come from the driver (the repository module would load Nest here).
  const [databaseUrl, out] = process.argv.slice(3);
  const { sql, params } = JSON.parse(process.env.BENCH_RAW_QUERY);
  const ExcelJS = require('exceljs');
  const pg = require('pg');
  const QueryStream = require('pg-query-stream');
  const { DETAIL_COLUMNS, NUM_FMT, detailCells } = require(join(ROOT, 'dist/libs/server/attachment/src/attachment-layout.js'));
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('基本情况');
  const styles = DETAIL_COLUMNS.map((col) => (NUM_FMT[col.kind] ? { numFmt: NUM_FMT[col.kind] } : {}));
  const stream = c.query(new QueryStream(sql, params));
  let n = 0;
  for await (const r of stream) {
    const row = ws.getRow(++n);
    const cells = detailCells(n, r);
    for (let i = 0; i < cells.length; i++) {
      if (cells[i] === null) continue;
      const cell = row.getCell(i + 1);
      cell.value = cells[i];
      cell.style = styles[i];
    }
    row.commit();
  }
  ws.commit();
  await wb.commit();
  await c.end();
  process.stdout.write(JSON.stringify({ rows: n, ms: performance.now() - t0 }) + '\n');
  process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Driver mode.
// ---------------------------------------------------------------------------------------------
const N = Number(process.env.BENCH_ENTERPRISES || 100_000);
const KEEP = process.env.BENCH_KEEP === '1';
const PROVINCE = '420000';
const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = process.env.BENCH_DB || 'cqo_bench_attachment';
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', CQO_PROVINCE: PROVINCE, LOG_LEVEL: 'error', JWT_SECRET: 'bench-secret-0123456789abcdef-0123456789abcdef' };
const log = (msg) => process.stderr.write(`[attachment-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n, d = 0) => Number(n).toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const chinaToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** Runs a node child; returns wall ms, stdout, and peak RSS in MiB (its own maxRSS, and VmHWM polled). */
function measure(args, childEnv) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      const maxRss = Number(/maxRSS=(\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ ms, stdout, rssMiB: Math.max(maxRss, hwm) / 1024 });
    });
  });
}

async function cli(...args) {
  const r = await measure([CLI, ...args], env);
  return JSON.parse(r.stdout);
}

async function generate(c, Y) {
  const step = async (label, sql) => {
    const t0 = performance.now();
    const res = await c.query(sql);
    const rows = Array.isArray(res) ? res.at(-1).rowCount : res.rowCount;
    log(`  ${label}: ${rows ?? ''} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await c.query(`SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET synchronous_commit = off`);
  await step('counties', `CREATE TEMP TABLE cty AS SELECT (row_number() OVER (ORDER BY code))::int - 1 AS k, code, path FROM region WHERE level = 3 AND path LIKE '/${PROVINCE}/%'`);
  await step(
    'stage',
    `CREATE TEMP TABLE ent AS
       SELECT g.i, gen_random_uuid() AS id, gen_random_uuid() AS pid, c.code, c.path
         FROM generate_series(1, ${N}) AS g(i) JOIN cty c ON c.k = g.i % (SELECT count(*) FROM cty)`,
  );
  const syl = `ARRAY['华','鑫','楚','恒','泰','宏','达','源','丰','盛','通','瑞','星','光','科','信','诚','精','博','汇']`;
  await step(
    'enterprise',
    `INSERT INTO enterprise (id, credit_code, name, region_code, region_path, above_size, size_class, ownership, industry)
     SELECT e.id, '9142' || lpad(e.i::text, 13, '0') || 'X',
            (${syl})[1 + e.i % 20] || (${syl})[1 + (e.i / 20) % 20] || (ARRAY['机械','化工','食品','电子','纺织','建材','汽车零部件','医药'])[1 + (e.i / 400) % 8]
              || (ARRAY['有限公司','股份有限公司','有限责任公司'])[1 + e.i % 3] || e.i::text,
            e.code, e.path, e.i % 3 = 0, (ARRAY['大型','中型','小型','微型'])[1 + e.i % 4], (ARRAY['国有','民营','民营','外资','其他'])[1 + e.i % 5],
            (ARRAY['C','C','C','D','E','F','I','M'])[1 + e.i % 8]
       FROM ent e`,
  );
  await step('enterprise_award', `INSERT INTO enterprise_award (enterprise_id, award, year) SELECT id, '长江质量奖', ${Y - 1} FROM ent WHERE i % 50 = 0`);
  await step(
    'cqo_person',
    `INSERT INTO cqo_person (id, name, phone)
     SELECT pid, (ARRAY['张','王','李','刘','陈','杨','黄','赵'])[1 + i % 8] || (ARRAY['伟','芳','娜','敏','静','强','磊','军'])[1 + (i / 8) % 8] || i::text,
            '13' || lpad(i::text, 9, '0') FROM ent`,
  );
  await step(
    'appointment',
    `INSERT INTO appointment (enterprise_id, region_path, person_id, filing_type, status, name, gender, birth_month, phone, position_title,
                              position_level, concurrent_post, education, qualification_type, qualification_level, quality_related, years_in_quality,
                              appointed_on, term_end, effective_from, authorisation_cert_no, initial_training_hours, filed_at, verdict, evaluated_at)
     SELECT e.id, e.path, e.pid, 'appoint', 'active', p.name, (ARRAY['男','男','女'])[1 + e.i % 3], to_char(date '1965-01-01' + (e.i * 37) % 9000, 'YYYY-MM'),
            p.phone, (ARRAY['副总经理','质量总监','总工程师','质量部部长'])[1 + e.i % 4], (ARRAY['决策层','高层副职','中层','其他'])[1 + e.i % 4], e.i % 4 = 0,
            (ARRAY['大学本科','硕士研究生','大专','博士研究生'])[1 + e.i % 4], (ARRAY['质量专业技术人员职业资格','专业技术职称','无'])[1 + e.i % 3],
            CASE WHEN e.i % 3 = 2 THEN NULL ELSE (ARRAY['初级','中级','副高级','正高级'])[1 + e.i % 4] END, e.i % 5 <> 0, 3 + e.i % 20,
            date '${Y - 1}-01-01' + e.i % 300, date '${Y + 2}-01-01' + e.i % 300, date '${Y - 1}-01-01' + e.i % 300, 'SQ-' || e.i, 24,
            now(), (ARRAY['eligible','eligible','attention','ineligible'])[1 + e.i % 4], now()
       FROM ent e JOIN cqo_person p ON p.id = e.pid`,
  );
  await step(
    'training_record',
    `INSERT INTO training_record (seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours, source, recorded_at, prev_hash, hash)
     SELECT s.seq, 'entry', s.pid, s.id, s.cat, '质量管理专题', '湖北省质量协会', date '${Y}-01-05', date '${Y}-01-08', s.hours, 'provider', now(),
            CASE WHEN s.seq = 1 THEN repeat('0', 64) ELSE encode(sha256(convert_to('bench:' || (s.seq - 1), 'UTF8')), 'hex') END,
            encode(sha256(convert_to('bench:' || s.seq, 'UTF8')), 'hex')
       FROM (SELECT e.pid, e.id, x.cat, x.hours, row_number() OVER (ORDER BY e.i, x.cat) AS seq
               FROM ent e CROSS JOIN (VALUES ('继续教育(第一类)', 16), ('第二类', 32)) AS x(cat, hours) WHERE e.i % 2 = 0) s`,
  );
  await step('analyze', 'ANALYZE');
}

async function main() {
  const { ATTACHMENT_ROWS_SQL, attachmentRowParams } = require(join(ROOT, 'dist/libs/server/attachment/src/attachment.repository.js'));
  const Y = Number(chinaToday().slice(0, 4));
  log(`database ${name}, ${fmt(N)} enterprises (every one with a CQO in post)`);
  await withClient(admin, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  try {
    await measure([CLI, 'migrate'], env);
    const t0 = performance.now();
    await withClient(databaseUrl, (c) => generate(c, Y));
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const built = await cli('aggregate', '--year', String(Y));
    log(`snapshot run ${built.runId} in ${fmt(built.ms)} ms`);

    const results = [];
    for (const region of ['420102', '420100', PROVINCE]) {
      const out = join(tmpdir(), `cqo-bench-attachment-${region}.xlsx`);
      const svc = await measure([CLI, 'export', 'attachment', '--region', region, '--year', String(Y), '--out', out], { ...env, CQO_REPORT_RSS: '1' });
      const summary = JSON.parse(svc.stdout);
      const size = statSync(out).size;
      const path = await withClient(databaseUrl, async (c) => (await c.query('SELECT path FROM region WHERE code = $1', [region])).rows[0].path);
      const query = JSON.stringify({ sql: ATTACHMENT_ROWS_SQL, params: attachmentRowParams(path, Y, summary.asOf) });
      const raw = await measure([join(import.meta.dirname, 'attachment.bench.mjs'), '--raw', databaseUrl, `${out}.raw.xlsx`], { ...env, BENCH_RAW_QUERY: query });
      const rawRows = JSON.parse(raw.stdout).rows;
      if (rawRows !== summary.rows) throw new Error(`raw wrote ${rawRows} rows, the export ${summary.rows}`);
      rmSync(out, { force: true });
      rmSync(`${out}.raw.xlsx`, { force: true });
      const r = { region, rows: summary.rows, exportMs: svc.ms, exportRss: svc.rssMiB, rawMs: raw.ms, rawRss: raw.rssMiB, ratio: svc.ms / raw.ms, mb: size / 1e6 };
      results.push(r);
      log(`${region}: ${fmt(r.rows)} rows, export ${fmt(r.exportMs)} ms / ${fmt(r.exportRss)} MiB, raw ${fmt(r.rawMs)} ms / ${fmt(r.rawRss)} MiB, ×${r.ratio.toFixed(2)}, ${r.mb.toFixed(1)} MB`);
    }

    process.stdout.write(`\nattachment export — ${fmt(N)} enterprises, ${new Date().toISOString()}\n`);
    process.stdout.write(`| region | rows | export (ms) | raw (ms) | export ÷ raw | export peak RSS (MiB) | raw peak RSS (MiB) | file (MB) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n`);
    for (const r of results) {
      process.stdout.write(`| ${r.region} | ${fmt(r.rows)} | ${fmt(r.exportMs)} | ${fmt(r.rawMs)} | ${r.ratio.toFixed(2)} | ${fmt(r.exportRss)} | ${fmt(r.rawRss)} | ${r.mb.toFixed(1)} |\n`);
    }
    const big = results.at(-1);
    process.stdout.write(`\ngoal export ≤ 1.3× raw at ${fmt(big.rows)} rows: ${big.ratio <= 1.3 ? 'met' : 'MISSED'} (×${big.ratio.toFixed(2)})\n`);
  } finally {
    if (!KEEP) await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name}`));
  }
}

await main();
