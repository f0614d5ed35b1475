import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { NotificationKind } from '@cqo/contracts';
import { inRegionSql } from '@cqo/server-auth';
import { PoolRepository } from '@cqo/server-database';

/** Who gets a notification: users picked by a SQL condition over `app_user u` (active users only). */
export type Recipients =
  | { enterpriseId: string }
  | { enterpriseIds: string[] }
  | { regionCode: string; roles: ('city' | 'county' | 'province')[] }
  | { userIds: string[] };

/** A `notification` row as the bell menu reads it. */
export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

/** The text of a notification as stored, with its dedupe key. */
export interface NotificationText {
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  dedupeKey: string;
}

/** A notification created for a user (with the username, for the outside channel). */
export interface CreatedNotificationRow {
  user_id: string;
  username: string;
}

/** A user's count of notifications in the list asked for, and of the unread ones. */
export interface NotificationCounts {
  total: number;
  unread: number;
}

/**
 * The only reader and writer of `notification` (the bell menu, SPEC §2). A notification is created
 * once per (user, dedupe key); the creates run in the caller's transaction and take its manager.
 */
@Injectable()
export class NotificationsRepository extends PoolRepository {
  /** Creates `n` for each active recipient that has not had its dedupe key; who got it. */
  insert(m: EntityManager, to: Recipients, n: NotificationText, at: Date): Promise<CreatedNotificationRow[]> {
    const params: unknown[] = [n.kind, n.title, n.body, n.link, n.dedupeKey, at];
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
    return m.query(
      `WITH ins AS (
         INSERT INTO notification (user_id, kind, title, body, link, dedupe_key, created_at)
         SELECT u.id, $1, $2, $3, $4, $5, $6 FROM app_user u WHERE u.is_active AND ${where}
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING user_id
       )
       SELECT ins.user_id, u.username FROM ins JOIN app_user u ON u.id = ins.user_id`,
      params,
    );
  }

  /**
   * The officers' digest: for each active city and county officer whose region holds any of
   * `outstanding` (region paths, one per enterprise), a notification saying how many; who got it.
   */
  insertDigest(
    m: EntityManager,
    outstanding: string[],
    n: Omit<NotificationText, 'body'>,
    at: Date,
  ): Promise<(CreatedNotificationRow & { body: string })[]> {
    return m.query(
      `WITH o AS (SELECT unnest($1::text[]) AS region_path),
       ins AS (
         INSERT INTO notification (user_id, kind, title, body, link, dedupe_key, created_at)
         SELECT u.id, $2, $3, '本地区还有 ' || n.count || ' 家企业未报送年度报告，可在“报送情况”中催报。', $4, $5, $6
           FROM app_user u JOIN region g ON g.code = u.region_code
           CROSS JOIN LATERAL (SELECT count(*) AS count FROM o WHERE ${inRegionSql('o', `g.path || '%'`)}) n
          WHERE u.is_active AND u.role IN ('city','county') AND n.count > 0
         ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING user_id, body)
       SELECT ins.user_id, u.username, ins.body FROM ins JOIN app_user u ON u.id = ins.user_id`,
      [outstanding, n.kind, n.title, n.link, n.dedupeKey, at],
    );
  }

  /** A page of a user's notifications (all, or the unread only), newest first. */
  page(userId: string, unreadOnly: boolean, limit: number, offset: number): Promise<NotificationRow[]> {
    return this.dataSource.query(
      `SELECT id, kind, title, body, link, created_at, read_at FROM notification
          WHERE user_id = $1 AND ($2::boolean = false OR read_at IS NULL)
          ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
      [userId, unreadOnly, limit, offset],
    );
  }

  async counts(userId: string, unreadOnly: boolean): Promise<NotificationCounts> {
    const [counts]: NotificationCounts[] = await this.dataSource.query(
      `SELECT (count(*) FILTER (WHERE $2::boolean = false OR read_at IS NULL))::int AS total, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread
           FROM notification WHERE user_id = $1`,
      [userId, unreadOnly],
    );
    return counts;
  }

  /** Marks a user's notification read (the first time only); the row, or null when it is not theirs. */
  async markRead(id: string, userId: string, at: Date): Promise<NotificationRow | null> {
    const [rows]: [NotificationRow[], number] = await this.dataSource.query(
      `UPDATE notification SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2
       RETURNING id, kind, title, body, link, created_at, read_at`,
      [id, userId, at],
    );
    return rows[0] ?? null;
  }

  /** Marks every unread notification of a user read; how many. */
  async markAllRead(userId: string, at: Date): Promise<number> {
    const [, updated]: [unknown, number] = await this.dataSource.query(`UPDATE notification SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, [userId, at]);
    return updated;
  }
}
