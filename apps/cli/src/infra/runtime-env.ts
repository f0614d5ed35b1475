import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureAppLogin, runMigrations, urlUser } from '@cqo/server-database';

/** Where `npm start` keeps its embedded database and Redis files. */
export function dataRoot(): string {
  return resolve(process.env.CQO_DATA_DIR ?? join(process.cwd(), '.data'));
}

/** The embedded cluster's role for the app (created by `npm start`): name, and its password file. */
export const EMBEDDED_APP_ROLE = 'cqo_api';
export function embeddedAppPasswordFile(root = dataRoot()): string {
  return join(root, 'pg-app-password');
}
/** The file naming the embedded cluster's data directory (`<data root>/pg`, or under /var/lib/cqo as root). */
export function embeddedPgDirFile(root = dataRoot()): string {
  return join(root, 'pg-dir');
}

/** The embedded cluster of `npm start`, if it is running now: its owner's and its app's URLs. */
function runningEmbedded(): { ownerUrl: string; appUrl: string } | null {
  const portFile = join(dataRoot(), 'pg-port');
  const dirFile = embeddedPgDirFile();
  const pid = join(existsSync(dirFile) ? readFileSync(dirFile, 'utf8').trim() : join(dataRoot(), 'pg'), 'postmaster.pid');
  if (!existsSync(portFile) || !existsSync(pid)) return null;
  const port = readFileSync(portFile, 'utf8').trim();
  const ownerUrl = `postgres://postgres:postgres@127.0.0.1:${port}/cqo`;
  const passwordFile = embeddedAppPasswordFile();
  // A cluster last started by a version without the app role: the owner, until `npm start` runs again.
  if (!existsSync(passwordFile)) return { ownerUrl, appUrl: ownerUrl };
  const password = readFileSync(passwordFile, 'utf8').trim();
  return { ownerUrl, appUrl: `postgres://${EMBEDDED_APP_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${port}/cqo` };
}

/**
 * DATABASE_URL as the server reads it — the app's restricted role (docs/database-roles.md);
 * without it, the embedded cluster `npm start` runs, if it is running now.
 */
export function databaseUrlOrExit(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const embedded = runningEmbedded();
  if (embedded) {
    process.env.DATABASE_URL = embedded.appUrl;
    process.env.DATABASE_OWNER_URL ||= embedded.ownerUrl;
    return embedded.appUrl;
  }
  process.stderr.write('DATABASE_URL is not set and the embedded database of `npm start` is not running.\nSet DATABASE_URL=postgres://user:pass@host:5432/db or run `npm start` first.\n');
  process.exit(2);
}

/**
 * The role migrations run as: DATABASE_OWNER_URL (the owner of the schema), else DATABASE_URL
 * (a single-role setup, or a database with nothing left to migrate).
 */
export function ownerUrlOrExit(): string {
  const app = databaseUrlOrExit();
  return process.env.DATABASE_OWNER_URL || app;
}

/**
 * Applies pending migrations as the owner. With `provision` (`cqo migrate`, `npm start`) and an
 * owner other than the app's role, also makes sure the app's login role exists and is a member of
 * `cqo_app` (issue 18 item 3). A restricted DATABASE_URL without DATABASE_OWNER_URL can still run
 * every command as long as nothing is left to migrate.
 */
export async function migrateDatabase(opts: { provision?: boolean } = {}): Promise<string[]> {
  const app = databaseUrlOrExit();
  const owner = ownerUrlOrExit();
  let ran: string[];
  try {
    ran = await runMigrations(owner);
  } catch (err) {
    if ((err as { code?: string }).code === '42501' && owner === app) {
      throw new Error(`${(err as Error).message}: DATABASE_URL is the app's restricted role; set DATABASE_OWNER_URL to the owner's to migrate (docs/database-roles.md)`);
    }
    throw err;
  }
  if (opts.provision && urlUser(owner) !== urlUser(app)) await ensureAppLogin(owner, app);
  return ran;
}
