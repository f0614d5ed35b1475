import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Long-running spreadsheet jobs (issue 7): attachment exports and roster imports run in the
 * worker as bull jobs. Each is a `file_job` row the user polls for progress (`done` of `total`
 * rows), may cancel, and later downloads from; the files live on disk (CQO_FILES_DIR) and both the
 * row and its files expire. Roster imports also leave an `import_run` row, like training imports.
 */
export class FileJobs1764400000000 implements MigrationInterface {
  name = 'FileJobs1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE file_job (
        id               uuid PRIMARY KEY,
        kind             varchar(24) NOT NULL CHECK (kind IN ('export-attachment','import-roster')),
        status           varchar(12) NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
        params           jsonb NOT NULL,
        done             integer NOT NULL DEFAULT 0,
        total            integer,
        cancel_requested boolean NOT NULL DEFAULT false,
        input_name       varchar(255),
        input_path       text,
        input_sha256     char(64),
        input_size       bigint,
        output_name      varchar(255),
        output_path      text,
        output_sha256    char(64),
        output_size      bigint,
        result           jsonb,
        error            text,
        snapshot_run_id  bigint,
        snapshot_built_at timestamptz,
        created_by       uuid REFERENCES app_user(id),
        created_at       timestamptz NOT NULL,
        started_at       timestamptz,
        finished_at      timestamptz,
        expires_at       timestamptz NOT NULL
      );
      CREATE INDEX file_job_user_idx ON file_job (created_by, created_at DESC);
      CREATE INDEX file_job_expires_idx ON file_job (expires_at);

      ALTER TABLE import_run DROP CONSTRAINT import_run_kind_check;
      ALTER TABLE import_run ADD CONSTRAINT import_run_kind_check CHECK (kind IN ('training','roster'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM import_run WHERE kind = 'roster';
      ALTER TABLE import_run DROP CONSTRAINT import_run_kind_check;
      ALTER TABLE import_run ADD CONSTRAINT import_run_kind_check CHECK (kind IN ('training'));
      DROP TABLE file_job;
    `);
  }
}
