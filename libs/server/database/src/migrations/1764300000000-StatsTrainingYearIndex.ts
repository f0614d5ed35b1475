import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statistics rebuild totals each person's hours of a year from the training ledger. With the
 * year's entries in one index (end date first, carrying the columns the totals need), that is one
 * range scan of the index instead of a probe per CQO into `training_record_person_idx`.
 */
export class StatsTrainingYearIndex1764300000000 implements MigrationInterface {
  name = 'StatsTrainingYearIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX training_record_year_idx ON training_record (end_date) INCLUDE (person_id, category, hours, id) WHERE kind = 'entry'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX training_record_year_idx`);
  }
}
