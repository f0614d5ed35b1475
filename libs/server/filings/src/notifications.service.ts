import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationItem, NotificationKind, NotificationList } from '@cqo/contracts';
import { inRegionSql } from '@cqo/server-auth';
import { AppException, Clock, isoOrNull, pickCamel, type Actor } from '@cqo/server-common';
import { MessagingService, type MessageTemplate } from '@cqo/server-messaging';
import { NOTIFICATION_CHANNEL, type NotificationChannel, type OutgoingNotification } from './notification-channel';

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

/** Who gets a notification: users picked by a SQL condition over `app_user u` (active users only). */
export type Recipients =
  | { enterpriseId: string }
  | { enterpriseIds: string[] }
  | { regionCode: string; roles: ('city' | 'county' | 'province')[] }
  | { userIds: string[] };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

/** The in-app notification centre (SPEC §2 reminders; returns and acceptances). */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly dataSource: DataSource,
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
    const params: unknown[] = [n.kind, n.title, n.body, n.link, n.dedupeKey, this.clock.now()];
    let where: string;
    if ('enterpriseId' in to) {
      params.push(to.enterpriseId);
      where = `u.role = 'enterprise' AND u.enterprise_id = $7`;
    } else if ('enterpriseIds' in to) {
      params.push(to.enterpriseIds);
      where = `u.role = 'enterprise' AND u.enterprise_id = ANY($7::uuid[])`;
    } else if ('regionCode' in to) {
      params.push(to.regionCode, to.roles);
      where = `u.region_code = $7 AND u.role = ANY($8::varchar[])`;
    } else {
      params.push(to.userIds);
      where = `u.id = ANY($7::uuid[])`;
    }
    const rows: { user_id: string; username: string }[] = await m.query(
      `WITH ins AS (
         INSERT INTO notification (user_id, kind, title, body, link, dedupe_key, created_at)
         SELECT u.id, $1, $2, $3, $4, $5, $6 FROM app_user u WHERE u.is_active AND ${where}
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING user_id
       )
       SELECT ins.user_id, u.username FROM ins JOIN app_user u ON u.id = ins.user_id`,
      params,
    );
    await this.message(m, rows.map((r) => r.user_id), n);
    return rows.map((r) => ({ userId: r.user_id, username: r.username, title: n.title, body: n.body, link: n.link }));
  }

  /**
   * The officers' daily digest of a chase (bell only, no e-mail or SMS): every active city and
   * county officer whose region holds any of `outstanding` (the region paths of the enterprises
   * still to report, one entry each) is told how many, once per (user, dedupe key).
   */
  async outstandingDigest(m: EntityManager, outstanding: string[], n: Omit<NewNotification, 'body'>): Promise<OutgoingNotification[]> {
    const rows: { user_id: string; username: string; body: string }[] = await m.query(
      `WITH o AS (SELECT unnest($1::text[]) AS region_path),
       ins AS (
         INSERT INTO notification (user_id, kind, title, body, link, dedupe_key, created_at)
         SELECT u.id, $2, $3, '本地区还有 ' || n.count || ' 家企业未报送年度报告，可在“报送情况”中催报。', $4, $5, $6
           FROM app_user u JOIN region g ON g.code = u.region_code
           CROSS JOIN LATERAL (SELECT count(*) AS count FROM o WHERE ${inRegionSql('o', `g.path || '%'`)}) n
          WHERE u.is_active AND u.role IN ('city','county') AND n.count > 0
         ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING user_id, body)
       SELECT ins.user_id, u.username, ins.body FROM ins JOIN app_user u ON u.id = ins.user_id`,
      [outstanding, n.kind, n.title, n.link, n.dedupeKey, this.clock.now()],
    );
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
    const [rows, [{ total, unread }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, kind, title, body, link, created_at, read_at FROM notification
          WHERE user_id = $1 AND ($2::boolean = false OR read_at IS NULL)
          ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
        [actor.userId, unreadOnly, q.pageSize, (q.page - 1) * q.pageSize],
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(
        `SELECT (count(*) FILTER (WHERE $2::boolean = false OR read_at IS NULL))::int AS total, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread
           FROM notification WHERE user_id = $1`,
        [actor.userId, unreadOnly],
      ),
    ]);
    return { items: rows.map(item), total, unread };
  }

  async markRead(actor: Actor, id: string): Promise<NotificationItem> {
    if (!UUID.test(id)) throw AppException.notFound('消息');
    const [row]: NotificationRow[] = await this.dataSource.query(
      `UPDATE notification SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2
       RETURNING id, kind, title, body, link, created_at, read_at`,
      [id, actor.userId, this.clock.now()],
    ).then((r: [NotificationRow[], number]) => r[0]);
    if (!row) throw AppException.notFound('消息');
    return item(row);
  }

  async markAllRead(actor: Actor): Promise<{ updated: number }> {
    const [, updated]: [unknown, number] = await this.dataSource.query(
      `UPDATE notification SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
      [actor.userId, this.clock.now()],
    );
    return { updated };
  }
}

function item(r: NotificationRow): NotificationItem {
  return { ...pickCamel(r, ['id', 'kind', 'title', 'body', 'link']), createdAt: new Date(r.created_at).toISOString(), readAt: isoOrNull(r.read_at) };
}
