import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { chinaDate, maskEmail, maskPhone } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { AccountsRepository } from '@cqo/server-auth';
import { APP_CONFIG, AppException, Clock, isoOrNull, type Actor, type AppConfig } from '@cqo/server-common';
import { OutboxService, UnitOfWork } from '@cqo/server-queue';
import { quietUntil } from './quiet-hours';
import { EmailSender, MESSAGE_CHANNELS, SmsSender, type MessageChannel } from './senders';
import { absoluteLink, renderMessage, type MessageTemplate } from './templates';

export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'not-sent';

/** One event for some users, to be sent by e-mail and SMS (the in-app notification is written by the caller). */
export interface MessageRequest {
  userIds: string[];
  kind: string;
  template: MessageTemplate;
  title: string;
  body: string;
  /** A dashboard route; made absolute with PUBLIC_BASE_URL. */
  link: string | null;
  /** With the user and channel, makes the message idempotent (two officers chasing the same day send one). */
  dedupeKey: string;
  params?: Record<string, string | number>;
}

export interface DeliveryItem {
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
  createdAt: string;
  sentAt: string | null;
}

export interface MessagePreferences {
  email: string | null;
  phone: string | null;
  channels: { channel: MessageChannel; enabled: boolean; configured: boolean }[];
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^1[3-9][0-9]{9}$/;

interface Target {
  user_id: string;
  username: string;
  email: string | null;
  phone: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  opted_out: string[];
  sent_today: Record<string, number> | null;
}

export function maskAddress(channel: MessageChannel, address: string | null): string | null {
  return channel === 'email' ? maskEmail(address) : maskPhone(address);
}

/**
 * E-mail and SMS next to the in-app notification (issue 22, docs/notifications.md). `queue` writes
 * one `message_delivery` row per recipient and channel in the caller's transaction (a rolled-back
 * write sends nothing) and one `messages.send` job per queued row through the outbox.
 */
@Injectable()
export class MessagingService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly email: EmailSender,
    private readonly sms: SmsSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
  ) {}

  /** The gateway of a channel (the worker's processor sends through it). */
  sender(channel: MessageChannel): EmailSender | SmsSender {
    return channel === 'email' ? this.email : this.sms;
  }

  configured(channel: MessageChannel): boolean {
    return this.sender(channel).configured;
  }

  async queue(m: EntityManager, req: MessageRequest): Promise<{ queued: number; notSent: number }> {
    if (!req.userIds.length) return { queued: 0, notSent: 0 };
    const now = this.clock.now();
    const today = chinaDate(now);
    // One recipient's cap is counted under a lock, so two transactions cannot both take the last slot.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('message_cap:' || u)) FROM unnest($1::text[]) AS u ORDER BY u`, [[...req.userIds].sort()]);
    const targets: Target[] = await m.query(
      `SELECT u.id AS user_id, u.username, u.email,
              coalesce(u.phone, (SELECT a.phone FROM appointment a WHERE a.enterprise_id = u.enterprise_id AND a.status = 'active'
                                  ORDER BY a.effective_from DESC LIMIT 1)) AS phone,
              u.enterprise_id, e.name AS enterprise_name,
              coalesce((SELECT array_agg(o.channel) FROM message_opt_out o WHERE o.user_id = u.id), '{}') AS opted_out,
              (SELECT jsonb_object_agg(channel, n) FROM (SELECT d.channel, count(*) AS n FROM message_delivery d
                 WHERE d.user_id = u.id AND d.on_date = $2 AND d.status IN ('queued','sent') GROUP BY d.channel) c) AS sent_today
         FROM app_user u LEFT JOIN enterprise e ON e.id = u.enterprise_id
        WHERE u.id = ANY($1::uuid[]) AND u.is_active`,
      [req.userIds, today],
    );
    const hold = quietUntil(now, this.config.messaging.quietHours);
    const url = absoluteLink(this.config.messaging.publicBaseUrl, req.link);
    // Every (recipient, channel) decided here, then written in one statement with the jobs of those
    // queued: a province-wide chase is one round trip, not two per recipient and channel.
    const rows = targets.flatMap((t) => {
      const params = { ...(req.params ?? {}), ...(t.enterprise_name ? { enterprise: t.enterprise_name } : {}) };
      const rendered = renderMessage(req.template, { title: req.title, body: req.body, url, enterpriseName: t.enterprise_name, params });
      return MESSAGE_CHANNELS.map((channel) => {
        const address = channel === 'email' ? t.email : t.phone;
        const reason = !this.configured(channel)
          ? 'no channel'
          : (t.opted_out ?? []).includes(channel)
            ? 'opted out'
            : !address
              ? 'no address'
              : Number(t.sent_today?.[channel] ?? 0) >= this.config.messaging.dailyCap
                ? 'daily cap'
                : null;
        return { t, channel, address, reason, subject: rendered.subject, text: channel === 'email' ? rendered.text : rendered.sms };
      });
    });
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    const params: unknown[] = [
      col((r) => r.t.user_id),
      col((r) => r.t.enterprise_id),
      col((r) => r.channel),
      col((r) => (r.reason ? null : r.address)),
      col((r) => maskAddress(r.channel, r.address)),
      col((r) => r.reason),
      req.kind,
      req.template,
      req.dedupeKey,
      today,
      hold,
      now,
      col((r) => r.subject),
      col((r) => r.text),
      rows.map((_, i) => i),
    ];
    const written: { id: string; i: number }[] = await m.query(
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
    let queued = 0;
    let notSent = 0;
    const audits: { action: string; objectType: string; objectId: string; details: Record<string, unknown> }[] = [];
    // Rows not returned were there already: two officers chasing the same day send one message.
    for (const { id, i } of written) {
      const { t, channel, address, reason, subject } = rows[i];
      if (!reason) {
        queued++;
        continue;
      }
      notSent++;
      if (reason === 'no channel') this.logger.log(`${channel} to ${t.username} (${maskAddress(channel, address) ?? 'no address'}) not sent, no channel: ${subject}`);
      audits.push({ action: 'message.not-sent', objectType: 'message_delivery', objectId: id, details: { channel, to: t.user_id, address: maskAddress(channel, address), kind: req.kind, reason } });
    }
    // Every outbound message is audited (等保 2.0 L3 安全审计): here what is not sent, at sending the rest.
    if (audits.length) await this.audit.recordMany(m, { actor: null, username: 'system', result: 'success' }, audits);
    return { queued, notSent };
  }

  /** The deliveries to the users of one enterprise (newest first), addresses masked (SPEC §1). */
  async forEnterprise(enterpriseId: string, limit = 50): Promise<DeliveryItem[]> {
    const rows: (Omit<DeliveryItem, 'createdAt' | 'sentAt'> & { created_at: Date; sent_at: Date | null })[] = await this.dataSource.query(
      `SELECT d.id, d.user_id AS "userId", u.username, d.channel, d.address_masked AS address, d.kind, d.subject, d.status, d.reason, d.attempts, d.created_at, d.sent_at
         FROM message_delivery d JOIN app_user u ON u.id = d.user_id
        WHERE d.enterprise_id = $1 ORDER BY d.created_at DESC, d.channel LIMIT $2`,
      [enterpriseId, limit],
    );
    return rows.map(({ created_at, sent_at, ...item }) => ({ ...item, createdAt: new Date(created_at).toISOString(), sentAt: isoOrNull(sent_at) }));
  }

  async preferences(actor: Actor): Promise<MessagePreferences> {
    const [u]: { email: string | null; phone: string | null; opted_out: string[] }[] = await this.dataSource.query(
      `SELECT u.email, u.phone, coalesce((SELECT array_agg(o.channel) FROM message_opt_out o WHERE o.user_id = u.id), '{}') AS opted_out FROM app_user u WHERE u.id = $1`,
      [actor.userId],
    );
    if (!u) throw AppException.notFound('用户');
    return {
      email: u.email,
      phone: u.phone,
      channels: MESSAGE_CHANNELS.map((channel) => ({ channel, enabled: !u.opted_out.includes(channel), configured: this.configured(channel) })),
    };
  }

  /** The user's own contact details and channel choices (opt-out per channel), one transaction, audited. */
  async updatePreferences(actor: Actor, dto: { email?: string | null; phone?: string | null; email_enabled?: boolean; sms_enabled?: boolean }): Promise<MessagePreferences> {
    const details = [];
    const email = dto.email === undefined ? undefined : dto.email?.trim() || null;
    const phone = dto.phone === undefined ? undefined : dto.phone?.trim() || null;
    if (email && (email.length > 254 || !EMAIL.test(email))) details.push({ field: 'email', code: 'invalid', message: '电子邮箱格式不正确' });
    if (phone && !PHONE.test(phone)) details.push({ field: 'phone', code: 'invalid', message: '手机号码应为 11 位大陆手机号' });
    for (const k of ['email_enabled', 'sms_enabled'] as const) {
      if (dto[k] !== undefined && typeof dto[k] !== 'boolean') details.push({ field: k, code: 'invalid', message: '开关应为 true 或 false' });
    }
    if (details.length) throw AppException.validation(details);
    await this.unitOfWork.run(actor, 'message.preferences', async (m, tx) => {
      await this.accounts.setContact(m, actor.userId, { email, phone });
      for (const channel of MESSAGE_CHANNELS) {
        const on = channel === 'email' ? dto.email_enabled : dto.sms_enabled;
        if (on === false) await m.query(`INSERT INTO message_opt_out (user_id, channel) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [actor.userId, channel]);
        if (on === true) await m.query(`DELETE FROM message_opt_out WHERE user_id = $1 AND channel = $2`, [actor.userId, channel]);
      }
      await tx.audit({
        objectType: 'user',
        objectId: actor.userId,
        details: { email: email === undefined ? undefined : maskEmail(email), phone: phone === undefined ? undefined : maskPhone(phone), emailEnabled: dto.email_enabled, smsEnabled: dto.sms_enabled },
      });
    });
    return this.preferences(actor);
  }
}
