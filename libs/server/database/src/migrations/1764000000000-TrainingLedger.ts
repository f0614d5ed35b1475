import type { MigrationInterface, QueryRunner } from 'typeorm';
import { GENESIS_HASH, LEDGER_HASH_COLUMNS, ledgerHash, type LedgerContent } from '../ledger-hash';

/**
 * The training hours ledger becomes append-only and tamper-evident (SPEC §4, 001 §10): every
 * record gets its place in the chain (`seq`), the previous record's hash and its own; corrections
 * are reversal records. Records already present are chained in the order they were recorded.
 * Also: hours certificates (学时证明) with their public verification codes, and import runs.
 */
export class TrainingLedger1764000000000 implements MigrationInterface {
  name = 'TrainingLedger1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE training_record
        ADD COLUMN seq       bigint,
        ADD COLUMN kind      varchar(8) NOT NULL DEFAULT 'entry' CHECK (kind IN ('entry','reversal')),
        ADD COLUMN reverses  uuid REFERENCES training_record(id),
        ADD COLUMN reason    text,
        ADD COLUMN import_id uuid,
        ADD COLUMN prev_hash char(64),
        ADD COLUMN hash      char(64);
    `);
    // Chain what is there, oldest first, in batches.
    const rows: LedgerContent[] = await q.query(
      `SELECT ${LEDGER_HASH_COLUMNS.replace('t.seq::text', '(row_number() OVER (ORDER BY t.recorded_at, t.id))::text')}
         FROM training_record t ORDER BY t.recorded_at, t.id`,
    );
    let prev = GENESIS_HASH;
    const BATCH = 5000;
    for (let from = 0; from < rows.length; from += BATCH) {
      const part = rows.slice(from, from + BATCH);
      const ids: string[] = [];
      const seqs: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const r of part) {
        const h = ledgerHash(prev, r);
        ids.push(r.id);
        seqs.push(r.seq);
        prevs.push(prev);
        hashes.push(h);
        prev = h;
      }
      await q.query(
        `UPDATE training_record t SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
           FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev_hash, hash) WHERE t.id = u.id`,
        [ids, seqs, prevs, hashes],
      );
    }
    await q.query(`
      ALTER TABLE training_record
        ALTER COLUMN seq SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL,
        ALTER COLUMN hash SET NOT NULL,
        ALTER COLUMN kind DROP DEFAULT,
        ADD CONSTRAINT training_record_seq_key UNIQUE (seq),
        ADD CONSTRAINT training_record_reverses_key UNIQUE (reverses),
        ADD CONSTRAINT training_record_kind_shape CHECK (
          (kind = 'entry' AND reverses IS NULL AND hours > 0) OR
          (kind = 'reversal' AND reverses IS NOT NULL AND hours < 0 AND reason IS NOT NULL));
      CREATE INDEX training_record_certificate_idx ON training_record (certificate_no) WHERE certificate_no IS NOT NULL;
      CREATE INDEX training_record_enterprise_idx ON training_record (enterprise_id, end_date);

      -- Append-only for every role; only a superuser who switches triggers off can touch a row,
      -- and the hash chain shows it (cqo verify training).
      CREATE FUNCTION training_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'training_record is an append-only ledger: % is not allowed; record a reversal instead', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER training_record_no_update BEFORE UPDATE OR DELETE ON training_record
        FOR EACH ROW EXECUTE FUNCTION training_record_append_only();
      CREATE TRIGGER training_record_no_truncate BEFORE TRUNCATE ON training_record
        FOR EACH STATEMENT EXECUTE FUNCTION training_record_append_only();

      -- The hours that count: entries nobody reversed.
      CREATE VIEW training_live AS
        SELECT t.* FROM training_record t
         WHERE t.kind = 'entry' AND NOT EXISTS (SELECT 1 FROM training_record r WHERE r.reverses = t.id);

      CREATE TABLE training_certificate (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code           varchar(20) NOT NULL UNIQUE,
        person_id      uuid NOT NULL REFERENCES cqo_person(id),
        enterprise_id  uuid REFERENCES enterprise(id),
        year           smallint NOT NULL,
        period_from    date NOT NULL,
        period_to      date NOT NULL,
        hours          jsonb NOT NULL,
        total_hours    numeric(6,1) NOT NULL,
        -- SHA-256 over the person's counted records of the year: a changed ledger supersedes the certificate.
        content_hash   char(64) NOT NULL,
        ledger_seq     bigint NOT NULL,
        ledger_hash    char(64) NOT NULL,
        issuing_office varchar(100) NOT NULL,
        issued_by      uuid REFERENCES app_user(id),
        issued_at      timestamptz NOT NULL,
        superseded_at  timestamptz
      );
      CREATE UNIQUE INDEX training_certificate_current_idx ON training_certificate (person_id, year) WHERE superseded_at IS NULL;

      CREATE TABLE import_run (
        id            uuid PRIMARY KEY,
        kind          varchar(16) NOT NULL CHECK (kind IN ('training')),
        mode          varchar(16) NOT NULL CHECK (mode IN ('all-or-nothing','keep-valid')),
        file_name     varchar(255) NOT NULL,
        file_sha256   char(64) NOT NULL,
        file_size     integer NOT NULL,
        committed     boolean NOT NULL,
        total_rows    integer NOT NULL,
        inserted      integer NOT NULL,
        updated       integer NOT NULL,
        unchanged     integer NOT NULL,
        rejected_rows integer NOT NULL,
        errors        jsonb NOT NULL,
        error_report  bytea,
        created_by    uuid REFERENCES app_user(id),
        created_at    timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL
      );
      CREATE INDEX import_run_user_idx ON import_run (created_by, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE import_run;
      DROP TABLE training_certificate;
      DROP VIEW training_live;
      DROP TRIGGER training_record_no_truncate ON training_record;
      DROP TRIGGER training_record_no_update ON training_record;
      DROP FUNCTION training_record_append_only();
      DROP INDEX training_record_enterprise_idx;
      DROP INDEX training_record_certificate_idx;
      ALTER TABLE training_record
        DROP CONSTRAINT training_record_kind_shape,
        DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN import_id, DROP COLUMN reason,
        DROP COLUMN reverses, DROP COLUMN kind, DROP COLUMN seq;
    `);
  }
}
