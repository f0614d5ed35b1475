import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 统计表 a city attaches to its annual report (issue 17): generated once per submission, from
 * the figures as of the submission, and kept with its SHA-256 so that every later download is the
 * same file. `attachment_submitted_at` names the submission the file belongs to; a resubmission
 * makes a new one.
 */
export class CityReportAttachment1764680000000 implements MigrationInterface {
  name = 'CityReportAttachment1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE city_report
        ADD COLUMN attachment_path text,
        ADD COLUMN attachment_name varchar(255),
        ADD COLUMN attachment_sha256 char(64),
        ADD COLUMN attachment_size bigint,
        ADD COLUMN attachment_as_of date,
        ADD COLUMN attachment_submitted_at timestamptz
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE city_report DROP COLUMN attachment_path, DROP COLUMN attachment_name, DROP COLUMN attachment_sha256,
        DROP COLUMN attachment_size, DROP COLUMN attachment_as_of, DROP COLUMN attachment_submitted_at
    `);
  }
}
