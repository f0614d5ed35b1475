import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationItem, NotificationKind, NotificationList } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import { AppException, Clock, isoOrNull, pickCamel, type Actor } from '@cqo/server-common';
import { MessagingService, type MessageTemplate } from '@cqo/server-messaging';
import { NOTIFICATION_CHANNEL, type NotificationChannel, type OutgoingNotification } from './notification-channel';
import { NotificationsRepository, type NotificationRow, type Recipients } from './notifications.repository';

export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  /** With the user, makes the notification idempotent: the same key twice creates one row. */
  dedupeKey: string;
  /** The e-mail / SMS template (issue 22); by default the one of the kind. */
  template?: MessageTemplate;
  /** Named values for the template (year, deadline, …). */
  params?: Record<string, string | number>;
}

/** The e-mail / SMS template of a notification kind (issue 22; the texts are in server-messaging's templates.ts). */
export function templateOf(kind: NotificationKind): MessageTemplate {
  switch (kind) {
    case 'reminder':
      return 'chase';
    case 'deadline-approaching':
    case 'overdue':
      return 'deadline';
    case 'report-returned':
      return 'returned';
    case 'report-accepted':
      return 'accepted';
    case 'report-submitted':
    case 'city-report-submitted':
    case 'city-report-returned':
    case 'city-report-accepted':
      return 'generic';
    case 'term-ending':
    case 'certificate-suspended':
    case 'certificate-revoked':
    case 'certificate-expired':
    case 'training-shortfall':
      return kind;
  }
}


/** The in-app notification centre (SPEC §2 reminders; returns and acceptances). */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly clock: Clock,
    @Inject(NOTIFICATION_CHANNEL) private readonly channel: NotificationChannel,
    private readonly messaging: MessagingService,
  ) {}

  /**
   * Creates the notification for each recipient in the caller's transaction, once per
   * (user, dedupe key), and queues its e-mail and SMS in the same transaction (issue 22: a
   * rolled-back write sends nothing). Returns what was created, to hand to `deliver` after the commit.
   */
  async notify(m: EntityManager, to: Recipients, n: NewNotification): Promise<OutgoingNotification[]> {
    const rows = await this.repo.insert(m, to, n, this.clock.now());
    await this.message(m, rows.map((r) => r.user_id), n);
    return rows.map((r) => ({ userId: r.user_id, username: r.username, title: n.title, body: n.body, link: n.link }));
  }

  /**
   * The officers' daily digest of a chase (bell only, no e-mail or SMS): every active city and
   * county officer whose region holds any of `outstanding` (the region paths of the enterprises
   * still to report, one entry each) is told how many, once per (user, dedupe key).
   */
  async outstandingDigest(m: EntityManager, outstanding: string[], n: Omit<NewNotification, 'body'>): Promise<OutgoingNotification[]> {
    const rows = await this.repo.insertDigest(m, outstanding, n, this.clock.now());
    return rows.map((r) => ({ userId: r.user_id, username: r.username, title: n.title, body: r.body, link: n.link }));
  }

  /** Queues the e-mail and SMS of notifications just created for these users (in the caller's transaction). */
  async message(m: EntityManager, userIds: string[], n: NewNotification): Promise<void> {
    if (!userIds.length) return;
    await this.messaging.queue(m, {
      userIds,
      kind: n.kind,
      template: n.template ?? templateOf(n.kind),
      title: n.title,
      body: n.body,
      link: n.link,
      dedupeKey: n.dedupeKey,
      params: n.params,
    });
  }

  /** Forwards committed notifications to the outside channel; a failure is logged, never thrown. */
  async deliver(items: OutgoingNotification[]): Promise<void> {
    for (const n of items) {
      try {
        await this.channel.deliver(n);
      } catch (err) {
        this.logger.warn(`channel ${this.channel.name} could not deliver to ${n.username}: ${(err as Error).message}`);
      }
    }
  }

  async list(actor: Actor, q: { unreadOnly?: boolean; page: number; pageSize: number }): Promise<NotificationList> {
    const unreadOnly = q.unreadOnly === true;
    const [rows, { total, unread }] = await Promise.all([
      this.repo.page(actor.userId, unreadOnly, q.pageSize, (q.page - 1) * q.pageSize),
      this.repo.counts(actor.userId, unreadOnly),
    ]);
    return { items: rows.map(item), total, unread };
  }

  async markRead(actor: Actor, id: string): Promise<NotificationItem> {
    if (!isUuid(id)) throw AppException.notFound('消息');
    const row = await this.repo.markRead(id, actor.userId, this.clock.now());
    if (!row) throw AppException.notFound('消息');
    return item(row);
  }

  async markAllRead(actor: Actor): Promise<{ updated: number }> {
    return { updated: await this.repo.markAllRead(actor.userId, this.clock.now()) };
  }
}

function item(r: NotificationRow): NotificationItem {
  return { ...pickCamel(r, ['id', 'kind', 'title', 'body', 'link']), createdAt: new Date(r.created_at).toISOString(), readAt: isoOrNull(r.read_at) };
}
