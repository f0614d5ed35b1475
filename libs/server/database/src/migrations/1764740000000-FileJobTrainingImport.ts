import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The training import becomes a file job (issue 18 item 1): its upload is stored and read by the
 * worker like the roster's, so `file_job.kind` takes 'import-training'.
 */
export class FileJobTrainingImport1764740000000 implements MigrationInterface {
  name = 'FileJobTrainingImport1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE file_job DROP CONSTRAINT file_job_kind_check;
      ALTER TABLE file_job ADD CONSTRAINT file_job_kind_check CHECK (kind IN ('export-attachment','import-roster','import-training'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM file_job WHERE kind = 'import-training';
      ALTER TABLE file_job DROP CONSTRAINT file_job_kind_check;
      ALTER TABLE file_job ADD CONSTRAINT file_job_kind_check CHECK (kind IN ('export-attachment','import-roster'));
    `);
  }
}
