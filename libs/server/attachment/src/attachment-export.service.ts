import { Injectable } from '@nestjs/common';
import type { AttachmentExportParams, AttachmentExportSummary, RegionStats } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { regionSubtreePattern } from '@cqo/server-auth';
import { AppException, NO_PROGRESS, openHashedFile, type Actor, type ProgressSink } from '@cqo/server-common';
import { EligibilityService } from '@cqo/server-eligibility';
import { StatsService } from '@cqo/server-stats';
import { attachmentFileName, DetailTotals, detailCells, summaryCells, validateParams } from './attachment-layout';
import { AttachmentWorkbook } from './attachment-workbook';
import { AttachmentRepository, type AttachmentRegion, type RowCursor } from './attachment.repository';

/** Rows between two progress reports (the sink throttles its own writes). */
const PROGRESS_EVERY = 500;

interface SummaryFigures {
  self: RegionStats;
  children: { name: string; stats: RegionStats }[];
}

/**
 * The statutory attachment table (SPEC §7 附件, seed `004 三(二)`) of a region and year,
 * streamed to disk with exceljs' WorkbookWriter from a PostgreSQL cursor: memory stays flat
 * however many enterprises the region holds. The 汇总 sheet's figures are `cqo stats`' own
 * (StatsService.regionStats), so the two never disagree.
 */
@Injectable()
export class AttachmentExportService {
  constructor(
    private readonly repo: AttachmentRepository,
    private readonly stats: StatsService,
    private readonly audit: AuditService,
    private readonly eligibility: EligibilityService,
  ) {}

  /**
   * Throws 404 (AppException) unless the actor may export this region: a county or city its own
   * subtree, the province anything in the province. An enterprise, an evaluator and the system
   * admin get 404 too: the table carries the CQOs' personal data, which SPEC §1 shows whole only
   * to the supervising offices (admin runs the system, not the supervision).
   */
  async authorize(actor: Actor, params: AttachmentExportParams): Promise<void> {
    const problems = validateParams(params);
    if (problems.length) throw AppException.validation(problems);
    await this.authorizedRegion(actor, params.region);
  }

  private async authorizedRegion(actor: Actor, code: string): Promise<AttachmentRegion> {
    switch (actor.role) {
      case 'county':
      case 'city':
      case 'province':
        break;
      case 'enterprise':
      case 'evaluator':
      case 'admin':
        throw AppException.notFound('地区');
      default: {
        const unhandled: never = actor.role;
        throw new Error(`unhandled role ${String(unhandled)}`);
      }
    }
    if (!actor.regionCode) throw AppException.notFound('地区');
    const [scope, region] = await Promise.all([this.repo.region(actor.regionCode), this.repo.region(code)]);
    if (!scope || !region || !region.path.startsWith(scope.path)) throw AppException.notFound('地区');
    return region;
  }

  /** Writes the workbook to `outPath` (removed again on failure or cancel), audits the export, returns the summary. */
  async export(actor: Actor, params: AttachmentExportParams, outPath: string, progress: ProgressSink = NO_PROGRESS): Promise<AttachmentExportSummary> {
    const problems = validateParams(params);
    if (problems.length) throw AppException.validation(problems);
    const region = await this.authorizedRegion(actor, params.region);
    const { year } = params;

    // The 汇总 figures first: they fix the as-of date (the snapshot's, unless one was asked for).
    const figures = await this.summaryFigures(region, year, params.asOf);
    const asOf = figures.self.asOf;
    const source = figures.self.source;
    // 任职资格结论 and the 备注 are the verdicts on the as-of date (kept when it is past), as 符合任职条件人数 counts them.
    await this.eligibility.judgeOn(this.repo.manager, asOf, { pathLike: regionSubtreePattern(region.path) });
    const total = await this.repo.count(region.path, year, asOf);
    await progress.report(0, total);

    const out = openHashedFile(outPath);
    const book = new AttachmentWorkbook(out.stream, {
      regionCode: region.code,
      regionName: region.name,
      year,
      asOf,
      snapshotRunId: source.runId,
      snapshotBuiltAt: source.builtAt,
    });

    let cursor: RowCursor | null = null;
    const totals = new DetailTotals();
    let sha256 = '';
    let bytes = 0;
    try {
      book.startDetail();
      cursor = await this.repo.rows(region.path, year, asOf);
      for await (const row of cursor.rows) {
        const cells = detailCells(totals.rows + 1, row);
        totals.add(cells);
        book.addDetail(cells);
        if (totals.rows % PROGRESS_EVERY === 0) {
          await book.drain();
          await progress.report(totals.rows, total);
        }
      }
      await cursor.close();
      cursor = null;
      book.finishDetail(totals.cells());
      book.writeSummary(
        figures.children.map((c) => summaryCells(c.name, c.stats)),
        summaryCells('合计', figures.self),
      );
      await book.commit();
      ({ sha256, bytes } = await out.finish());
      await progress.report(totals.rows, total);
      // Audited before it is handed out: an export the log does not know of is not delivered.
      await this.audit.record({
        // The command line acts as the province office with no user behind it: its name only.
        ...(actor.userId ? { actor } : { username: actor.username }),
        ip: actor.ip,
        action: 'export.attachment',
        objectType: 'region',
        objectId: region.code,
        result: 'success',
        details: { year, asOf, rows: totals.rows, sha256, snapshotRunId: source.runId },
      });
    } catch (err) {
      // Whatever stopped us (a cancel, a database error, a full disk): no partial file is left.
      book.abort();
      await cursor?.close().catch(() => undefined);
      await out.abort();
      throw err;
    }

    return {
      region: region.code,
      regionName: region.name,
      year,
      asOf,
      rows: totals.rows,
      summaryRows: figures.children.length,
      sha256,
      bytes,
      snapshotRunId: source.runId,
      snapshotBuiltAt: source.builtAt,
      fileName: attachmentFileName(region.name, year),
    };
  }

  /**
   * `cqo stats` of the region and of each child region for the same as-of date. A snapshot run
   * swapped in between the calls would mix two runs: then read them all again (a few times).
   */
  private async summaryFigures(region: AttachmentRegion, year: number, asOf?: string): Promise<SummaryFigures> {
    const children = await this.repo.children(region.code);
    for (let attempt = 1; ; attempt++) {
      const self = await this.stats.regionStats(region.code, year, asOf);
      const rows: SummaryFigures['children'] = [];
      for (const c of children) rows.push({ name: c.name, stats: await this.stats.regionStats(c.code, year, self.asOf) });
      const sameRun = rows.every((r) => r.stats.source.runId === self.source.runId && r.stats.asOf === self.asOf);
      if (sameRun || attempt >= 3) return { self, children: rows };
    }
  }
}
