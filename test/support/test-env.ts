import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What global-setup made for this run: its own database and its own Redis key prefix. The app runs
 * as the run's restricted login role (`databaseUrl`, a member of cqo_app: issue 18 item 3), the
 * migrations as the owner (`ownerUrl`, the admin's user on the run's database).
 */
export interface TestEnv {
  adminUrl: string;
  /** The app's role (api, worker, CLI): SELECT/INSERT/UPDATE/DELETE, append-only tables SELECT/INSERT only. */
  databaseUrl: string;
  /** The owner of the schema, on the run's database: migrations, and a test that tampers on purpose. */
  ownerUrl: string;
  /** The run's login role for the app (cluster-wide: named after the run, dropped by global teardown). */
  appRole: string;
  databaseName: string;
  redisUrl: string;
  redisPrefix: string;
}

/**
 * The run's env file. Global setup names one per jest run (and the test workers inherit the
 * variable), so two runs in one checkout never read or drop each other's database.
 */
export function testEnvFile(): string {
  return process.env.CQO_TEST_ENV_FILE || join(__dirname, '../../test-output/.test-env.json');
}

export function testEnv(): TestEnv {
  const file = testEnvFile();
  if (!existsSync(file)) throw new Error('test/support/global-setup.ts did not run');
  return JSON.parse(readFileSync(file, 'utf8')) as TestEnv;
}

/** postgres://…/name for another database on the same server. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The same database as `url` (the app's role), as the owner: for a test that must tamper on purpose. */
export function asOwner(url: string): string {
  const owner = new URL(testEnv().adminUrl);
  const u = new URL(url);
  u.username = owner.username;
  u.password = owner.password;
  return u.toString();
}
