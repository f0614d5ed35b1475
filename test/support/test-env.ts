import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What global-setup made for this run: its own database and its own Redis key prefix. */
export interface TestEnv {
  adminUrl: string;
  databaseUrl: string;
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
