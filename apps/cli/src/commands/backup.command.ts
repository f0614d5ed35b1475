import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig, s3Settings } from '@cqo/server-common';
import { createFileStorage, S3FileStorage, type FileStorage } from '@cqo/server-storage';
import { ownerUrlOrExit } from '../infra/runtime-env';

const run = promisify(execFile);
const MANIFEST = 'manifest.json';
const DUMP = 'db.dump';
/** The objects, one file each at its key's path (format 2). */
const FILES = 'files';
/** Format 1 kept the files folder as one tar. */
const FILES_TAR = 'files.tar';

/** What `cqo backup` writes beside the dump and the files, and `cqo restore` checks before it touches anything. */
interface Manifest {
  format: 'cqo-backup/1' | 'cqo-backup/2';
  createdAt: string;
  database: { name: string; serverVersion: string; lastMigration: string | null; rows: Record<string, number> };
  /** Format 2: where the objects came from and each one's size and SHA-256. */
  files: { store?: FileStorage['kind']; dir?: string; location?: string; count: number; bytes: number; objects?: { key: string; size: number; sha256: string }[] };
  sha256: Record<string, string>;
}

/**
 * `cqo backup --out DIR` (issue 21): the database in pg_dump's custom format (as the owner,
 * DATABASE_OWNER_URL), every object of the file store (the bucket of CQO_S3_*, else the folder
 * CQO_FILES_DIR) copied into `files/` at its key, and a manifest with the row count of every table
 * and the SHA-256 of the dump and of each object. pg_dump comes from PG_BIN (else PATH) and must
 * be at least the server's version. A consistent dump: pg_dump reads one snapshot; objects written
 * while it runs may be newer than the dump (they are kept by id, so a newer one is harmless).
 */
export async function backupCommand(opts: { out: string }): Promise<void> {
  const out = resolve(opts.out);
  if (existsSync(out) && readdirSync(out).length) fail(`${out} is not empty: a backup goes into a new or empty directory`);
  mkdirSync(out, { recursive: true });
  const url = ownerUrlOrExit();
  const storage = createFileStorage(loadConfig());
  const started = Date.now();
  const database = await describeDatabase(url);
  await run(pgBin('pg_dump'), ['--format=custom', '--no-owner', `--file=${join(out, DUMP)}`, `--dbname=${url}`], { maxBuffer: 1 << 24 });
  const objects: { key: string; size: number; sha256: string }[] = [];
  for await (const o of storage.list()) {
    const target = join(out, FILES, ...o.key.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    const { stream } = await storage.get(o.key);
    const hash = createHash('sha256');
    let size = 0;
    stream.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    await pipeline(stream, createWriteStream(target));
    objects.push({ key: o.key, size, sha256: hash.digest('hex') });
  }
  const manifest: Manifest = {
    format: 'cqo-backup/2',
    createdAt: new Date().toISOString(),
    database,
    files: { store: storage.kind, location: storage.location, count: objects.length, bytes: objects.reduce((s, o) => s + o.size, 0), objects },
    sha256: { [DUMP]: await sha256(join(out, DUMP)) },
  };
  writeFileSync(join(out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  destroy(storage);
  process.stdout.write(
    JSON.stringify({ out, ms: Date.now() - started, tables: Object.keys(database.rows).length, store: storage.location, files: objects.length, bytes: manifest.files.bytes, sha256: manifest.sha256 }, null, 2) + '\n',
  );
}

/**
 * `cqo restore --from DIR --database-url URL (--files-dir DIR | --bucket NAME)` (issue 21): checks
 * the SHA-256 of the dump and of every object first, then restores the dump into URL (an empty
 * database; objects owned by URL's role, the privileges of the app's group role `cqo_app` as they
 * were; in one transaction, so a failed restore leaves it empty) and the objects into an empty
 * folder or an empty (or new) bucket of the object store CQO_S3_* names, and compares every
 * table's row count and the objects with the manifest. Prints the comparison; exits 1 on any
 * difference.
 */
export async function restoreCommand(opts: { from: string; databaseUrl: string; filesDir?: string; bucket?: string }): Promise<void> {
  const from = resolve(opts.from);
  const manifestPath = join(from, MANIFEST);
  if (!existsSync(manifestPath)) fail(`${manifestPath} not found: not a cqo backup`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.format !== 'cqo-backup/1' && manifest.format !== 'cqo-backup/2') fail(`unknown backup format ${String(manifest.format)}`);
  if (!opts.filesDir === !opts.bucket) fail('name the target of the files: --files-dir DIR (a folder) or --bucket NAME (on the object store of CQO_S3_*)');
  for (const [name, expected] of Object.entries(manifest.sha256)) {
    const actual = await sha256(join(from, name));
    if (actual !== expected) fail(`${name}: SHA-256 ${actual} does not match the manifest's ${expected}; nothing was restored`);
  }
  for (const o of manifest.files.objects ?? []) {
    const file = join(from, FILES, ...o.key.split('/'));
    const actual = existsSync(file) ? await sha256(file) : 'missing';
    if (actual !== o.sha256) fail(`${FILES}/${o.key}: SHA-256 ${actual} does not match the manifest's ${o.sha256}; nothing was restored`);
  }
  // The bucket on the store CQO_S3_ENDPOINT and its keys name (whatever CQO_S3_BUCKET says), or the folder.
  const storage = opts.bucket
    ? createFileStorage({ filesDir: '', s3: s3Settings({ ...process.env, CQO_S3_BUCKET: opts.bucket }) })
    : createFileStorage({ filesDir: resolve(opts.filesDir!), s3: null });
  await storage.ensureReady();
  for await (const o of storage.list()) fail(`${storage.location} is not empty (it holds ${o.key}): files are restored into a new or empty folder or bucket`);
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
  if (manifest.format === 'cqo-backup/1') {
    // A format-1 backup: its folder as a tar, unpacked here and stored object by object.
    const tmp = mkdtempSync(join(tmpdir(), 'cqo-restore-'));
    try {
      await run('tar', ['-C', tmp, '-xf', join(from, FILES_TAR)]);
      for (const file of walk(tmp)) await storage.putFile(relative(tmp, file).split(sep).join('/'), file);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    for (const o of manifest.files.objects ?? []) await storage.putFile(o.key, join(from, FILES, ...o.key.split('/')));
  }
  const restored = await describeDatabase(opts.databaseUrl);
  const differing = Object.keys({ ...manifest.database.rows, ...restored.rows })
    .filter((t) => manifest.database.rows[t] !== restored.rows[t])
    .map((t) => ({ table: t, backup: manifest.database.rows[t] ?? null, restored: restored.rows[t] ?? null }));
  // Each object read back from the target and hashed: what was restored is what was backed up.
  let files = 0;
  const mismatched: string[] = [];
  for await (const o of storage.list()) {
    const expected = manifest.files.objects?.find((x) => x.key === o.key);
    const actual = await digest((await storage.get(o.key)).stream);
    if (!manifest.files.objects || actual === expected?.sha256) files += 1;
    else mismatched.push(o.key);
  }
  destroy(storage);
  const ok = differing.length === 0 && mismatched.length === 0 && files === manifest.files.count;
  process.stdout.write(JSON.stringify({ ok, ms: Date.now() - started, tables: Object.keys(restored.rows).length, store: storage.location, files, differing, mismatched }, null, 2) + '\n');
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
  return digest(createReadStream(file));
}

function digest(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    stream
      .on('data', (b: Buffer) => h.update(b))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

/** The SDK's sockets would keep the command alive a while after its work. */
function destroy(storage: FileStorage): void {
  if (storage instanceof S3FileStorage) storage.destroy();
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
