import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE region (
        code        varchar(6) PRIMARY KEY,
        name        varchar(64) NOT NULL,
        level       smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
        parent_code varchar(6) REFERENCES region(code),
        path        text NOT NULL UNIQUE
      );
      CREATE INDEX region_parent_idx ON region (parent_code);
      CREATE INDEX region_path_prefix_idx ON region (path text_pattern_ops);

      CREATE TABLE app_setting (
        key        varchar(64) PRIMARY KEY,
        value      jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE enterprise (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        credit_code varchar(18) NOT NULL UNIQUE,
        name        varchar(100) NOT NULL,
        region_code varchar(6) NOT NULL REFERENCES region(code),
        region_path text NOT NULL,
        above_size  boolean NOT NULL,
        size_class  varchar(8),
        ownership   varchar(8),
        industry    varchar(1),
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX enterprise_region_path_idx ON enterprise (region_path text_pattern_ops);
      CREATE INDEX enterprise_region_idx ON enterprise (region_code);

      CREATE TABLE enterprise_award (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
        award         varchar(16) NOT NULL,
        year          smallint NOT NULL CHECK (year BETWEEN 1990 AND 2100),
        UNIQUE (enterprise_id, award, year)
      );

      CREATE TABLE app_user (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      varchar(64) NOT NULL UNIQUE,
        display_name  varchar(64) NOT NULL,
        password_hash text NOT NULL,
        role          varchar(16) NOT NULL CHECK (role IN ('enterprise','county','city','province','evaluator','admin')),
        region_code   varchar(6) REFERENCES region(code),
        enterprise_id uuid REFERENCES enterprise(id),
        is_active     boolean NOT NULL DEFAULT true,
        locked_until  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_binding CHECK (
          (role = 'enterprise' AND enterprise_id IS NOT NULL AND region_code IS NULL) OR
          (role IN ('county','city','province','evaluator') AND region_code IS NOT NULL AND enterprise_id IS NULL) OR
          (role = 'admin' AND enterprise_id IS NULL)
        )
      );

      CREATE TABLE login_failure (
        id       bigserial PRIMARY KEY,
        username varchar(64) NOT NULL,
        at       timestamptz NOT NULL,
        ip       varchar(64)
      );
      CREATE INDEX login_failure_user_at_idx ON login_failure (username, at);

      CREATE TABLE user_session (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id      uuid NOT NULL REFERENCES app_user(id),
        created_at   timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        revoked_at   timestamptz,
        ip           varchar(64),
        user_agent   varchar(256)
      );
      CREATE INDEX user_session_user_idx ON user_session (user_id);

      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor_id    uuid,
        actor_username varchar(64),
        actor_role  varchar(16),
        ip          varchar(64),
        action      varchar(64) NOT NULL,
        object_type varchar(32),
        object_id   varchar(64),
        result      varchar(8) NOT NULL CHECK (result IN ('success','denied','failure')),
        details     jsonb
      );
      CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
      CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);

      -- The audit log is append-only for every role but a superuser who disables the trigger.
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

      CREATE TABLE outbox (
        id         bigserial PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        queue      varchar(32) NOT NULL,
        job_name   varchar(64) NOT NULL,
        payload    jsonb NOT NULL,
        relayed_at timestamptz,
        attempts   integer NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

      CREATE TABLE worker_heartbeat (
        worker_id    varchar(128) PRIMARY KEY,
        started_at   timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL
      );

      CREATE TABLE region_stat (
        region_code varchar(6) PRIMARY KEY REFERENCES region(code),
        enterprises integer NOT NULL,
        above_size  integer NOT NULL,
        sme         integer NOT NULL,
        award       integer NOT NULL,
        updated_at  timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE region_stat; DROP TABLE worker_heartbeat; DROP TABLE outbox;
      DROP TABLE audit_log; DROP FUNCTION audit_log_append_only();
      DROP TABLE user_session; DROP TABLE login_failure; DROP TABLE app_user;
      DROP TABLE enterprise_award; DROP TABLE enterprise; DROP TABLE app_setting; DROP TABLE region;
    `);
  }
}
