import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CityReportDetail, CityReportListItem, ReportProgress, ReportStatus } from '@cqo/contracts';
import { REPORT_STATUS_LABELS, canTransition, isLate, lockedReason, reasonError, yearOf } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { regionSubtreePattern } from '@cqo/server-auth';
import { EligibilityService } from '@cqo/server-eligibility';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { RegionsService, type RegionEntity } from '@cqo/server-regions';
import { FILE_STORAGE, openRecorded, type FileStorage } from '@cqo/server-storage';
import { FilingSettingsService } from './filing-settings.service';
import { NotificationsService } from './notifications.service';
import { AnnualReportsRepository } from './annual-reports.repository';
import { CityReportsRepository, type CityReportRow, type KeptAttachment } from './city-reports.repository';
import { citySnapshot } from './region-figures';
import { recordEvent, reportEvents } from './report-events';

/** How long a download of the 统计表 waits for the worker to make it after a submission, and how often it looks. */
const ATTACHMENT_WAIT_MS = 30_000;
const ATTACHMENT_POLL_MS = 250;

export const NARRATIVE_MAX = 20000;

/** The stored 统计表 of the report's current submission, if the worker has made it. */
function attachmentOf(regionCode: string, year: number, row: CityReportRow | null): Pick<CityReportDetail, 'attachmentUrl' | 'attachmentSha256' | 'attachmentAsOf'> {
  return row?.attachment_current
    ? { attachmentUrl: `/api/city-reports/${regionCode}/${year}/attachment`, attachmentSha256: row.attachment_sha256, attachmentAsOf: row.attachment_as_of }
    : { attachmentUrl: null, attachmentSha256: null, attachmentAsOf: null };
}

/**
 * The city annual report (市州年度报告, SPEC §2.4, 004 三(二)): the narrative, the statistics
 * snapshot frozen at submission and the count of enterprise reports still unreviewed; the
 * province accepts or returns it, and acceptance locks it.
 */
