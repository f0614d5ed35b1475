import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revision number for the policy tables, so every process (api replicas, worker, cli) can keep
 * the schedule and the province's profile versions in memory and check with one tiny read that
 * they are current. Any statement on either table bumps it (a trigger, so no writer can forget);
 * the value comes from a sequence, so a rolled-back change never reuses a number a cache saw.
 */
export class PolicyRevision1764610000000 implements MigrationInterface {
  name = 'PolicyRevision1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE policy_revision_seq;
      CREATE TABLE policy_revision (
        id  smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        rev bigint NOT NULL
      );
      INSERT INTO policy_revision (id, rev) VALUES (1, nextval('policy_revision_seq'));
      CREATE FUNCTION bump_policy_revision() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE policy_revision SET rev = nextval('policy_revision_seq') WHERE id = 1;
        RETURN NULL;
      END $$;
      CREATE TRIGGER policy_schedule_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_schedule
        FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_revision();
      CREATE TRIGGER policy_profile_version_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_profile_version
        FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_revision();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER policy_profile_version_revision ON policy_profile_version;
      DROP TRIGGER policy_schedule_revision ON policy_schedule;
      DROP FUNCTION bump_policy_revision();
      DROP TABLE policy_revision;
      DROP SEQUENCE policy_revision_seq;
    `);
  }
}
