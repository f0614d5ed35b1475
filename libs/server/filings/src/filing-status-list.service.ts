import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FILING_STATUS_SORT_KEYS } from '@cqo/contracts';
import type { FilingStatusEnterprise, FilingStatusQuery, FilingStatusResponse, FilingStatusSortKey } from '@cqo/contracts';
import { currentReportingYear, subtreePattern } from '@cqo/policy';
import { inRegionSql } from '@cqo/server-auth';
import { Clock, orderBySort, type Actor } from '@cqo/server-common';
import { ACTIVE_ON } from '@cqo/server-eligibility';
import { RegionsModule, RegionsService } from '@cqo/server-regions';
import { FilingSettingsService } from './filing-settings.service';

/** Enterprises of a subtree expected to report for a year, with their report (if any): $1 pattern, $2 year, $3 window opening. */
export const EXPECTED_SQL = `SELECT e.id, e.name, e.credit_code, e.region_code, e.region_path,
       EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = e.id AND ${ACTIVE_ON('a', '$3')}) AS expected,
       r.id AS report_id, r.status, coalesce(r.late, false) AS late, r.submitted_at
  FROM enterprise e LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $2
 WHERE ${inRegionSql('e', '$1')}`;

/** Expected and not yet submitted (nothing, a draft, or a returned report). */
export const OUTSTANDING = `x.expected AND (x.status IS NULL OR x.status IN ('draft','returned'))`;

export type FilingStatusPageQuery = FilingStatusQuery & { page: number; pageSize: number };

/**
 * The enterprise list of 报送情况 (SPEC §2): the page's list and its export (issue 20 item 3), the
 * same query, filters and whitelisted sort for both.
 */
@Injectable()
export class FilingStatusListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly settings: FilingSettingsService,
    private readonly clock: Clock,
  ) {}

  /** The region the list is of: the one asked for (if visible to the actor), else the actor's scope. */
  region(actor: Actor, regionCode: string | undefined) {
    return regionCode ? this.regions.visible(actor, regionCode) : this.regions.scopeRoot(actor);
  }

  /** A page of the list as the actor asks it (what the export reads page by page). */
  async list(actor: Actor, q: FilingStatusPageQuery): Promise<FilingStatusResponse['enterprises']> {
    const region = await this.region(actor, q.regionCode);
    const year = q.year ?? currentReportingYear(this.clock.today());
    const settings = await this.settings.forYear(year);
    return this.page(region.path, year, settings.windowOpens, q);
  }

  /** A page of the status list of a subtree: the 应报 enterprises and those that filed though not expected. */
  async page(
    path: string,
    year: number,
    windowOpens: string,
    q: Pick<FilingStatusQuery, 'status' | 'sort'> & { page: number; pageSize: number },
  ): Promise<FilingStatusResponse['enterprises']> {
    const params = [subtreePattern(path), year, windowOpens];
    const base = `WITH x AS (${EXPECTED_SQL}) SELECT * FROM x WHERE (x.expected OR x.report_id IS NOT NULL) AND ${statusFilter(q.status)}`;
    const [[{ total, not_expected: notExpected }], rows] = await Promise.all([
      // The list holds the 应报 enterprises and those that filed though not expected (e.g. a CQO appointed after
      // the window opened): `notExpected` says how many of the latter, so 应报 and the list's count can be read together.
      this.dataSource.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT t.expected)::int AS not_expected FROM (${base}) t`, params),
      this.dataSource.query(
        `SELECT t.*, g.name AS region_name,
                (SELECT max(l.created_at) FROM reminder_log l WHERE l.subject = 'enterprise:' || t.id AND l.year = $2) AS last_reminded_at
           FROM (${base}) t JOIN region g ON g.code = t.region_code
          ORDER BY ${orderBySort(q.sort, FILING_STATUS_SORT_KEYS, FILING_STATUS_SORT_SQL, 't.region_code, t.name, t.id')}
          LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
        params,
      ),
    ]);
    return {
      total,
      notExpected,
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map(
        (r: Record<string, never>): FilingStatusEnterprise => ({
          enterpriseId: r.id,
          enterpriseName: r.name,
          creditCode: r.credit_code,
          regionCode: r.region_code,
          regionName: r.region_name,
          expected: r.expected,
          reportId: r.report_id,
          status: r.status ?? 'not-started',
          late: r.late,
          submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
          lastRemindedAt: r.last_reminded_at ? new Date(r.last_reminded_at).toISOString() : null,
        }),
      ),
    };
  }
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

/** The list for the export jobs (the files module), without the rest of the reporting cycle. */
@Module({
  imports: [RegionsModule],
  providers: [FilingSettingsService, FilingStatusListService],
  exports: [FilingStatusListService],
})
export class FilingStatusListModule {}
