import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Capability evaluation (issue 8, SPEC §6): applications with their events, panel, sheets and
 * evidence; certificates with a per-body-and-year counter, status history, yearly reviews; the
 * talent pool. See docs/evaluation.md for the state machine.
 */
export class Evaluation1764500000000 implements MigrationInterface {
  name = 'Evaluation1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluation_application (
        id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        body_code               varchar(6) NOT NULL REFERENCES region(code),
        enterprise_id           uuid NOT NULL REFERENCES enterprise(id),
        region_path             text NOT NULL,
        person_id               uuid NOT NULL REFERENCES cqo_person(id),
        appointment_id          uuid REFERENCES appointment(id),
        scheme                  varchar(12) NOT NULL CHECK (scheme IN ('zhejiang','hunan')),
        applied_grade           varchar(5) NOT NULL CHECK (applied_grade IN ('AAA','AAAA','AAAAA')),
        experience_years        smallint NOT NULL CHECK (experience_years BETWEEN 0 AND 60),
        has_certificate         boolean NOT NULL,
        self_assessment         jsonb NOT NULL,
        statement               text,
        recommendation          text NOT NULL,
        status                  varchar(12) NOT NULL CHECK (status IN ('submitted','returned','accepted','scoring','reported','certified','withdrawn')),
        return_reasons          text,
        previous_certificate_id uuid,
        continuing_education    jsonb,
        interview_on            date,
        interview_notes         text,
        site_visit_on           date,
        site_visit_notes        text,
        report                  jsonb,
        report_scores           jsonb,
        report_conclusion       text,
        reported_at             timestamptz,
        reported_by             uuid REFERENCES app_user(id),
        submitted_at            timestamptz NOT NULL,
        created_by              uuid REFERENCES app_user(id),
        updated_at              timestamptz NOT NULL,
        version                 integer NOT NULL DEFAULT 1
      );
      -- One application in progress per person at a time.
      CREATE UNIQUE INDEX evaluation_application_open_idx ON evaluation_application (person_id)
        WHERE status IN ('submitted','returned','accepted','scoring');
      CREATE INDEX evaluation_application_body_idx ON evaluation_application (body_code, status);
      CREATE INDEX evaluation_application_enterprise_idx ON evaluation_application (enterprise_id);
      CREATE INDEX evaluation_application_region_idx ON evaluation_application (region_path text_pattern_ops);

      CREATE TABLE evaluation_event (
        id             bigserial PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES evaluation_application(id),
        at             timestamptz NOT NULL,
        actor_id       uuid REFERENCES app_user(id),
        actor_role     varchar(16),
        action         varchar(24) NOT NULL,
        from_status    varchar(12),
        to_status      varchar(12),
        note           text
      );
      CREATE INDEX evaluation_event_application_idx ON evaluation_event (application_id, id);

      CREATE TABLE evaluation_panel_member (
        application_id uuid NOT NULL REFERENCES evaluation_application(id),
        user_id        uuid NOT NULL REFERENCES app_user(id),
        is_leader      boolean NOT NULL,
        PRIMARY KEY (application_id, user_id)
      );
      CREATE UNIQUE INDEX evaluation_panel_one_leader_idx ON evaluation_panel_member (application_id) WHERE is_leader;
      CREATE INDEX evaluation_panel_user_idx ON evaluation_panel_member (user_id);

      CREATE TABLE evaluation_sheet (
        application_id uuid NOT NULL REFERENCES evaluation_application(id),
        user_id        uuid NOT NULL REFERENCES app_user(id),
        scores         jsonb NOT NULL,
        comment        text,
        result         jsonb NOT NULL,
        submitted_at   timestamptz NOT NULL,
        PRIMARY KEY (application_id, user_id)
      );

      CREATE TABLE evaluation_evidence (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES evaluation_application(id),
        file_name      varchar(255) NOT NULL,
        content_type   varchar(100) NOT NULL,
        size           integer NOT NULL CHECK (size > 0),
        sha256         char(64) NOT NULL,
        content        bytea NOT NULL,
        uploaded_at    timestamptz NOT NULL,
        uploaded_by    uuid REFERENCES app_user(id)
      );
      CREATE INDEX evaluation_evidence_application_idx ON evaluation_evidence (application_id);

      CREATE TABLE evaluation_cert_counter (
        body_code varchar(6) NOT NULL,
        year      smallint NOT NULL,
        last_seq  integer NOT NULL,
        PRIMARY KEY (body_code, year)
      );

      CREATE TABLE evaluation_certificate (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number            varchar(32) NOT NULL UNIQUE,
        body_code         varchar(6) NOT NULL REFERENCES region(code),
        year              smallint NOT NULL,
        seq               integer NOT NULL,
        application_id    uuid NOT NULL UNIQUE REFERENCES evaluation_application(id),
        person_id         uuid NOT NULL REFERENCES cqo_person(id),
        enterprise_id     uuid NOT NULL REFERENCES enterprise(id),
        region_path       text NOT NULL,
        holder_name       varchar(32) NOT NULL,
        organisation_name varchar(100) NOT NULL,
        scheme            varchar(12) NOT NULL,
        score             numeric(6,1) NOT NULL,
        grade             varchar(5) NOT NULL CHECK (grade IN ('AAA','AAAA','AAAAA')),
        dimensions        jsonb NOT NULL,
        issuing_body      varchar(100) NOT NULL,
        issued_on         date NOT NULL,
        valid_until       date NOT NULL CHECK (valid_until >= issued_on),
        status            varchar(12) NOT NULL CHECK (status IN ('valid','suspended','terminated','revoked','expired')),
        status_changed_on date NOT NULL,
        status_reason     text,
        replaced_by       uuid REFERENCES evaluation_certificate(id),
        review_flag       boolean NOT NULL DEFAULT false,
        review_reason     text,
        review_year       smallint,
        issued_by         uuid REFERENCES app_user(id),
        created_at        timestamptz NOT NULL,
        version           integer NOT NULL DEFAULT 1,
        UNIQUE (body_code, year, seq)
      );
      CREATE INDEX evaluation_certificate_person_idx ON evaluation_certificate (person_id);
      CREATE INDEX evaluation_certificate_region_idx ON evaluation_certificate (region_path text_pattern_ops);
      CREATE INDEX evaluation_certificate_status_idx ON evaluation_certificate (status, valid_until);

      CREATE TABLE evaluation_certificate_event (
        id             bigserial PRIMARY KEY,
        certificate_id uuid NOT NULL REFERENCES evaluation_certificate(id),
        at             timestamptz NOT NULL,
        from_status    varchar(12),
        to_status      varchar(12) NOT NULL,
        reason         text NOT NULL,
        actor_id       uuid REFERENCES app_user(id),
        violation_id   uuid REFERENCES violation(id)
      );
      CREATE INDEX evaluation_certificate_event_idx ON evaluation_certificate_event (certificate_id, id);
      -- A violation acts on a certificate once, however often its job runs.
      CREATE UNIQUE INDEX evaluation_certificate_event_violation_idx ON evaluation_certificate_event (certificate_id, violation_id)
        WHERE violation_id IS NOT NULL;

      CREATE TABLE evaluation_yearly_review (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        certificate_id uuid NOT NULL REFERENCES evaluation_certificate(id),
        year           smallint NOT NULL,
        rating         varchar(8) NOT NULL CHECK (rating IN ('优秀','合格','基本合格','不合格')),
        summary        text NOT NULL,
        reviewed_by    uuid REFERENCES app_user(id),
        reviewed_at    timestamptz NOT NULL,
        UNIQUE (certificate_id, year)
      );

      CREATE TABLE evaluation_talent (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        person_id      uuid NOT NULL REFERENCES cqo_person(id),
        certificate_id uuid NOT NULL REFERENCES evaluation_certificate(id),
        note           text,
        added_at       timestamptz NOT NULL,
        added_by       uuid REFERENCES app_user(id),
        removed_at     timestamptz,
        removed_by     uuid REFERENCES app_user(id),
        removal_reason text
      );
      CREATE UNIQUE INDEX evaluation_talent_active_idx ON evaluation_talent (person_id) WHERE removed_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE evaluation_talent;
      DROP TABLE evaluation_yearly_review;
      DROP TABLE evaluation_certificate_event;
      DROP TABLE evaluation_certificate;
      DROP TABLE evaluation_cert_counter;
      DROP TABLE evaluation_evidence;
      DROP TABLE evaluation_sheet;
      DROP TABLE evaluation_panel_member;
      DROP TABLE evaluation_event;
      DROP TABLE evaluation_application;
    `);
  }
}
