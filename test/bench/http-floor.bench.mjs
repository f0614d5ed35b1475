#!/usr/bin/env node
// The CPU floor of the api's framework for one JSON POST (issue 16: "throughput ≥ 50 % of the raw
// limit"). The filing-burst bench shows how much CPU a stored report may cost for the product to
// reach half the raw INSERT + outbox loop's rate on this machine; this bench measures how much of
// that budget the stack the product is built on (NestJS on Express, chosen by the user) takes
// before any of the product's own code runs.
//
//   node test/bench/http-floor.bench.mjs
//   BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=200      # the defaults
//   BENCH_NEST_FASTIFY=/tmp/fz ...                             # also NestJS on Fastify, installed in /tmp/fz
//
// Interleaved A B A B … for BENCH_ROUNDS (at least 3) rounds, each a server in its own process
// answering autocannon's keep-alive POSTs of a 1 KB JSON body with a 3 KB JSON answer (about the
// sizes of a report submit and its answer):
//   A. a bare `node:http` server: reads the body, JSON.parse, JSON.stringify, writes the answer;
//   B. the same route as a NestJS controller on @nestjs/platform-express, as lean as it gets (the
//      JSON body parser only, no ETag hashing, no X-Powered-By; router, `@Param()`, `@Body()`), and
//      nothing else: no guard, pipe, interceptor, logger, helmet or database;
//   C. with BENCH_NEST_FASTIFY=DIR, the same controller on @nestjs/platform-fastify installed there.
// Prints each round's req/s, p95 and the server's CPU time per request (user + system from /proc,
// which a busy machine changes far less than a rate), with the load average next to it. It
// reports; it does not fail.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS || 3));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 200);
const log = (msg) => process.stderr.write(`[http-floor ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const BODY = JSON.stringify({ version: 0, explanation: '本年度质量工作按计划开展'.repeat(4), data: Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`field${i}`, 'x'.repeat(24)])) });
const ANSWER = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', status: 'submitted', history: Array.from({ length: 12 }, (_, i) => ({ at: new Date(0).toISOString(), actorName: `填报人${i}`, toStatus: 'submitted', reason: 'x'.repeat(150) })) });

/** The one route as a NestJS module (\`r\` is the require the server's NestJS comes from). */
const NEST_APP = `
    r('reflect-metadata');
    const { Controller, Post, Body, Param, Module } = r('@nestjs/common');
    const { NestFactory } = r('@nestjs/core');
    const answer = process.env.ANSWER;
    class SubmitController { submit(id, body) { return { ...JSON.parse(answer), version: body.version + 1 }; } }
    Reflect.decorate([Post(':id/submit'), Reflect.metadata('design:paramtypes', [String, Object])], SubmitController.prototype, 'submit', Object.getOwnPropertyDescriptor(SubmitController.prototype, 'submit'));
    Param('id')(SubmitController.prototype, 'submit', 0);
    Body()(SubmitController.prototype, 'submit', 1);
    Controller('reports')(SubmitController);
    class AppModule {}
    Module({ controllers: [SubmitController] })(AppModule);`;

const SERVERS = {
  bare: `
    const http = require('node:http');
    const answer = process.env.ANSWER;
    http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const out = JSON.stringify({ ...JSON.parse(answer), version: body.version + 1 });
        res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
      });
    }).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('up\\n'));`,
  nest: `
    const r = require;
    ${NEST_APP}
    NestFactory.create(AppModule, { logger: false, bodyParser: false }).then((app) => {
      // As lean as Express gets: only the JSON body parser, no ETag hashing, no X-Powered-By.
      app.useBodyParser('json');
      app.set('etag', false);
      app.disable('x-powered-by');
      return app.listen(Number(process.env.PORT), '127.0.0.1');
    }).then(() => process.stdout.write('up\\n'));`,
  // The same controller on @nestjs/platform-fastify, from the folder BENCH_NEST_FASTIFY names (the
  // product does not depend on it: \`npm i --prefix DIR @nestjs/platform-fastify@11\`).
  fastify: `
    const r = require('node:module').createRequire(process.env.BENCH_NEST_FASTIFY + '/node_modules/');
    ${NEST_APP}
    const { FastifyAdapter } = r('@nestjs/platform-fastify');
    NestFactory.create(AppModule, new FastifyAdapter(), { logger: false }).then((app) => app.listen(Number(process.env.PORT), '127.0.0.1')).then(() => process.stdout.write('up\\n'));`,
};
const KINDS = process.env.BENCH_NEST_FASTIFY ? ['bare', 'nest', 'fastify'] : ['bare', 'nest'];

/** CPU time (user + system, ms) a process has used, from /proc. */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function round(kind, port) {
  const p = spawn(process.execPath, ['-e', SERVERS[kind]], { env: { ...process.env, PORT: String(port), ANSWER, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => String(d).includes('up') && resolve());
    p.on('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/reports/1/submit`;
  const opts = { url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS };
  await autocannon({ ...opts, duration: 2 }); // warm-up (JIT), not counted
  const loadStart = load();
  const cpu0 = cpuMs(p.pid);
  const r = await autocannon({ ...opts, duration: SECONDS });
  const cpu = cpuMs(p.pid) - cpu0;
  const loadEnd = load();
  p.kill();
  await sleep(300);
  const ok = r['2xx'];
  if (r.non2xx || r.errors) throw new Error(`${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { kind, rps: ok / SECONDS, p95: r.latency.p97_5 ?? r.latency.p99, cpuPerReq: cpu / ok, loadStart, loadEnd, ok };
}

const rows = [];
log(`C=${CONNECTIONS}, ${ROUNDS} rounds of ${SECONDS} s, body ${BODY.length} B, answer ${ANSWER.length} B`);
for (let i = 1; i <= ROUNDS; i++) {
  for (const kind of i % 2 ? KINDS : [...KINDS].reverse()) {
    const r = await round(kind, 39_000 + i * KINDS.length + KINDS.indexOf(kind));
    rows.push({ ...r, round: i });
    log(`round ${i} ${kind}: ${r.rps.toFixed(0)}/s, CPU ${r.cpuPerReq.toFixed(3)} ms a request (load ${r.loadStart} → ${r.loadEnd})`);
  }
}
console.log('| round | server | requests | /s | p97.5 ms | server CPU ms a request | load 1/5/15 start → end |');
console.log('|---:|---|---:|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.round} | ${r.kind} | ${r.ok} | ${r.rps.toFixed(0)} | ${r.p95} | ${r.cpuPerReq.toFixed(3)} | ${r.loadStart} → ${r.loadEnd} |`);
const cpu = (k) => median(rows.filter((r) => r.kind === k).map((r) => r.cpuPerReq));
const fastify = KINDS.includes('fastify') ? `, NestJS on Fastify ${cpu('fastify').toFixed(3)} ms (${(cpu('fastify') / cpu('bare')).toFixed(1)}×)` : '';
console.log(`\nmedians of server CPU a request: bare node:http ${cpu('bare').toFixed(3)} ms, NestJS on Express (empty route) ${cpu('nest').toFixed(3)} ms (${(cpu('nest') / cpu('bare')).toFixed(1)}×)${fastify}; load at the end ${load()}`);
