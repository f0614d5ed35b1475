import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An award may be recorded without its year (issue 17): SPEC §8 lets 获奖情况 name an award with
 * its year optional (`长江质量奖` as well as `2023年长江质量奖`). A null year means "held, year not
 * known"; by §8 (an enterprise's first known state is taken to hold before it too) it counts for
 * every year. Still one row per (enterprise, award, year), an undated one included.
 */
export class EnterpriseAwardUndated1764670000000 implements MigrationInterface {
  name = 'EnterpriseAwardUndated1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enterprise_award ALTER COLUMN year DROP NOT NULL;
      ALTER TABLE enterprise_award DROP CONSTRAINT enterprise_award_enterprise_id_award_year_key;
      ALTER TABLE enterprise_award ADD CONSTRAINT enterprise_award_enterprise_id_award_year_key UNIQUE NULLS NOT DISTINCT (enterprise_id, award, year);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM enterprise_award WHERE year IS NULL;
      ALTER TABLE enterprise_award DROP CONSTRAINT enterprise_award_enterprise_id_award_year_key;
      ALTER TABLE enterprise_award ADD CONSTRAINT enterprise_award_enterprise_id_award_year_key UNIQUE (enterprise_id, award, year);
      ALTER TABLE enterprise_award ALTER COLUMN year SET NOT NULL;
    `);
  }
}
