import { existsSync, rmSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { testEnv, testEnvFile } from './test-env';

/** Drops the run's databases (the main one and any the tests made with its name as prefix), its app role and Redis keys. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(testEnvFile())) return;
  const env = testEnv();
  const admin = new Client({ connectionString: env.adminUrl });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${env.databaseName}%`]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  // The run's app role: its privileges went with the databases (the group role cqo_app stays, shared).
  if (env.appRole) await admin.query(`DROP ROLE IF EXISTS "${env.appRole}"`).catch(() => undefined);
  await admin.end();
  const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis unreachable: nothing of ours to clean
  } finally {
    redis.disconnect();
  }
  rmSync(testEnvFile(), { force: true });
  delete process.env.CQO_TEST_ENV_FILE;
  delete process.env.CQO_TEST_ENV_READY;
}
