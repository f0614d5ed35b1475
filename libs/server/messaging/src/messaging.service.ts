import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MOBILE_PHONE_PATTERN, chinaDate, maskEmail, maskPhone } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { AccountsRepository } from '@cqo/server-auth';
import { APP_CONFIG, AppException, Clock, isoOrNull, type Actor, type AppConfig } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { MessagesRepository, type DeliveryLogRow, type DeliveryStatus } from './messages.repository';
import { quietUntil } from './quiet-hours';
import { EmailSender, MESSAGE_CHANNELS, SmsSender, type MessageChannel } from './senders';
import { absoluteLink, renderMessage, type MessageTemplate } from './templates';

export type { DeliveryStatus };

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

/** A line of the delivery log as the API answers it: the repository's row with ISO times. */
export interface DeliveryItem extends Omit<DeliveryLogRow, 'created_at' | 'sent_at'> {
  createdAt: string;
  sentAt: string | null;
}

export interface MessagePreferences {
  email: string | null;
  phone: string | null;
  channels: { channel: MessageChannel; enabled: boolean; configured: boolean }[];
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function maskAddress(channel: MessageChannel, address: string | null): string | null {
  return channel === 'email' ? maskEmail(address) : maskPhone(address);
}

/**
 * E-mail and SMS next to the in-app notification (issue 22, docs/notifications.md). `queue` writes
 * one `message_delivery` row per recipient and channel in the caller's transaction (a rolled-back
 * write sends nothing) and one `messages.send` job per queued row through the outbox. The rules
 * (channel, opt-out, address, daily cap, quiet hours), audit and transactions live here; the SQL in
 * MessagesRepository.
 */
@Injectable()
export class MessagingService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly messages: MessagesRepository,
    private readonly unitOfWork: UnitOfWork,
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
    await this.messages.lockCaps(m, req.userIds);
    const targets = await this.messages.recipients(m, req.userIds, today);
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
    const written = await this.messages.insertDeliveries(
      m,
      rows.map((r) => ({
        userId: r.t.user_id,
        enterpriseId: r.t.enterprise_id,
        channel: r.channel,
        address: r.reason ? null : r.address,
        addressMasked: maskAddress(r.channel, r.address),
        reason: r.reason,
        subject: r.subject,
        text: r.text,
      })),
      { kind: req.kind, template: req.template, dedupeKey: req.dedupeKey, onDate: today, notBefore: hold, at: now },
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
    const rows = await this.messages.forEnterprise(enterpriseId, limit);
    return rows.map(({ created_at, sent_at, ...item }) => ({ ...item, createdAt: new Date(created_at).toISOString(), sentAt: isoOrNull(sent_at) }));
  }

  async preferences(actor: Actor): Promise<MessagePreferences> {
    const u = await this.messages.preferences(actor.userId);
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
    if (phone && !MOBILE_PHONE_PATTERN.test(phone)) details.push({ field: 'phone', code: 'invalid', message: '手机号码应为 11 位大陆手机号' });
    for (const k of ['email_enabled', 'sms_enabled'] as const) {
      if (dto[k] !== undefined && typeof dto[k] !== 'boolean') details.push({ field: k, code: 'invalid', message: '开关应为 true 或 false' });
    }
    if (details.length) throw AppException.validation(details);
    await this.unitOfWork.run(actor, 'message.preferences', async (m, tx) => {
      await this.accounts.setContact(m, actor.userId, { email, phone });
      for (const channel of MESSAGE_CHANNELS) {
        const on = channel === 'email' ? dto.email_enabled : dto.sms_enabled;
        if (on === false) await this.messages.optOut(m, actor.userId, channel);
        if (on === true) await this.messages.optIn(m, actor.userId, channel);
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
