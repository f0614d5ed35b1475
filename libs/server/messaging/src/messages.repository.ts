import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxService } from '@cqo/server-queue';
import type { MessageChannel } from './senders';
import type { MessageTemplate } from './templates';

/** Where a delivery stands (`message_delivery.status`). */
export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'not-sent';

/** A row of `message_delivery` as `SELECT *` reads it (the columns the sender uses). */
export interface DeliveryRecord {
  id: string;
  user_id: string;
  channel: MessageChannel;
  address: string | null;
  address_masked: string | null;
  kind: string;
  template: MessageTemplate;
  subject: string;
  text: string;
  status: string;
  not_before: Date | null;
}

/** One active recipient of a message: addresses, enterprise, channels refused and today's count per channel. */
export interface RecipientRow {
  user_id: string;
  username: string;
  email: string | null;
  phone: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  opted_out: string[];
  sent_today: Record<string, number> | null;
}

/** One (recipient, channel) of a message to record: `reason` set means not sent (no address kept). */
export interface NewDelivery {
  userId: string;
  enterpriseId: string | null;
  channel: MessageChannel;
  address: string | null;
  addressMasked: string | null;
  reason: string | null;
  subject: string;
  text: string;
}

/** What every delivery of one message shares. */
export interface DeliveryBatch {
  kind: string;
  template: MessageTemplate;
  dedupeKey: string;
  onDate: string;
  /** The end of quiet hours for a queued row, or null to send at once. */
  notBefore: Date | null;
  at: Date;
}

/** One line of an enterprise's delivery log (address masked), times as the driver returns them. */
export interface DeliveryLogRow {
  id: string;
  userId: string;
  username: string;
  channel: MessageChannel;
  address: string | null;
  kind: string;
  subject: string;
  status: DeliveryStatus;
  reason: string | null;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
}

/** A user's contact details and the channels they refused. */
export interface PreferencesRow {
  email: string | null;
  phone: string | null;
  opted_out: string[];
}

/**
 * The only reader and writer of `message_delivery` and `message_opt_out` (issue 19, issue 22). The
 * user's own e-mail and phone are written through AccountsRepository. Methods that run in a
 * transaction take its manager first.
 */
