import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm start` keeps its embedded database and Redis files. */
export function dataRoot(): string {
  return resolve(process.env.CQO_DATA_DIR ?? join(process.cwd(), '.data'));
}

/**
 * DATABASE_URL as the server reads it; without it, the embedded cluster `npm start` runs, if it
 * is running now.
 */
export function databaseUrlOrExit(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const portFile = join(dataRoot(), 'pg-port');
  const pid = join(dataRoot(), 'pg', 'postmaster.pid');
  if (existsSync(portFile) && existsSync(pid)) {
    const url = `postgres://postgres:postgres@127.0.0.1:${readFileSync(portFile, 'utf8').trim()}/cqo`;
    process.env.DATABASE_URL = url;
    return url;
  }
  process.stderr.write('DATABASE_URL is not set and the embedded database of `npm start` is not running.\nSet DATABASE_URL=postgres://user:pass@host:5432/db or run `npm start` first.\n');
  process.exit(2);
}
