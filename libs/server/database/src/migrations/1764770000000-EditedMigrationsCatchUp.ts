import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Brings a database migrated before two landed migrations were edited to the shape they now create
 * (issue 19 item 6). Idempotent: on a database migrated after the edits it changes nothing.
 *
 * - 1763900000000-Appointments first created a pg_trgm index `enterprise_name_trgm_idx`; d483980
 *   replaced it with the generated `enterprise.name_grams` column (cqo_name_grams, which
 *   1764630000000 redefines), its GIN index, and two partial appointment indexes. A database
 *   migrated on the first version has no `name_grams`, so every name search failed.
 * - 1764300000000-StatsTrainingYearIndex first created `training_record_year_idx` without `id` in
 *   INCLUDE; e91d8ab added it (the rebuild reads it index-only). Same name, so it is rebuilt when
 *   its definition lacks `id`.
 *
 * Landed migrations are pinned by SHA-256 in migrations.spec.ts so this cannot happen again.
 */
export class EditedMigrationsCatchUp1764770000000 implements MigrationInterface {
  name = 'EditedMigrationsCatchUp1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enterprise ADD COLUMN IF NOT EXISTS name_grams text[] GENERATED ALWAYS AS (cqo_name_grams(name)) STORED;
      CREATE INDEX IF NOT EXISTS enterprise_name_grams_idx ON enterprise USING gin (name_grams);
      DROP INDEX IF EXISTS enterprise_name_trgm_idx;
      CREATE INDEX IF NOT EXISTS appointment_active_verdict_idx ON appointment (verdict) WHERE status = 'active';
      CREATE INDEX IF NOT EXISTS appointment_disqualified_idx ON appointment (enterprise_id) WHERE status = 'active' AND disqualified;
      DO $$
      BEGIN
        IF EXISTS (
          SELECT 1 FROM pg_indexes
           WHERE schemaname = current_schema() AND indexname = 'training_record_year_idx'
             AND indexdef NOT LIKE '%INCLUDE (person_id, category, hours, id)%'
        ) THEN
          DROP INDEX training_record_year_idx;
        END IF;
      END $$;
      CREATE INDEX IF NOT EXISTS training_record_year_idx ON training_record (end_date) INCLUDE (person_id, category, hours, id) WHERE kind = 'entry';
    `);
  }

  /** Nothing to undo: the shape it brings is the one 1763900000000 and 1764300000000 now create. */
  async down(): Promise<void> {
    // intentionally empty
  }
}
