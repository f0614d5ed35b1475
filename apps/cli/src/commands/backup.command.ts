import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig } from '@cqo/server-common';
import { ownerUrlOrExit } from '../infra/runtime-env';

const run = promisify(execFile);
const MANIFEST = 'manifest.json';
const DUMP = 'db.dump';
const FILES = 'files.tar';

/** What `cqo backup` writes beside the dump and the files, and `cqo restore` checks before it touches anything. */
interface Manifest {
  format: 'cqo-backup/1';
  createdAt: string;
  database: { name: string; serverVersion: string; lastMigration: string | null; rows: Record<string, number> };
  files: { dir: string; count: number; bytes: number };
  sha256: Record<string, string>;
}

/**
 * `cqo backup --out DIR` (issue 21): the database in pg_dump's custom format (as the owner,
 * DATABASE_OWNER_URL), the object store's files (CQO_FILES_DIR) as a tar, and a manifest with the
 * row count of every table and the SHA-256 of both. pg_dump comes from PG_BIN (else PATH) and must
 * be at least the server's version. A consistent dump: pg_dump reads one snapshot; files written
 * while it runs may be newer than the dump (they are kept by id, so a newer file is harmless).
 */
export async function backupCommand(opts: { out: string }): Promise<void> {
  const out = resolve(opts.out);
  if (existsSync(out) && readdirSync(out).length) fail(`${out} is not empty: a backup goes into a new or empty directory`);
  mkdirSync(out, { recursive: true });
  const url = ownerUrlOrExit();
  const filesDir = loadConfig().filesDir;
  const started = Date.now();
  const database = await describeDatabase(url);
  await run(pgBin('pg_dump'), ['--format=custom', '--no-owner', `--file=${join(out, DUMP)}`, `--dbname=${url}`], { maxBuffer: 1 << 24 });
  mkdirSync(filesDir, { recursive: true });
  await run('tar', ['-C', filesDir, '-cf', join(out, FILES), '.']);
  const files = walk(filesDir);
  const manifest: Manifest = {
    format: 'cqo-backup/1',
    createdAt: new Date().toISOString(),
    database,
    files: { dir: filesDir, count: files.length, bytes: files.reduce((s, f) => s + statSync(f).size, 0) },
    sha256: { [DUMP]: await sha256(join(out, DUMP)), [FILES]: await sha256(join(out, FILES)) },
  };
  writeFileSync(join(out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(JSON.stringify({ out, ms: Date.now() - started, tables: Object.keys(database.rows).length, files: manifest.files.count, sha256: manifest.sha256 }, null, 2) + '\n');
}

/**
 * `cqo restore --from DIR --database-url URL --files-dir DIR` (issue 21): checks the manifest's
 * SHA-256s first, then restores the dump into URL (an empty database; objects owned by URL's role,
 * the privileges of the app's group role `cqo_app` as they were; in one transaction, so a failed
 * restore leaves it empty) and the files into an empty
 * directory, and compares every table's row count with the manifest. Prints the comparison; exits
 * 1 on any difference.
 */
export async function restoreCommand(opts: { from: string; databaseUrl: string; filesDir: string }): Promise<void> {
  const from = resolve(opts.from);
  const manifestPath = join(from, MANIFEST);
  if (!existsSync(manifestPath)) fail(`${manifestPath} not found: not a cqo backup`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.format !== 'cqo-backup/1') fail(`unknown backup format ${String(manifest.format)}`);
  for (const [name, expected] of Object.entries(manifest.sha256)) {
    const actual = await sha256(join(from, name));
    if (actual !== expected) fail(`${name}: SHA-256 ${actual} does not match the manifest's ${expected}; nothing was restored`);
  }
  const filesDir = resolve(opts.filesDir);
  if (existsSync(filesDir) && readdirSync(filesDir).length) fail(`${filesDir} is not empty: files are restored into a new or empty directory`);
  const target = new Client({ connectionString: opts.databaseUrl });
  await target.connect();
  try {
    const [{ n }] = (await target.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows;
    if (n > 0) fail('the target database is not empty: restore into a new database');
  } finally {
    await target.end();
  }
  const started = Date.now();
  // One transaction: a restore that fails halfway leaves the target empty, ready for another try.
  await run(pgBin('pg_restore'), ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${opts.databaseUrl}`, join(from, DUMP)], { maxBuffer: 1 << 24 });
  mkdirSync(filesDir, { recursive: true });
  await run('tar', ['-C', filesDir, '-xf', join(from, FILES)]);
  const restored = await describeDatabase(opts.databaseUrl);
  const differing = Object.keys({ ...manifest.database.rows, ...restored.rows })
    .filter((t) => manifest.database.rows[t] !== restored.rows[t])
    .map((t) => ({ table: t, backup: manifest.database.rows[t] ?? null, restored: restored.rows[t] ?? null }));
  const files = walk(filesDir).length;
  const ok = differing.length === 0 && files === manifest.files.count;
  process.stdout.write(JSON.stringify({ ok, ms: Date.now() - started, tables: Object.keys(restored.rows).length, files, differing }, null, 2) + '\n');
  if (!ok) process.exit(1);
}

async function describeDatabase(url: string): Promise<Manifest['database']> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const [{ name, version }] = (await c.query(`SELECT current_database() AS name, current_setting('server_version') AS version`)).rows;
    const tables: string[] = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.tablename);
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = Number((await c.query(`SELECT count(*)::bigint AS n FROM "${t.replace(/"/g, '""')}"`)).rows[0].n);
    const last = tables.includes('migrations') ? (await c.query(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`)).rows[0]?.name ?? null : null;
    return { name, serverVersion: version, lastMigration: last, rows };
  } finally {
    await c.end();
  }
}

function pgBin(tool: string): string {
  return process.env.PG_BIN ? join(process.env.PG_BIN, tool) : tool;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : []));
}

function sha256(file: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (b) => h.update(b))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
