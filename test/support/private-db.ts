import { Client } from 'pg';
import { runMigrations } from '@cqo/server-database';
import { testEnv, withDatabase } from './test-env';

/**
 * A migrated database of its own for a test file that changes province-wide settings (the
 * policy schedule), so files running in parallel on the run's database are not affected.
 * Named after the run's database, so global teardown drops it. Answers the app role's URL.
 */
export async function privateDatabase(suffix: string): Promise<string> {
  const env = testEnv();
  const name = `${env.databaseName}_${suffix}`;
  const admin = new Client({ connectionString: env.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  // Migrated by the owner; the run's app role (a member of cqo_app, which the migration granted
  // its privileges on this database) connects: the app's URL. `asOwner(url)` to tamper.
  await runMigrations(withDatabase(env.adminUrl, name));
  return withDatabase(env.databaseUrl, name);
}
