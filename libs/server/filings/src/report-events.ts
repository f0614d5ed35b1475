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

/** The columns of an event row, each as an SQL expression over the rows of `from`. */
export interface EventColumns {
  type: string;
  reportId: string;
  from: string;
  to: string;
  actorId: string;
  actorRole: string;
  reason: string;
  at: string;
}

/**
 * The event rows of a report write as an `INSERT … SELECT` for the caller to send inside its own
 * statement (a data-modifying CTE, like `AuditService.insertStatement`): one row per row of `from`,
 * so a write and its history row cost one round trip (the annual-report submit, issue 16).
 */
export function eventInsertSelect(from: string, c: EventColumns): string {
  return `INSERT INTO report_event (report_type, report_id, from_status, to_status, actor_id, actor_role, reason, at)
                   SELECT ${[c.type, c.reportId, c.from, c.to, c.actorId, c.actorRole, c.reason, c.at].join(', ')} FROM ${from}`;
}

/**
 * Whom a history step (`ev`, its account `u`) was taken for (issue 20 item 7): the account's
 * enterprise or region; without an account, the report's enterprise (`enterpriseName`) for a filer
 * or the office of the report's region (`path`) at the role's level for an officer; NULL otherwise.
 */
export const actorUnitSql = (path: string, enterpriseName: string): string => `CASE
    WHEN u.id IS NOT NULL THEN COALESCE((SELECT ue.name FROM enterprise ue WHERE ue.id = u.enterprise_id), (SELECT ur.name FROM region ur WHERE ur.code = u.region_code))
    WHEN ev.actor_role = 'enterprise' THEN ${enterpriseName}
    -- The region path lists the codes from the province down ('/420000/420100/420102/'): the office's
    -- code at the role's level is read off it, and its name found by the primary key.
    WHEN ev.actor_role IN ('province', 'city', 'county') THEN (
      SELECT g.name FROM region g
       WHERE g.code = split_part(${path}, '/', CASE ev.actor_role WHEN 'province' THEN 2 WHEN 'city' THEN 3 ELSE 4 END))
  END`;

/**
 * A report's history, oldest first, each step with who took it (issue 20 item 7): the account's
 * name and its unit (the region of an officer, the enterprise of a filer). A step recorded without
 * an account (the demo's seeded history, an account since removed) names the unit its role acts
 * for: the report's enterprise for a filer, the office of the report's region at the role's level
 * for an officer. A step with neither is the system's (`actorName` and `actorUnit` null).
 */
export async function reportEvents(m: EntityManager, type: ReportType, reportId: string): Promise<ReportEvent[]> {
  const rows = await m.query(
    `SELECT ev.at, u.display_name AS actor_name, ev.actor_role, ev.from_status, ev.to_status, ev.reason,
            ${actorUnitSql('COALESCE(ar.region_path, cr.region_path)', 'e.name')} AS actor_unit
       FROM report_event ev
       LEFT JOIN app_user u ON u.id = ev.actor_id
       LEFT JOIN annual_report ar ON ev.report_type = 'annual' AND ar.id = ev.report_id
       LEFT JOIN enterprise e ON e.id = ar.enterprise_id
       LEFT JOIN city_report cr ON ev.report_type = 'city' AND cr.id = ev.report_id
      WHERE ev.report_type = $1 AND ev.report_id = $2 ORDER BY ev.id`,
    [type, reportId],
  );
  return rows.map((r: Record<string, unknown>) => ({
    at: new Date(r.at as string).toISOString(),
    actorName: (r.actor_name as string | null) ?? null,
    actorUnit: (r.actor_unit as string | null) ?? null,
    actorRole: (r.actor_role as Role | null) ?? null,
    fromStatus: r.from_status as ReportProgress,
    toStatus: r.to_status as ReportStatus,
    reason: (r.reason as string | null) ?? null,
  }));
}
