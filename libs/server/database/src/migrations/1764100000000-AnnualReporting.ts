import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The yearly reporting cycle (SPEC §2): per-province calendar settings, enterprise annual reports,
 * city annual reports, their state history, reminders sent (one per subject and day) and the
 * in-app notification centre. Reports carry a version for optimistic locking.
 */
export class AnnualReporting1764100000000 implements MigrationInterface {
  name = 'AnnualReporting1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE filing_setting (
        province_code        varchar(6) NOT NULL REFERENCES region(code),
        year                 smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        window_opens         date NOT NULL,
        enterprise_deadline  date NOT NULL,
        city_deadline        date NOT NULL,
        reminder_days_before smallint[] NOT NULL,
        overdue_every_days   smallint NOT NULL CHECK (overdue_every_days BETWEEN 0 AND 60),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        updated_by           uuid REFERENCES app_user(id),
        PRIMARY KEY (province_code, year),
        CHECK (window_opens <= enterprise_deadline AND enterprise_deadline <= city_deadline)
      );

      CREATE TABLE annual_report (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id     uuid NOT NULL REFERENCES enterprise(id),
        region_path       text NOT NULL,
        year              smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        status            varchar(10) NOT NULL CHECK (status IN ('draft','submitted','returned','accepted')),
        version           integer NOT NULL DEFAULT 1,
        data              jsonb NOT NULL,
        soft_hits         jsonb NOT NULL DEFAULT '[]',
        explanation       text,
        submitted_at      timestamptz,
        submitted_by      uuid REFERENCES app_user(id),
        late              boolean NOT NULL DEFAULT false,
        return_reason     text,
        reviewed_at       timestamptz,
        reviewed_by       uuid REFERENCES app_user(id),
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (enterprise_id, year),
        CHECK (status NOT IN ('submitted','accepted') OR submitted_at IS NOT NULL),
        CHECK (status <> 'returned' OR return_reason IS NOT NULL)
      );
      CREATE INDEX annual_report_region_idx ON annual_report (year, region_path text_pattern_ops);
      CREATE INDEX annual_report_status_idx ON annual_report (year, status);

      CREATE TABLE city_report (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region_code              varchar(6) NOT NULL REFERENCES region(code),
        region_path              text NOT NULL,
        year                     smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        status                   varchar(10) NOT NULL CHECK (status IN ('draft','submitted','returned','accepted')),
        version                  integer NOT NULL DEFAULT 1,
        narrative                text NOT NULL DEFAULT '',
        snapshot                 jsonb,
        unreviewed_at_submission integer,
        submitted_at             timestamptz,
        submitted_by             uuid REFERENCES app_user(id),
        late                     boolean NOT NULL DEFAULT false,
        return_reason            text,
        reviewed_at              timestamptz,
        reviewed_by              uuid REFERENCES app_user(id),
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now(),
        UNIQUE (region_code, year),
        CHECK (status NOT IN ('submitted','accepted') OR (submitted_at IS NOT NULL AND snapshot IS NOT NULL)),
        CHECK (status <> 'returned' OR return_reason IS NOT NULL)
      );

      -- Who moved a report from which state to which, and why (shown as the report's history).
      CREATE TABLE report_event (
        id          bigserial PRIMARY KEY,
        report_type varchar(8) NOT NULL CHECK (report_type IN ('annual','city')),
        report_id   uuid NOT NULL,
        from_status varchar(12) NOT NULL,
        to_status   varchar(10) NOT NULL,
        actor_id    uuid REFERENCES app_user(id),
        actor_role  varchar(16),
        reason      text,
        at          timestamptz NOT NULL
      );
      CREATE INDEX report_event_report_idx ON report_event (report_type, report_id, id);
      CREATE FUNCTION report_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'report_event is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER report_event_no_update BEFORE UPDATE OR DELETE ON report_event
        FOR EACH ROW EXECUTE FUNCTION report_event_append_only();
      CREATE TRIGGER report_event_no_truncate BEFORE TRUNCATE ON report_event
        FOR EACH STATEMENT EXECUTE FUNCTION report_event_append_only();

      -- One chase (催报) per subject and China day, whoever sends it: the schedule, a second worker
      -- or an officer. The primary key is what makes reminders idempotent.
      CREATE TABLE reminder_log (
        subject    varchar(64) NOT NULL,
        year       smallint NOT NULL,
        on_date    date NOT NULL,
        kind       varchar(32) NOT NULL,
        sent_by    uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, year, on_date)
      );

      CREATE TABLE notification (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES app_user(id),
        kind       varchar(32) NOT NULL,
        title      varchar(200) NOT NULL,
        body       text NOT NULL DEFAULT '',
        link       text,
        dedupe_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at    timestamptz,
        UNIQUE (user_id, dedupe_key)
      );
      CREATE INDEX notification_user_idx ON notification (user_id, created_at DESC);
      CREATE INDEX notification_unread_idx ON notification (user_id) WHERE read_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notification; DROP TABLE reminder_log;
      DROP TABLE report_event; DROP FUNCTION report_event_append_only();
      DROP TABLE city_report; DROP TABLE annual_report; DROP TABLE filing_setting;
    `);
  }
}
