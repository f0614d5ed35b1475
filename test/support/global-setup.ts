import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureAppLogin, runMigrations, withUser } from '@cqo/server-database';
import { testEnvFile, withDatabase, type TestEnv } from './test-env';

/**
 * One fresh database and one Redis key prefix per test run, so runs never collide. The server
 * comes from TEST_DATABASE_URL (or DATABASE_URL), default the local PostgreSQL on 5432; its user
 * creates the database, runs the migrations as the owner and creates the run's app role.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CQO_TEST_ENV_READY === '1' && existsSync(testEnvFile())) return; // the other project set it up
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  process.env.CQO_TEST_ENV_FILE ||= join(__dirname, `../../test-output/.test-env-${run}.json`);
  const file = testEnvFile();
  const databaseName = `cqo_test_${run}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const ownerUrl = withDatabase(adminUrl, databaseName);
  await runMigrations(ownerUrl);
  // The app runs as a login role of its own, as in production (issue 18 item 3): roles are
  // cluster-wide, so it is named after the run and dropped by global teardown.
  const appRole = `${databaseName}_app`;
  const databaseUrl = withUser(ownerUrl, appRole, randomBytes(12).toString('hex'));
  await ensureAppLogin(ownerUrl, databaseUrl);
  const env: TestEnv = {
    adminUrl,
    databaseUrl,
    ownerUrl,
    appRole,
    databaseName,
    redisUrl: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `cqo-test-${run}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(env, null, 2));
  process.env.CQO_TEST_ENV_READY = '1';
}
