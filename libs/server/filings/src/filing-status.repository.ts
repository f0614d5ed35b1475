import { Injectable } from '@nestjs/common';
import { FILING_STATUS_SORT_KEYS } from '@cqo/contracts';
import type { FilingStatusQuery, FilingStatusSortKey, ReportStatus } from '@cqo/contracts';
import { inRegionSql, regionSubtreePattern } from '@cqo/server-auth';
import { orderBySort } from '@cqo/server-common';
import { ACTIVE_ON } from '@cqo/server-eligibility';
import { PoolRepository } from '@cqo/server-database';

/** Enterprises of a subtree expected to report for a year, with their report (if any): $1 pattern, $2 year, $3 window opening. */
export const EXPECTED_SQL = `SELECT e.id, e.name, e.credit_code, e.region_code, e.region_path,
       EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = e.id AND ${ACTIVE_ON('a', '$3')}) AS expected,
       r.id AS report_id, r.status, coalesce(r.late, false) AS late, r.submitted_at
  FROM enterprise e LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $2
 WHERE ${inRegionSql('e', '$1')}`;

/** Expected and not yet submitted (nothing, a draft, or a returned report). */
export const OUTSTANDING = `x.expected AND (x.status IS NULL OR x.status IN ('draft','returned'))`;

/** A line of the status list: an enterprise, its region's name, its report of the year (if any) and its last 催报. */
export interface FilingStatusEnterpriseRow {
  id: string;
  name: string;
  credit_code: string;
  region_code: string;
  region_path: string;
  region_name: string;
  expected: boolean;
  report_id: string | null;
  status: ReportStatus | null;
  late: boolean;
  submitted_at: Date | null;
  last_reminded_at: Date | null;
}

/** The list's count, and how many of it filed though not expected. */
export interface FilingStatusCounts {
  total: number;
  not_expected: number;
}

/** Which year's list, of which subtree: the region's path, the year and its window opening (who is expected). */
export interface FilingStatusScope {
  path: string;
  year: number;
  windowOpens: string;
}

/**
 * The reads of 报送情况 (SPEC §2): the enterprises of a subtree expected to report a year, with their
 * report and last 催报 (the list, its count and its export, issue 20 item 3). `EXPECTED_SQL` and
 * `OUTSTANDING` are shared with the 催报 of RemindersRepository.
 */
@Injectable()
export class FilingStatusRepository extends PoolRepository {
  /** The count of the list filtered by `status`, and of the enterprises in it that filed though not expected. */
  async counts(s: FilingStatusScope, status: FilingStatusQuery['status']): Promise<FilingStatusCounts> {
    const [counts]: FilingStatusCounts[] = await this.dataSource.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT t.expected)::int AS not_expected FROM (${listSql(status)}) t`,
      expectedParams(s),
    );
    return counts;
  }

  /** A page of the list filtered by `status`, in the sort asked for. */
  rows(s: FilingStatusScope, q: Pick<FilingStatusQuery, 'status' | 'sort'> & { page: number; pageSize: number }): Promise<FilingStatusEnterpriseRow[]> {
    return this.dataSource.query(
      `SELECT t.*, g.name AS region_name,
                (SELECT max(l.created_at) FROM reminder_log l WHERE l.subject = 'enterprise:' || t.id AND l.year = $2) AS last_reminded_at
           FROM (${listSql(q.status)}) t JOIN region g ON g.code = t.region_code
          ORDER BY ${orderBySort(q.sort, FILING_STATUS_SORT_KEYS, FILING_STATUS_SORT_SQL, 't.region_code, t.name, t.id')}
          LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      expectedParams(s),
    );
  }
}

/** The parameters of `EXPECTED_SQL` ($1 the subtree, $2 the year, $3 the window's opening). */
export function expectedParams(s: FilingStatusScope): unknown[] {
  return [regionSubtreePattern(s.path), s.year, s.windowOpens];
}

/**
 * The list holds the 应报 enterprises and those that filed though not expected (e.g. a CQO appointed
 * after the window opened), filtered by `status`.
 */
function listSql(status: FilingStatusQuery['status']): string {
  return `WITH x AS (${EXPECTED_SQL}) SELECT * FROM x WHERE (x.expected OR x.report_id IS NOT NULL) AND ${statusFilter(status)}`;
}

/** The column each sort key of the status list orders by (issue 20 item 3); the DTO admits only these keys. */
const FILING_STATUS_SORT_SQL: Record<FilingStatusSortKey, string> = {
  enterprise: 't.name',
  creditCode: 't.credit_code',
  region: 't.region_code',
  // The way a report goes: not started, draft, returned, submitted, accepted.
  status: `CASE coalesce(t.status, 'not-started') WHEN 'not-started' THEN 0 WHEN 'draft' THEN 1 WHEN 'returned' THEN 2 WHEN 'submitted' THEN 3 ELSE 4 END`,
  submittedAt: 't.submitted_at',
  lastRemindedAt: 'last_reminded_at',
};

export function statusFilter(status: FilingStatusQuery['status']): string {
  switch (status) {
    case undefined:
      return 'TRUE';
    case 'not-started':
      return 'x.report_id IS NULL';
    case 'late':
      return `x.late AND x.status IN ('submitted','accepted')`;
    case 'overdue':
      return OUTSTANDING;
    case 'draft':
    case 'submitted':
    case 'returned':
    case 'accepted':
      return `x.status = '${status}'`;
  }
}
