import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@cqo/server-database';
import { testEnv, withDatabase } from './test-env';

/** Creates `<run database>_<suffix>` (global teardown drops it) and answers the admin's URL of it. */
async function createRunDatabase(suffix: string): Promise<string> {
  const env = testEnv();
  const name = `${env.databaseName}_${suffix}`;
  const admin = new Client({ connectionString: env.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabase(env.adminUrl, name);
}

/**
 * A migrated database of its own for a test file that changes province-wide settings (the
 * policy schedule), so files running in parallel on the run's database are not affected.
 * Named after the run's database, so global teardown drops it. Answers the app role's URL.
 */
export async function privateDatabase(suffix: string): Promise<string> {
  // Migrated by the owner; the run's app role (a member of cqo_app, which the migration granted
  // its privileges on this database) connects: the app's URL. `asOwner(url)` to tamper.
  const ownerUrl = await createRunDatabase(suffix);
  await runMigrations(ownerUrl);
  return withDatabase(testEnv().databaseUrl, new URL(ownerUrl).pathname.slice(1));
}

/**
 * A database of its own seeded with the demo province as `npm start` seeds it (`cqo seed:demo
 * --enterprises n` through the built CLI: migrations, accounts, reports, the snapshots built).
 * Named after the run's database, so global teardown drops it. Answers the owner's URL.
 */
export async function seededDemoDatabase(suffix: string, enterprises: number): Promise<string> {
  const url = await createRunDatabase(suffix);
  execFileSync(process.execPath, [join(__dirname, '../../dist/apps/cli/src/main.js'), 'seed:demo', '--enterprises', String(enterprises)], {
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
    stdio: 'ignore',
  });
  return url;
}
