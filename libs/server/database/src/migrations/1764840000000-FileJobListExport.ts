import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * List pages export what they show (issue 20 items 3 and 6): a file job of kind 'export-list'
 * (params: the list, its query and the visible columns).
 */
export class FileJobListExport1764840000000 implements MigrationInterface {
  name = 'FileJobListExport1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE file_job DROP CONSTRAINT file_job_kind_check;
      ALTER TABLE file_job ADD CONSTRAINT file_job_kind_check CHECK (kind IN ('export-attachment','import-roster','import-training','export-list'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM file_job WHERE kind = 'export-list';
      ALTER TABLE file_job DROP CONSTRAINT file_job_kind_check;
      ALTER TABLE file_job ADD CONSTRAINT file_job_kind_check CHECK (kind IN ('export-attachment','import-roster','import-training'));
    `);
  }
}
