#!/usr/bin/env node
// Enterprise list search and CQO filters on a 50k-enterprise province (issue 3: "search and
// filters work on 50k+ enterprises without a full scan").
//
//   npm run build && node test/bench/enterprise-list.bench.mjs [--enterprises 50000]
//
// Seeds a throw-away database with the demo generator, starts the built api, signs in as the
// province and as one city, and times each list request (30 runs, p50/p95). For every request it
// also reports how many sequential scans of `enterprise` Postgres made (pg_stat_user_tables), so
// "no full scan" is measured, not assumed. Results are printed as a Markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const API = join(ROOT, 'dist/apps/api/src/main.js');
const n = Number(process.argv[process.argv.indexOf('--enterprises') + 1] || 50000) || 50000;
const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `cqo_bench_${Date.now().toString(36)}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const port = 3190 + Math.floor(Math.random() * 9);

async function query(conn, sql, params = []) {
  const c = new pg.Client({ connectionString: conn });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

await query(admin, `CREATE DATABASE ${name}`);
let api;
try {
  const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn', CQO_REDIS_PREFIX: name, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' };
  const t0 = performance.now();
  execFileSync(process.execPath, [CLI, 'seed:demo', '--enterprises', String(n)], { env, stdio: 'ignore' });
  const seedSeconds = (performance.now() - t0) / 1000;
  await query(databaseUrl, 'ANALYZE');
  const [counts] = await query(
    databaseUrl,
    `SELECT (SELECT count(*) FROM enterprise)::int AS enterprises, (SELECT count(*) FROM appointment WHERE status = 'active')::int AS active`,
  );

  api = spawn(process.execPath, [API], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/api`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).status < 600) break;
    } catch {
      if (i > 100) throw new Error('api did not start');
      await sleep(200);
    }
  }
  const token = async (username) => {
    const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Cqo@2026demo' }) });
    return (await res.json()).accessToken;
  };
  const users = { province: await token('province'), 'city-420100': await token('city-420100') };
  const [{ fragment }] = await query(databaseUrl, `SELECT substr(name, 3, 2) AS fragment FROM enterprise ORDER BY credit_code LIMIT 1`);

  const cases = [
    ['province', 'first page, no filter', ''],
    ['province', `name contains “${fragment}”`, `q=${encodeURIComponent(fragment)}`],
    ['province', 'credit code', `q=${(await query(databaseUrl, 'SELECT credit_code FROM enterprise LIMIT 1'))[0].credit_code}`],
    ['province', 'cqo=ineligible', 'cqo=ineligible'],
    ['province', 'cqo=disqualified', 'cqo=disqualified'],
    ['province', 'cqo=term-ending', 'cqo=term-ending'],
    ['province', 'cqo=duplicate', 'cqo=duplicate'],
    ['province', 'cqo=none', 'cqo=none'],
    ['province', 'region=420500 (宜昌) + 规上', 'region=420500&aboveSize=true'],
    ['city-420100', 'city: first page', ''],
    ['city-420100', 'city: cqo=attention', 'cqo=attention'],
  ];
  const rows = [];
  for (const [user, label, qs] of cases) {
    const call = () => fetch(`${base}/enterprises?${qs}&pageSize=20`, { headers: { authorization: `Bearer ${users[user]}` } });
    const warm = await call();
    const body = await warm.json();
    await sleep(1100);
    const [before] = await query(databaseUrl, `SELECT seq_scan::int AS s FROM pg_stat_user_tables WHERE relname = 'enterprise'`);
    const times = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      const res = await call();
      await res.arrayBuffer();
      times.push(performance.now() - s);
    }
    await sleep(1100);
    const [after] = await query(databaseUrl, `SELECT seq_scan::int AS s FROM pg_stat_user_tables WHERE relname = 'enterprise'`);
    times.sort((a, b) => a - b);
    rows.push({ user, label, total: body.total, p50: times[14], p95: times[28], seqScans: (after.s - before.s) / 30 });
  }

  console.log(`\n${counts.enterprises} enterprises, ${counts.active} active CQOs; seed:demo ${seedSeconds.toFixed(1)} s\n`);
  console.log('| user | request | rows matched | p50 ms | p95 ms | seq scans of enterprise per request |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.user} | ${r.label} | ${r.total} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.seqScans.toFixed(1)} |`);
} finally {
  api?.kill();
  await sleep(300);
  await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
