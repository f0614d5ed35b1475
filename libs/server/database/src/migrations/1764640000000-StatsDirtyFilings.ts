import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mark of `stat_dirty` made only by annual-report changes (save, submit, accept, return) needs
 * only the county's filing counts recounted, not its enterprises, CQOs and training ledger: at the
 * year-end rush that is most marks, and it turns a province-wide recount of many seconds into one
 * of the reports and appointments. A mark stays filings-only while every change merged into it is.
 */
export class StatsDirtyFilings1764640000000 implements MigrationInterface {
  name = 'StatsDirtyFilings1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stat_dirty ADD COLUMN filings_only boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stat_dirty DROP COLUMN filings_only`);
  }
}
