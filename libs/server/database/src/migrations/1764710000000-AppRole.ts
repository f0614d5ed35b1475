import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two database roles (issue 18 item 3; 等保 2.0 L3 8.1.4.2 访问控制 "授予管理用户所需的最小权限，
 * 实现管理用户的权限分离", ASVS V1.4.3/V7.3.3, docs/database-roles.md):
 *
 * - the owner — the role that runs the migrations (this one included) and owns every table;
 * - `cqo_app`, a NOLOGIN group role with only what the api, the worker and the CLI's other
 *   commands need: SELECT/INSERT/UPDATE/DELETE on the tables, no TRUNCATE, no REFERENCES or
 *   TRIGGER, no CREATE in the schema. The append-only tables — the audit log, the training
 *   ledger and the report events — get SELECT and INSERT only. Not being superuser nor owner,
 *   a member cannot `SET session_replication_role` nor `ALTER TABLE … DISABLE TRIGGER`, so the
 *   append-only triggers hold against it. TypeORM's `migrations` table is read-only to it.
 *
 * The login role the app connects as (DATABASE_URL's user) is a member of `cqo_app`; `cqo migrate`
 * and `npm start` create it when DATABASE_OWNER_URL is set (libs/server/database/src/app-role.ts).
 * Tables created by later migrations get the same grants through the owner's default privileges;
 * a later append-only table must REVOKE UPDATE, DELETE on it (test/security/audit-integrity checks).
 *
 * Roles are cluster-wide: `cqo_app` is created once (if missing; idempotent when several
 * databases of one cluster migrate at the same time) and holds privileges per database.
 */
export class AppRole1764710000000 implements MigrationInterface {
  name = 'AppRole1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cqo_app') THEN
          IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
            RAISE EXCEPTION 'role cqo_app does not exist and % may not create roles: ask the DBA to run CREATE ROLE cqo_app NOLOGIN (docs/database-roles.md)', current_user;
          END IF;
          BEGIN
            CREATE ROLE cqo_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database of this cluster created it a moment ago
          END;
        END IF;
      END $$;

      -- PostgreSQL 15 and later already refuse CREATE in public to everyone but its owner.
      DO $$
      BEGIN
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'not the owner of schema public: CREATE on it left as it is';
      END $$;
      GRANT USAGE ON SCHEMA public TO cqo_app;

      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cqo_app;
      REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, training_record, report_event FROM cqo_app;
      REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM cqo_app;
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cqo_app;

      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cqo_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO cqo_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The role itself stays: other databases of the cluster may use it.
    await q.query(`
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM cqo_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM cqo_app;
      REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM cqo_app;
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM cqo_app;
      REVOKE USAGE ON SCHEMA public FROM cqo_app;
    `);
  }
}