@Injectable()
export class MessagesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Locks each recipient's daily cap until the transaction ends, so two transactions cannot both take the last slot. */
  async lockCaps(m: EntityManager, userIds: string[]): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('message_cap:' || u)) FROM unnest($1::text[]) AS u ORDER BY u`, [[...userIds].sort()]);
  }

  /** The active users among `userIds`, with the messages queued or sent to them on `today` per channel. */
  recipients(m: EntityManager, userIds: string[], today: string): Promise<RecipientRow[]> {
    return m.query(
      `SELECT u.id AS user_id, u.username, u.email,
              coalesce(u.phone, (SELECT a.phone FROM appointment a WHERE a.enterprise_id = u.enterprise_id AND a.status = 'active'
                                  ORDER BY a.effective_from DESC LIMIT 1)) AS phone,
              u.enterprise_id, e.name AS enterprise_name,
              coalesce((SELECT array_agg(o.channel) FROM message_opt_out o WHERE o.user_id = u.id), '{}') AS opted_out,
              (SELECT jsonb_object_agg(channel, n) FROM (SELECT d.channel, count(*) AS n FROM message_delivery d
                 WHERE d.user_id = u.id AND d.on_date = $2 AND d.status IN ('queued','sent') GROUP BY d.channel) c) AS sent_today
         FROM app_user u LEFT JOIN enterprise e ON e.id = u.enterprise_id
        WHERE u.id = ANY($1::uuid[]) AND u.is_active`,
      [userIds, today],
    );
  }

  /**
   * Writes the deliveries (queued, or not-sent with their reason) and one `messages.send` outbox job
   * per queued row, in one statement. A (user, channel, dedupe key) already there is skipped.
   * Answers the rows written, each with its index `i` in `rows`.
   */
  insertDeliveries(m: EntityManager, rows: NewDelivery[], batch: DeliveryBatch): Promise<{ id: string; i: number }[]> {
    const col = <T>(f: (r: NewDelivery) => T) => rows.map(f);
    const params: unknown[] = [
      col((r) => r.userId),
      col((r) => r.enterpriseId),
      col((r) => r.channel),
      col((r) => r.address),
      col((r) => r.addressMasked),
      col((r) => r.reason),
      batch.kind,
      batch.template,
      batch.dedupeKey,
      batch.onDate,
      batch.notBefore,
      batch.at,
      col((r) => r.subject),
      col((r) => r.text),
      rows.map((_, i) => i),
    ];
    return m.query(
      `WITH ins AS (
         INSERT INTO message_delivery (user_id, enterprise_id, channel, address, address_masked, kind, template, subject, text, dedupe_key, on_date,
                                       status, reason, not_before, created_at, updated_at)
         SELECT r.user_id, r.enterprise_id, r.channel, r.address, r.address_masked, $7, $8, r.subject, r.text, $9, $10,
                CASE WHEN r.reason IS NULL THEN 'queued' ELSE 'not-sent' END, r.reason, CASE WHEN r.reason IS NULL THEN $11::timestamptz END, $12, $12
           FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::text[], $5::text[], $6::text[], $13::text[], $14::text[], $15::int[])
                AS r(user_id, enterprise_id, channel, address, address_masked, reason, subject, text, i)
         ON CONFLICT (user_id, channel, dedupe_key) DO NOTHING
         RETURNING id, user_id, channel, status
       ), jobs AS (
         ${this.outbox.insertSelectStatement('messages.send', `jsonb_build_object('deliveryId', ins.id)`, `ins WHERE ins.status = 'queued'`, (v) => `$${params.push(v)}`)}
       )
       SELECT ins.id, r.i FROM ins JOIN unnest($1::uuid[], $3::varchar[], $15::int[]) AS r(user_id, channel, i)
         ON r.user_id = ins.user_id AND r.channel = ins.channel`,
      params,
    );
  }

  /** The deliveries to the users of one enterprise, newest first. */
  forEnterprise(enterpriseId: string, limit: number): Promise<DeliveryLogRow[]> {
    return this.dataSource.query(
      `SELECT d.id, d.user_id AS "userId", u.username, d.channel, d.address_masked AS address, d.kind, d.subject, d.status, d.reason, d.attempts, d.created_at, d.sent_at
         FROM message_delivery d JOIN app_user u ON u.id = d.user_id
        WHERE d.enterprise_id = $1 ORDER BY d.created_at DESC, d.channel LIMIT $2`,
      [enterpriseId, limit],
    );
  }

  /** A user's contact details and refused channels, or null when there is no such user. */
  async preferences(userId: string): Promise<PreferencesRow | null> {
    const [u]: PreferencesRow[] = await this.dataSource.query(
      `SELECT u.email, u.phone, coalesce((SELECT array_agg(o.channel) FROM message_opt_out o WHERE o.user_id = u.id), '{}') AS opted_out FROM app_user u WHERE u.id = $1`,
      [userId],
    );
    return u ?? null;
  }

  /** The user refuses `channel` (a second refusal changes nothing). */
  async optOut(m: EntityManager, userId: string, channel: MessageChannel): Promise<void> {
    await m.query(`INSERT INTO message_opt_out (user_id, channel) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [userId, channel]);
  }

  /** The user takes `channel` again. */
  async optIn(m: EntityManager, userId: string, channel: MessageChannel): Promise<void> {
    await m.query(`DELETE FROM message_opt_out WHERE user_id = $1 AND channel = $2`, [userId, channel]);
  }

  /** One delivery, or null. */
  async byId(id: string): Promise<DeliveryRecord | null> {
    const [row]: DeliveryRecord[] = await this.dataSource.query(`SELECT * FROM message_delivery WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** The queued deliveries held until a time (quiet hours) with no `messages.send` outbox job in flight. */
  heldWithoutJob(): Promise<{ id: string; not_before: Date }[]> {
    return this.dataSource.query(
      `SELECT d.id, d.not_before FROM message_delivery d
        WHERE d.status = 'queued' AND d.not_before IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_name = 'messages.send' AND o.done_at IS NULL AND o.failed_at IS NULL AND o.payload->>'deliveryId' = d.id::text)`,
    );
  }

  /** A failed attempt of a queued delivery: counted, its reason kept, and `failed` when it was the last. */
  async recordFailure(m: EntityManager, id: string, reason: string, last: boolean, at: Date): Promise<void> {
    await m.query(
      `UPDATE message_delivery SET attempts = attempts + 1, reason = $2, status = CASE WHEN $3::boolean THEN 'failed' ELSE status END, updated_at = $4 WHERE id = $1 AND status = 'queued'`,
      [id, reason, last, at],
    );
  }

  /** A delivery the gateway accepted. */
  async markSent(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE message_delivery SET status = 'sent', attempts = attempts + 1, reason = NULL, sent_at = $2, updated_at = $2 WHERE id = $1`, [id, at]);
  }
}
