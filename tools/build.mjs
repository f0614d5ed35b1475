#!/usr/bin/env node
// Builds the server side (api, worker, cli and their libs) with swc into dist/, rewriting the
// @cqo/* aliases to relative paths, and the dashboard with vite into dist/apps/web.
//   --server     only the server side          --web     only the dashboard
//   --if-stale   skip a part whose output is newer than its sources
//   --quiet      print nothing on success
//   (--if-stale, as `npm start` runs it, also keeps vite's chunk-size warnings out of the start's output)
import { transformFile } from '@swc/core';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { swcOptions } = createRequire(import.meta.url)('./swc-options.cjs');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const ifStale = args.has('--if-stale');
const doServer = !args.has('--web');
const doWeb = !args.has('--server');
const log = (m) => quiet || process.stdout.write(`[build] ${m}\n`);

const SERVER_DIRS = ['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs/contracts/src', 'libs/policy/src', 'libs/server'];
const WEB_DIRS = ['apps/web', 'libs/web', 'libs/contracts/src', 'libs/policy/src'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const newest = (files) => files.reduce((m, f) => Math.max(m, statSync(f).mtimeMs), 0);

async function buildServer() {
  const sources = SERVER_DIRS.flatMap((d) => walk(join(root, d)));
  const files = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.d.ts'));
  // Data the code imports (e.g. libs/policy's scoring tables) is copied beside the compiled code.
  const data = sources.filter((f) => f.endsWith('.json') && f.includes('/src/'));
  const marker = join(root, 'dist/.server-built');
  if (ifStale && existsSync(marker) && statSync(marker).mtimeMs >= newest([...files, ...data, join(root, 'tsconfig.json')])) return log('server: up to date');
  const started = Date.now();
  for (const file of data) {
    const out = join(root, 'dist', relative(root, file));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(file, out);
  }
  await Promise.all(
    files.map(async (file) => {
      const out = join(root, 'dist', relative(root, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, { ...swcOptions, swcrc: false, sourceMaps: true });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
      if (map) writeFileSync(`${out}.map`, map);
    }),
  );
  writeFileSync(marker, new Date().toISOString());
  log(`server: ${files.length} files in ${Date.now() - started} ms`);
}

function buildWeb() {
  const files = WEB_DIRS.flatMap((d) => walk(join(root, d))).filter((f) => !f.includes('/dist/'));
  const index = join(root, 'dist/apps/web/index.html');
  if (ifStale && existsSync(index) && statSync(index).mtimeMs >= newest(files)) return log('web: up to date');
  const started = Date.now();
  rmSync(join(root, 'dist/apps/web'), { recursive: true, force: true });
  const r = spawnSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'apps/web/vite.config.mts', '--logLevel', quiet || ifStale ? 'error' : 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const { count, raw, br } = precompress(join(root, 'dist/apps/web'));
  log(`web: built in ${Date.now() - started} ms; ${count} files pre-compressed, ${kb(raw)} → ${kb(br)} brotli`);
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

/**
 * Issue 20 item 13: a brotli (.br) and a gzip (.gz) twin of every text file worth it, written once at
 * build time at the highest levels, so the api sends them (Content-Encoding) without compressing on
 * each request. A twin that saves less than a tenth is not written.
 */
function precompress(dir) {
  let count = 0;
  let raw = 0;
  let br = 0;
  for (const file of walk(dir)) {
    if (!/\.(js|mjs|css|html|svg|json|txt|map|ico|woff)$/.test(file)) continue;
    const body = readFileSync(file);
    if (body.length < 1024) continue;
    const brotli = brotliCompressSync(body, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    if (brotli.length > body.length * 0.9) continue;
    writeFileSync(`${file}.br`, brotli);
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    count += 1;
    raw += body.length;
    br += brotli.length;
  }
  return { count, raw, br };
}

if (doServer) await buildServer();
if (doWeb) buildWeb();
