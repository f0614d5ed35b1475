import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions, passwords and sign-in (issue 18 items 2, 5 and 8):
 * - app_user.must_change_password: an account made by `cqo user:add` (or reset) must change its
 *   password at first sign-in (ASVS V2.5.1); password_changed_at for the audit trail.
 * - user_session.token_gen / rotated_at: refresh rotates the token and a retired one presented
 *   again ends the session (ASVS V3.3, refresh-token rotation with reuse detection).
 * - login_lock: failed sign-ins lock the pair (account, client IP), not the account for everyone
 *   (ASVS V2.2.1); app_user.locked_until is no longer used (existing locks are dropped).
 */
export class SessionHardening1764700000000 implements MigrationInterface {
  name = 'SessionHardening1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
      ALTER TABLE app_user ADD COLUMN password_changed_at timestamptz;
      UPDATE app_user SET locked_until = NULL WHERE locked_until IS NOT NULL;

      ALTER TABLE user_session ADD COLUMN token_gen integer NOT NULL DEFAULT 0;
      ALTER TABLE user_session ADD COLUMN rotated_at timestamptz;

      CREATE TABLE login_lock (
        username varchar(64) NOT NULL,
        ip       varchar(64) NOT NULL,
        until    timestamptz NOT NULL,
        PRIMARY KEY (username, ip)
      );
      CREATE INDEX login_failure_user_ip_at_idx ON login_failure (username, ip, at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX login_failure_user_ip_at_idx;
      DROP TABLE login_lock;
      ALTER TABLE user_session DROP COLUMN rotated_at;
      ALTER TABLE user_session DROP COLUMN token_gen;
      ALTER TABLE app_user DROP COLUMN password_changed_at;
      ALTER TABLE app_user DROP COLUMN must_change_password;
    `);
  }
}
