import { Injectable, Module } from '@nestjs/common';
import type { FilingStatusEnterprise, FilingStatusQuery, FilingStatusResponse } from '@cqo/contracts';
import { currentReportingYear } from '@cqo/policy';
import { Clock, type Actor } from '@cqo/server-common';
import { RegionsModule, RegionsService } from '@cqo/server-regions';
import { FilingSettingsRepository } from './filing-settings.repository';
import { FilingSettingsService } from './filing-settings.service';
import { FilingStatusRepository } from './filing-status.repository';

export type FilingStatusPageQuery = FilingStatusQuery & { page: number; pageSize: number };

/**
 * The enterprise list of 报送情况 (SPEC §2): the page's list and its export (issue 20 item 3), the
 * same query, filters and whitelisted sort for both.
 */
@Injectable()
export class FilingStatusListService {
  constructor(
    private readonly repo: FilingStatusRepository,
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
    const scope = { path, year, windowOpens };
    const [{ total, not_expected: notExpected }, rows] = await Promise.all([
      // `notExpected` says how many filed though not expected (e.g. a CQO appointed after the window
      // opened), so 应报 and the list's count can be read together.
      this.repo.counts(scope, q.status),
      this.repo.rows(scope, q),
    ]);
    return {
      total,
      notExpected,
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map(
        (r): FilingStatusEnterprise => ({
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

/** The list for the export jobs (the files module), without the rest of the reporting cycle. */
@Module({
  imports: [RegionsModule],
  providers: [FilingSettingsRepository, FilingSettingsService, FilingStatusRepository, FilingStatusListService],
  exports: [FilingStatusListService],
})
export class FilingStatusListModule {}
