import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail and SMS notifications (issue 22, docs/notifications.md).
 *
 * `app_user.email` / `app_user.phone`: a user's contact details (validated; masked in lists and
 * logs, SPEC §1). `message_opt_out`: a user's refusal of one channel. `message_delivery`: one row per
 * message to one recipient on one channel, written in the notification's transaction; unique per
 * (user, channel, dedupe key), so two officers chasing the same enterprise the same day send one
 * message. `address` is what the sender needs; lists show `address_masked`.
 */
export class Messaging1764790000000 implements MigrationInterface {
  name = 'Messaging1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user
        ADD COLUMN email varchar(254) CHECK (email ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'),
        ADD COLUMN phone varchar(11) CHECK (phone ~ '^1[3-9][0-9]{9}$');

      CREATE TABLE message_opt_out (
        user_id    uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        channel    varchar(8) NOT NULL CHECK (channel IN ('email','sms')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, channel)
      );

      CREATE TABLE message_delivery (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id        uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        enterprise_id  uuid,
        channel        varchar(8) NOT NULL CHECK (channel IN ('email','sms')),
        address        varchar(254),
        address_masked varchar(254),
        kind           varchar(32) NOT NULL,
        template       varchar(32) NOT NULL,
        subject        text NOT NULL,
        text           text NOT NULL,
        dedupe_key     text NOT NULL,
        on_date        date NOT NULL,
        status         varchar(8) NOT NULL CHECK (status IN ('queued','sent','failed','not-sent')),
        reason         text,
        attempts       integer NOT NULL DEFAULT 0,
        not_before     timestamptz,
        created_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        sent_at        timestamptz,
        UNIQUE (user_id, channel, dedupe_key)
      );
      CREATE INDEX message_delivery_cap_idx ON message_delivery (user_id, channel, on_date);
      CREATE INDEX message_delivery_enterprise_idx ON message_delivery (enterprise_id, created_at) WHERE enterprise_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE message_delivery;
      DROP TABLE message_opt_out;
      ALTER TABLE app_user DROP COLUMN email, DROP COLUMN phone;
    `);
  }
}
