import { DataSource } from 'typeorm';
import { DEFAULT_POOL, dataSourceOptions } from './data-source-options';

/** Runs pending migrations; returns the names it ran. Safe to run on every start. */
export async function runMigrations(url: string): Promise<string[]> {
  // A migration may rewrite a large table: no statement timeout here (the api's 30 s would cut it off).
  const ds = new DataSource(dataSourceOptions(url, {}, { ...DEFAULT_POOL, poolSize: 2, statementTimeoutMs: 0 }));
  await ds.initialize();
  try {
    // Serialise concurrent starts (several replicas) on one session-level advisory lock.
    const lock = ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(727001)');
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
      await lock.release();
    }
  } finally {
    await ds.destroy();
  }
}