@Injectable()
export class CityReportsService {
  constructor(
    private readonly reports: CityReportsRepository,
    private readonly annualReports: AnnualReportsRepository,
    private readonly regions: RegionsService,
    private readonly settings: FilingSettingsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  async list(actor: Actor, year: number): Promise<CityReportListItem[]> {
    this.assertYear(year);
    const root = await this.regions.scopeRoot(actor);
    if (Number(root.level) > 2) throw AppException.notFound('市州年度报告');
    const rows = await this.reports.list(regionSubtreePattern(root.path), year);
    return rows.map((r) => ({
      id: r.id ?? null,
      regionCode: r.code,
      regionName: r.name,
      year,
      status: r.status ?? 'not-started',
      version: r.version ?? 0,
      late: r.late ?? false,
      submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
      unreviewedAtSubmission: r.unreviewed_at_submission ?? null,
    }));
  }

  async get(actor: Actor, regionCode: string, year: number): Promise<CityReportDetail> {
    const region = await this.city(actor, regionCode);
    this.assertYear(year);
    return this.detail(region, year, await this.reports.find(region.code, year));
  }

  /**
   * The 统计表 kept with the report's current submission: the same bytes on every download (its
   * SHA-256 is in the report and in the audit row of each download). Made by the worker right
   * after the submission commits; a download that comes first waits for that file (issue 17 item 2:
   * never another one), and answers 409 if it is still not there after `ATTACHMENT_WAIT_MS`.
   * 404 when the report has never been submitted.
   */
  async attachment(actor: Actor, regionCode: string, year: number): Promise<{ fileName: string; stream: Readable; size: number; sha256: string }> {
    const region = await this.city(actor, regionCode);
    this.assertYear(year);
    let row = await this.reports.keptAttachment(region.code, year);
    for (const until = Date.now() + ATTACHMENT_WAIT_MS; !row.file && row.submitted && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, ATTACHMENT_POLL_MS));
      row = await this.reports.keptAttachment(region.code, year);
    }
    if (!row.submitted) throw AppException.notFound('统计表');
    if (!row.file) throw AppException.conflict('统计表正在生成，请稍后再下载');
    return this.sendAttachment(actor, region, year, row.file);
  }

  private async sendAttachment(actor: Actor, region: RegionEntity, year: number, row: KeptAttachment): Promise<{ fileName: string; stream: Readable; size: number; sha256: string }> {
    const stream = await openRecorded(this.storage, row.attachment_path, () => AppException.notFound('统计表'));
    const details = { regionCode: region.code, year, sha256: row.attachment_sha256 };
    await this.audit.record({ actor, ip: actor.ip, action: 'city_report.attachment.download', objectType: 'city_report', objectId: row.id, result: 'success', details });
    return { fileName: row.attachment_name ?? `${region.name}${year}年度统计表.xlsx`, stream, size: Number(row.attachment_size), sha256: row.attachment_sha256 };
  }

  async save(actor: Actor, regionCode: string, year: number, narrative: string, version: number): Promise<CityReportDetail> {
    const region = await this.ownCity(actor, regionCode);
    this.assertYear(year);
    const text = narrative.trim();
    await this.unitOfWork.run(actor, 'city_report.save', async (m, tx) => {
      const row = await this.lockForCity(m, region.code, year, version);
      const now = this.clock.now();
      if (!row) {
        const id = await this.insert(m, region, year, text);
        await recordEvent(m, 'city', id, 'not-started', 'draft', actor, null, now);
        await audited(tx, id, { regionCode: region.code, year, from: 'not-started', to: 'draft' });
      } else {
        await this.reports.saveNarrative(m, row.id, text, now);
        await audited(tx, row.id, { regionCode: region.code, year, status: row.status });
      }
    });
    return this.get(actor, region.code, year);
  }

  /** 上报: freezes the snapshot; may go with enterprise reports still unreviewed, and says how many. */
  async submit(actor: Actor, regionCode: string, year: number, narrative: string, version: number): Promise<CityReportDetail> {
    const region = await this.ownCity(actor, regionCode);
    this.assertYear(year);
    const text = narrative.trim();
    if (!text) throw AppException.validation([{ field: 'narrative', code: 'required', message: '请填写推进情况后再上报' }]);
    const settings = await this.settings.forYear(year);
    const today = this.clock.today();
    if (today < settings.windowOpens) {
      throw AppException.validation([{ field: 'year', code: 'windowClosed', message: `${year} 年度的报送将于 ${settings.windowOpens} 开始` }]);
    }
    const province = await this.regions.province(); // before the transaction: it may need the pool
    const sent = await this.unitOfWork.run(actor, 'city_report.submit', async (m, tx) => {
      const row = await this.lockForCity(m, region.code, year, version);
      const now = this.clock.now();
      const from: ReportProgress = row?.status ?? 'not-started';
      const id = row?.id ?? (await this.insert(m, region, year, text));
      const snapshot = await citySnapshot(m, region.code, year, today, now, (asOf, pathLike) => this.eligibility.judgeOn(m, asOf, { pathLike }));
      const unreviewed = await this.annualReports.unreviewedIn(m, region.path, year);
      const late = isLate(today, settings.cityDeadline);
      await this.reports.submit(m, id, { narrative: text, snapshot, unreviewed, at: now, by: actor.userId || null, late });
      await recordEvent(m, 'city', id, from, 'submitted', actor, unreviewed ? `尚有 ${unreviewed} 份企业年报未审核` : null, now);
      // The 统计表 of this submission, generated by the worker from the figures as of today and kept.
      await tx.enqueue('files.city-attachment', { reportId: id, submittedAt: now.toISOString() });
      await audited(tx, id, { regionCode: region.code, year, from, to: 'submitted', late, unreviewed });
      return this.notifications.notify(m, { regionCode: province.code, roles: ['province'] }, {
        kind: 'city-report-submitted',
        title: `${region.name}已上报 ${year} 年度报告${late ? '（迟报）' : ''}`,
        body: unreviewed ? `上报时尚有 ${unreviewed} 份企业年报未审核。` : '企业年报已全部审核。',
        link: `/city-reports?year=${year}&region=${region.code}`,
        dedupeKey: `city:${id}:submitted:${now.getTime()}`,
      });
    });
    await this.notifications.deliver(sent);
    return this.get(actor, region.code, year);
  }

  async review(actor: Actor, regionCode: string, year: number, action: 'accept' | 'return', version: number, reason?: string): Promise<CityReportDetail> {
    const region = await this.city(actor, regionCode);
    const problem = reasonError(reason, action === 'return');
    if (problem) throw AppException.validation([problem]);
    const text = reason?.trim() || null;
    const to: ReportStatus = action === 'accept' ? 'accepted' : 'returned';
    const sent = await this.unitOfWork.run(actor, `city_report.${action}`, async (m, tx) => {
      const now = this.clock.now();
      const done = await this.reports.review(m, {
        regionCode: region.code,
        year,
        version,
        to,
        at: now,
        by: actor.userId || null,
        reason: action === 'return' ? text : null,
      });
      if (!done) {
        const status = await this.reports.status(m, region.code, year);
        if (!status) throw AppException.conflict('该市州尚未上报年度报告');
        throw AppException.conflict(`该报告已被他人处理或尚未上报（当前状态：${REPORT_STATUS_LABELS[status]}），请刷新后查看`);
      }
      await recordEvent(m, 'city', done.id, 'submitted', to, actor, text, now);
      await audited(tx, done.id, { regionCode: region.code, year, from: 'submitted', to, reason: text });
      return this.notifications.notify(m, { regionCode: region.code, roles: ['city'] }, {
        kind: action === 'accept' ? 'city-report-accepted' : 'city-report-returned',
        title: action === 'accept' ? `${year} 市州年度报告已受理` : `${year} 市州年度报告被退回`,
        body: action === 'accept' ? (text ?? '省质强办已受理本市州年度报告。') : `退回原因：${text}`,
        link: `/city-report?year=${year}`,
        dedupeKey: `city:${done.id}:v${done.version}`,
      });
    });
    await this.notifications.deliver(sent);
    return this.get(actor, region.code, year);
  }

  private async detail(region: RegionEntity, year: number, row: CityReportRow | null): Promise<CityReportDetail> {
    const settings = await this.settings.forYear(year);
    const status: ReportProgress = row?.status ?? 'not-started';
    const reviewedAt = row?.reviewed_at ? new Date(row.reviewed_at).toISOString() : null;
    return {
      id: row?.id ?? null,
      regionCode: region.code,
      regionName: region.name,
      year,
      status,
      version: row?.version ?? 0,
      narrative: row?.narrative ?? '',
      snapshot: row?.snapshot ?? null,
      unreviewedAtSubmission: row?.unreviewed_at_submission ?? null,
      unreviewedNow: await this.annualReports.unreviewedIn(this.reports.manager, region.path, year),
      late: row?.late ?? false,
      submittedAt: row?.submitted_at ? new Date(row.submitted_at).toISOString() : null,
      returnReason: row?.status === 'returned' ? row.return_reason : null,
      reviewedAt,
      reviewedByName: row?.reviewed_by_name ?? null,
      lockedReason: lockedReason(status, reviewedAt),
      deadline: settings.cityDeadline,
      // The 统计表 kept with the current submission (issue 17): null until the worker has made it.
      ...attachmentOf(region.code, year, row),
      history: row ? await reportEvents(this.reports.manager, 'city', row.id) : [],
    };
  }

  private async lockForCity(m: EntityManager, regionCode: string, year: number, version: number): Promise<CityReportRow | null> {
    const row = await this.reports.lock(m, regionCode, year);
    if (!row) {
      if (version !== 0) throw AppException.conflict('报告不存在，请刷新后重试');
      return null;
    }
    if (!canTransition(row.status, 'save')) {
      throw AppException.conflict(lockedReason(row.status, row.reviewed_at ? new Date(row.reviewed_at).toISOString() : null) ?? '报告当前状态不允许修改');
    }
    if (row.version !== version) throw AppException.conflict('报告已在别处被修改，请刷新后重试');
    return row;
  }

  private async insert(m: EntityManager, region: RegionEntity, year: number, narrative: string): Promise<string> {
    const id = await this.reports.insertDraft(m, { regionCode: region.code, regionPath: region.path, year, narrative, at: this.clock.now() });
    if (!id) throw AppException.conflict('报告已在别处创建，请刷新后重试');
    return id;
  }

  /** A 市州 the actor may read (the city itself, or the province / admin above it). */
  private async city(actor: Actor, code: string): Promise<RegionEntity> {
    if (!/^\d{6}$/.test(code)) throw AppException.notFound('市州年度报告');
    const region = await this.regions.visible(actor, code).catch(() => null);
    if (!region || Number(region.level) !== 2) throw AppException.notFound('市州年度报告');
    return region;
  }

  /** Only the city's own officers write its report. */
  private async ownCity(actor: Actor, code: string): Promise<RegionEntity> {
    const region = await this.city(actor, code);
    if (actor.role !== 'city' || actor.regionCode !== region.code) throw AppException.notFound('市州年度报告');
    return region;
  }

  private assertYear(year: number): void {
    if (!Number.isInteger(year) || year < 2000 || year > yearOf(this.clock.today())) {
      throw AppException.validation([{ field: 'year', code: 'range', message: `年度应为 2000 至 ${yearOf(this.clock.today())} 之间的整数` }]);
    }
  }
}

/** A city report write's audit row, in its unit of work. */
function audited(tx: UnitOfWorkTx, id: string, details: Record<string, unknown>): Promise<void> {
  return tx.audit({ objectType: 'city_report', objectId: id, details });
}
