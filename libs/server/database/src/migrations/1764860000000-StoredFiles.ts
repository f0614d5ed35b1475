import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence files and import error workbooks in the file store (issue 21): the folder of
 * CQO_FILES_DIR or the bucket of an S3-compatible object store, like uploads, exports and the
 * frozen 统计表. A row written from now on names its object (`storage_key`, `error_report_key`)
 * and keeps no bytes; rows written before keep theirs in `content` / `error_report` and stay
 * readable. An evidence row has one or the other.
 */
export class StoredFiles1764860000000 implements MigrationInterface {
  name = 'StoredFiles1764860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE evaluation_evidence
        ADD COLUMN storage_key varchar(512),
        ALTER COLUMN content DROP NOT NULL,
        ADD CONSTRAINT evaluation_evidence_stored CHECK (content IS NOT NULL OR storage_key IS NOT NULL);
      ALTER TABLE import_run ADD COLUMN error_report_key varchar(512);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE import_run DROP COLUMN error_report_key;
      DELETE FROM evaluation_evidence WHERE content IS NULL;
      ALTER TABLE evaluation_evidence DROP CONSTRAINT evaluation_evidence_stored, ALTER COLUMN content SET NOT NULL, DROP COLUMN storage_key;
    `);
  }
}
