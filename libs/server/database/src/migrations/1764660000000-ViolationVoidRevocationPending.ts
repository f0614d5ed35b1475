import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: voided violations and revocations pending an officer's confirmation.
 *
 * A violation recorded by mistake is voided (撤销): its row moves from `violation` to
 * `violation_voided` with who, when and why, in the voiding transaction. `violation` then holds
 * only the violations in force, so every reader (eligibility, statistics, filings, award checks)
 * stops counting a voided one without a filter of its own. The certificate history keeps the
 * voided violation's id, so the foreign key from `evaluation_certificate_event` goes.
 *
 * 001 §11: the body 应暂停或中止 (automatic) and 必要时有权…声明证书作废 (an officer decides): a
 * violation calling for revocation suspends the certificate and records the revocation as pending
 * (`revocation_pending_violation_id`) until an officer of the body confirms or dismisses it.
 */
export class ViolationVoidRevocationPending1764660000000 implements MigrationInterface {
  name = 'ViolationVoidRevocationPending1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE violation_voided (
        id              uuid PRIMARY KEY,
        enterprise_id   uuid NOT NULL REFERENCES enterprise(id),
        region_path     text NOT NULL,
        subject         varchar(12) NOT NULL,
        person_id       uuid REFERENCES cqo_person(id),
        appointment_id  uuid REFERENCES appointment(id),
        type            varchar(16) NOT NULL,
        accident_level  varchar(4),
        occurred_on     date NOT NULL,
        source_document varchar(200) NOT NULL,
        description     text,
        status          varchar(12) NOT NULL,
        status_note     text,
        recorded_by     uuid REFERENCES app_user(id),
        recorded_role   varchar(16) NOT NULL,
        recorded_at     timestamptz NOT NULL,
        voided_at       timestamptz NOT NULL,
        voided_by       uuid NOT NULL REFERENCES app_user(id),
        voided_role     varchar(16) NOT NULL,
        void_reason     text NOT NULL CHECK (length(btrim(void_reason)) > 0)
      );
      CREATE INDEX violation_voided_enterprise_idx ON violation_voided (enterprise_id);
      CREATE INDEX violation_voided_region_idx ON violation_voided (region_path text_pattern_ops);

      ALTER TABLE evaluation_certificate_event DROP CONSTRAINT IF EXISTS evaluation_certificate_event_violation_id_fkey;

      ALTER TABLE evaluation_certificate
        ADD COLUMN revocation_pending_violation_id uuid,
        ADD COLUMN revocation_pending_reason text,
        ADD CONSTRAINT evaluation_certificate_revocation_pending_chk
          CHECK (revocation_pending_violation_id IS NULL OR status IN ('suspended','terminated'));
      CREATE INDEX evaluation_certificate_revocation_pending_idx ON evaluation_certificate (body_code)
        WHERE revocation_pending_violation_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX evaluation_certificate_revocation_pending_idx;
      ALTER TABLE evaluation_certificate DROP CONSTRAINT evaluation_certificate_revocation_pending_chk,
        DROP COLUMN revocation_pending_reason, DROP COLUMN revocation_pending_violation_id;
      DROP TABLE violation_voided;
    `);
  }
}
