import type { EntityManager } from 'typeorm';
import type { ReportEvent, ReportProgress, ReportStatus, Role } from '@cqo/contracts';
import type { Actor } from '@cqo/server-common';

export type ReportType = 'annual' | 'city';

/** Appends one state change to a report's history (append-only table; the audit log has the same change). */
export async function recordEvent(
  m: EntityManager,
  type: ReportType,
  reportId: string,
  from: ReportProgress,
  to: ReportStatus,
  actor: Actor,
  reason: string | null,
  at: Date,
): Promise<void> {
  await m.query(
    `INSERT INTO report_event (report_type, report_id, from_status, to_status, actor_id, actor_role, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [type, reportId, from, to, actor.userId || null, actor.role, reason, at],
  );
}

export async function reportEvents(m: EntityManager, type: ReportType, reportId: string): Promise<ReportEvent[]> {
  const rows = await m.query(
    `SELECT ev.at, u.display_name AS actor_name, ev.actor_role, ev.from_status, ev.to_status, ev.reason
       FROM report_event ev LEFT JOIN app_user u ON u.id = ev.actor_id
      WHERE ev.report_type = $1 AND ev.report_id = $2 ORDER BY ev.id`,
    [type, reportId],
  );
  return rows.map((r: Record<string, unknown>) => ({
    at: new Date(r.at as string).toISOString(),
    actorName: (r.actor_name as string | null) ?? null,
    actorRole: (r.actor_role as Role | null) ?? null,
    fromStatus: r.from_status as ReportProgress,
    toStatus: r.to_status as ReportStatus,
    reason: (r.reason as string | null) ?? null,
  }));
}
