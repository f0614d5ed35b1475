import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { chinaDate, yearOf } from '@cqo/policy';
import { testEnv, withDatabase } from '../support/test-env';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * The backup drill (issue 21): seed a demo province, keep an export in the files directory, back up
 * with `cqo backup`, restore with `cqo restore` into a new database and a new files directory, and
 * compare: every table's row count, the training ledger's and the audit log's hash chains, the
 * statistics, and the kept file's SHA-256. A backup whose dump was altered is refused before
 * anything is restored.
 */
describe('backup and restore drill (issue 21)', () => {
  const env = testEnv();
  const src = `${env.databaseName}_bk_src`;
  const dst = `${env.databaseName}_bk_dst`;
  const bad = `${env.databaseName}_bk_bad`;
  let dir: string;
  const Y = yearOf(chinaDate(new Date()));

  const cqo = async (database: string, filesDir: string, ...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: withDatabase(env.databaseUrl, database),
        DATABASE_OWNER_URL: withDatabase(env.adminUrl, database),
        CQO_FILES_DIR: filesDir,
      },
      maxBuffer: 1 << 26,
    });
    return stdout;
  };
  const json = async (database: string, filesDir: string, ...args: string[]) => JSON.parse(await cqo(database, filesDir, ...args));
  const counts = async (database: string) => {
    const c = new Client({ connectionString: withDatabase(env.adminUrl, database) });
    await c.connect();
    try {
      const tables: string[] = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
      const out: Record<string, number> = {};
      for (const t of tables) out[t] = Number((await c.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
      return out;
    } finally {
      await c.end();
    }
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'cqo-backup-'));
    const admin = new Client({ connectionString: env.adminUrl });
    await admin.connect();
    for (const d of [src, dst, bad]) await admin.query(`CREATE DATABASE ${d}`);
    await admin.end();
    const files = join(dir, 'files');
    await cqo(src, files, 'migrate');
    await cqo(src, files, 'seed:demo', '--enterprises', '150');
    mkdirSync(join(files, 'exports'), { recursive: true });
    await cqo(src, files, 'export', 'attachment', '--region', '420100', '--year', String(Y), '--out', join(files, 'exports', 'wuhan.xlsx'));
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('restores into a new database and files directory with every row, both hash chains, the same figures and the same file', async () => {
    const files = join(dir, 'files');
    const backup = join(dir, 'backup');
    const made = await json(src, files, 'backup', '--out', backup);
    expect(made.sha256['db.dump']).toMatch(/^[0-9a-f]{64}$/);
    expect(made.files).toBe(1);

    const restoredFiles = join(dir, 'restored-files');
    const restored = await json(dst, restoredFiles, 'restore', '--from', backup, '--database-url', withDatabase(env.adminUrl, dst), '--files-dir', restoredFiles);
    expect(restored).toMatchObject({ ok: true, files: 1, differing: [] });
    process.stdout.write(`backup ${made.ms} ms, restore ${restored.ms} ms (150 enterprises)\n`);

    const before = await counts(src);
    expect(before.enterprise).toBe(150);
    expect(before.audit_log).toBeGreaterThan(0);
    expect(await counts(dst)).toEqual(before);
    // The ledgers' chains re-walk on the restored copy, as the app's restricted role.
    expect(await json(dst, restoredFiles, 'verify', 'training')).toMatchObject({ ok: true });
    expect(await json(dst, restoredFiles, 'verify', 'audit')).toMatchObject({ ok: true });
    expect(await json(dst, restoredFiles, 'stats', '--region', '420000', '--year', String(Y))).toEqual(
      await json(src, files, 'stats', '--region', '420000', '--year', String(Y)),
    );
    expect(sha(join(restoredFiles, 'exports', 'wuhan.xlsx'))).toBe(sha(join(files, 'exports', 'wuhan.xlsx')));
  });

  it('refuses a backup whose dump was altered, before restoring anything', async () => {
    const backup = join(dir, 'backup');
    const altered = join(dir, 'altered');
    mkdirSync(altered);
    for (const f of ['manifest.json', 'files.tar']) copyFileSync(join(backup, f), join(altered, f));
    const dump = readFileSync(join(backup, 'db.dump'));
    dump[dump.length - 10] ^= 0xff;
    writeFileSync(join(altered, 'db.dump'), dump);
    const err = await cqo(bad, join(dir, 'bad-files'), 'restore', '--from', altered, '--database-url', withDatabase(env.adminUrl, bad), '--files-dir', join(dir, 'bad-files')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/db\.dump: SHA-256 .* does not match/);
    expect(await counts(bad)).toEqual({});
    expect(existsSync(join(dir, 'bad-files'))).toBe(false);
  });
});
