import { Client } from 'pg';
import { runMigrations } from '@cqo/server-database';
import { privateDatabase } from '../support/private-db';
import { asOwner } from '../support/test-env';

/**
 * Issue 19 item 6: 1763900000000-Appointments and 1764300000000-StatsTrainingYearIndex were edited
 * after they landed. A database migrated on their first versions has the pg_trgm name index instead
 * of `enterprise.name_grams` (so the enterprise search fails), lacks two appointment indexes, and
 * has `training_record_year_idx` without `id`. Migrating it again (1764770000000) brings it to the
 * shape a fresh database has; run twice, it changes nothing.
 */
describe('migration 1764770000000 brings a database migrated before the edits to the current shape (issue 19 item 6)', () => {
  let db: Client;

  const SHAPE = `
    SELECT indexname, indexdef FROM pg_indexes
     WHERE schemaname = 'public' AND indexname IN ('enterprise_name_grams_idx', 'enterprise_name_trgm_idx',
       'appointment_active_verdict_idx', 'appointment_disqualified_idx', 'training_record_year_idx')
    UNION ALL
    SELECT 'column ' || column_name, generation_expression FROM information_schema.columns
     WHERE table_name = 'enterprise' AND column_name = 'name_grams'
     ORDER BY 1`;
  // The enterprise search's predicate (EnterprisesService.list, q=精诚).
  const SEARCH = `SELECT name FROM enterprise e WHERE e.name_grams @> ARRAY['精诚']::text[] AND e.name LIKE '%精诚%'`;

  beforeAll(async () => {
    const url = asOwner(await privateDatabase('catchup'));
    db = new Client({ connectionString: url });
    await db.connect();
    (db as unknown as { url: string }).url = url;
  });
  afterAll(async () => db?.end());

  const migrateAgain = async () => {
    await db.query(`DELETE FROM migrations WHERE name = 'EditedMigrationsCatchUp1764770000000'`);
    expect(await runMigrations((db as unknown as { url: string }).url)).toEqual(['EditedMigrationsCatchUp1764770000000']);
  };

  it('adds name_grams and the indexes, rebuilds the year index, and the name search works again', async () => {
    const fresh = (await db.query(SHAPE)).rows;
    expect(fresh.map((r) => r.indexname)).toEqual([
      'appointment_active_verdict_idx',
      'appointment_disqualified_idx',
      'column name_grams',
      'enterprise_name_grams_idx',
      'training_record_year_idx',
    ]);

    // The shape the first landed versions (11c4445, fe52969) created.
    await db.query(`
      ALTER TABLE enterprise DROP COLUMN name_grams;
      DROP INDEX appointment_active_verdict_idx;
      DROP INDEX appointment_disqualified_idx;
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX enterprise_name_trgm_idx ON enterprise USING gin (name gin_trgm_ops);
      DROP INDEX training_record_year_idx;
      CREATE INDEX training_record_year_idx ON training_record (end_date) INCLUDE (person_id, category, hours) WHERE kind = 'entry';
      INSERT INTO enterprise (credit_code, name, region_code, region_path, above_size)
        SELECT '91420100MA4K000001', '武汉精诚质量科技有限公司', code, path, true FROM region ORDER BY length(code) DESC, code LIMIT 1;
    `);
    await expect(db.query(SEARCH)).rejects.toThrow(/name_grams/);

    await migrateAgain();
    expect((await db.query(SHAPE)).rows).toEqual(fresh);
    expect((await db.query(SEARCH)).rows).toEqual([{ name: '武汉精诚质量科技有限公司' }]);

    // Idempotent: on the current shape it changes nothing.
    await migrateAgain();
    expect((await db.query(SHAPE)).rows).toEqual(fresh);
  });
});
