import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  AnnualReportData,
  AnnualReportDetail,
  AnnualReportPrefill,
  BulkAcceptResult,
  FilingSettings,
  Page,
  PolicyProfile,
  ReportEvent,
  ReportProgress,
  ReportStatus,
  ReviewQueueItem,
  ReviewQueueQuery,
  SaveAnnualReportRequest,
  SubmitAnnualReportRequest,
  TrainingCategory,
  TrainingYearHours,
} from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import {
  REPORT_STATUS_LABELS,
  canTransition,
  currentReportingYear,
  emptyReportData,
  explanationError,
  isLate,
  lockedReason,
  reasonError,
  softRuleHits,
  validateAnnualReport,
  yearlyCompliance,
  yearOf,
  yearAsOf,
} from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, enterpriseOfRow, pickCamel, type Actor, type EnterpriseColumns } from '@cqo/server-common';
import { EnterpriseRefsService } from '@cqo/server-enterprises';
import { GroupCommit, submitBatchesInFlight } from '@cqo/server-database';
import { ProfilesService } from '@cqo/server-eligibility';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { TrainingService, toYearHours } from '@cqo/server-training';
import { FilingSettingsService } from './filing-settings.service';
import { NotificationsService } from './notifications.service';
import type { OutgoingNotification } from './notification-channel';
import { AnnualReportsRepository, type ChangeRow, type CqoRow, type EnterpriseRow, type EventRow, type FactsRead, type ReportRow, type SubmitFacts } from './annual-reports.repository';
import { toFilingSettings } from './region-figures';
import { reportEvents, recordEvent } from './report-events';
import { SubmitBatcher } from './submit-batcher';

const CATEGORIES: TrainingCategory[] = ['任职培训', '继续教育(第一类)', '第二类', '组织培训活动'];

/**
 * Enterprise annual reports (年度报告, SPEC §2, 004 三(二)): drafts, submission past hard rules with
 * soft-rule explanations, the city's acceptance or return, and the lock after acceptance. Every
 * state change is one transaction with its history row, audit row and notifications; writes carry
 * the version last read, so two officers deciding at once leave the report in one state.
 */
@Injectable()
export class AnnualReportsService {
  constructor(
    private readonly reports: AnnualReportsRepository,
    private readonly refs: EnterpriseRefsService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly settings: FilingSettingsService,
    private readonly notifications: NotificationsService,
    private readonly training: TrainingService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
  ) {
    this.submits = new SubmitBatcher(reports);
    // The facts reads of concurrent submits go together too (`readFactsMany`), one by one if that fails.
    this.factReads = new GroupCommit({
      writeOne: (r) => reports.submitFacts(r),
      writeMany: (rs) => reports.submitFactsMany(rs),
      key: (r) => `${r.enterpriseId}:${r.year}:${r.userId}`,
      maxInFlight: submitBatchesInFlight(),
      maxBatch: 200,
    });
  }

  private readonly submits: SubmitBatcher;
  private readonly factReads: GroupCommit<FactsRead, SubmitFacts>;

  // ------------------------------------------------------------------ reads

  async get(actor: Actor, enterpriseId: string, year: number): Promise<AnnualReportDetail> {
    const e = await this.refs.inScope(actor, enterpriseId, 'read');
    this.assertYear(year);
    return this.detail(e, year, await this.reports.ofEnterpriseYear(e.id, year));
  }

  async getById(actor: Actor, id: string): Promise<AnnualReportDetail> {
    const row = await this.load(actor, id, 'read');
    const e = await this.refs.get(row.enterprise_id);
    return this.detail(e, row.year, row);
  }

  async queue(actor: Actor, q: ReviewQueueQuery & { page: number; pageSize: number }): Promise<Page<ReviewQueueItem>> {
    const params: unknown[] = [];
    const where = [this.scope.regionFilter(actor, 'r', params, { enterpriseIdColumn: 'enterprise_id', region: q.regionCode })];
    params.push(q.year ?? this.defaultYear());
    where.push(`r.year = $${params.length}`);
    if (q.status !== 'all') {
      params.push(q.status ?? 'submitted');
      where.push(`r.status = $${params.length}`);
    }
    if (q.softHits === true) where.push(`jsonb_array_length(r.soft_hits) > 0`);
    if (q.softHits === false) where.push(`jsonb_array_length(r.soft_hits) = 0`);
    const text = q.q?.trim();
    if (text) {
      // Part of the name (LIKE wildcards taken literally) or the whole 统一社会信用代码.
      params.push(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, text.toUpperCase());
      where.push(`(e.name ILIKE $${params.length - 1} OR e.credit_code = $${params.length})`);
    }
    return this.reports.queue(
      where,
      params,
      q,
      (r: EnterpriseColumns & Record<string, never>): ReviewQueueItem => ({
        ...pickCamel(r, ['id', 'status', 'version', 'late', 'explanation']),
        ...enterpriseOfRow(r),
        year: Number(r.year),
        submittedAt: iso(r.submitted_at),
        softHits: r.soft_hits,
      }),
    );
  }

  // ------------------------------------------------------------------ the filer's writes

  /** 保存草稿: only what is filled in is checked. A returned report stays returned until resubmitted. */
  async save(actor: Actor, enterpriseId: string, year: number, dto: SaveAnnualReportRequest): Promise<AnnualReportDetail> {
    const e = await this.refs.inScope(actor, enterpriseId, 'write');
    await this.openWindow(year);
    const data = normalise(dto.data);
    const errors = validateAnnualReport(data, 'draft');
    if (errors.length) throw AppException.validation(errors);
    await this.unitOfWork.run(actor, 'annual_report.save', async (m, tx) => {
      const row = await this.lockForFiler(m, e.id, year, dto.version, 'save');
      if (!row) {
        const id = await this.reports.insert(m, e, year, 'draft', data, this.clock.now());
        if (!id) throw AppException.conflict('报告已在别处创建，请刷新后重试');
        await recordEvent(m, 'annual', id, 'not-started', 'draft', actor, null, this.clock.now());
        await audited(tx, id, { enterpriseId: e.id, year, from: 'not-started', to: 'draft' });
      } else {
        await this.reports.saveData(m, row.id, data, this.clock.now());
        await audited(tx, row.id, { enterpriseId: e.id, year, status: row.status });
      }
    });
    return this.get(actor, e.id, year);
  }

  /**
   * 提交: hard rules block; soft rules need the 上报说明; after the deadline the report is flagged 迟报.
   * The year-end rush path (issue 16): two round trips. One read of every fact the rules need
   * (`submitFacts`), then one statement that writes the report only if it is still as read
   * (version and state), with its event, audit row and job; the answer is built from those.
   * Two filers racing get one 200 and one 409, as with a lock, without holding a transaction open.
   * Deliberately not a `UnitOfWork.run` (issue 19 item 5): BEGIN/COMMIT and a separate audit and
   * outbox insert would add round trips to the path issue 16 measured at two; its audit row still
   * goes through AuditService (`insertStatement`, a CTE of the one statement).
   * Concurrent submits share that write statement (group commit, `SubmitBatcher`): one multi-row
   * statement for the batch, each report with its own version and state check and its own answer.
   */
  async submit(actor: Actor, enterpriseId: string, year: number, dto: SubmitAnnualReportRequest): Promise<AnnualReportDetail> {
    if (!isUuid(enterpriseId)) throw AppException.notFound('企业');
    const facts = await this.submitFacts(actor, enterpriseId, year);
    const e = facts.enterprise;
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id: enterpriseId, regionPath: e.region_path, enterpriseId: e.id }, 'write', '企业');
    const settings = this.assertWindow(year, facts.settings);
    const data = normalise(dto.data);
    const errors = validateAnnualReport(data, 'submit');
    if (errors.length) throw AppException.validation(errors);
    const row = checkFiler(facts.report, dto.version, 'submit');
    const prefill = await this.prefillFrom(facts, year);
    const hits = softRuleHits(data, softFactsOf(prefill, facts.violations));
    const explanationProblem = explanationError(hits, dto.explanation);
    if (explanationProblem) throw AppException.validation([explanationProblem]);
    const explanation = hits.length ? (dto.explanation ?? '').trim() : (dto.explanation ?? '').trim() || null;
    const now = this.clock.now();
    const late = isLate(this.clock.today(), settings.enterpriseDeadline);
    const from: ReportProgress = row?.status ?? 'not-started';
    const id = row?.id ?? randomUUID();
    // The report row is written only if it is still as read (same version and state; for a new
    // report, none created meanwhile); its event, audit row and job only if the report was.
    // Concurrent submits are written together by one statement (group commit, `SubmitBatcher`).
    const version = await this.submits.write({
      id,
      enterpriseId: e.id,
      regionPath: e.region_path,
      year,
      data: JSON.stringify(data),
      hits: JSON.stringify(hits),
      softHitIds: hits.map((h) => h.id),
      explanation,
      now,
      by: actor.userId || null,
      late,
      expected: row ? { version: row.version, status: row.status } : null,
      from,
      actor: { userId: actor.userId, username: actor.username, role: actor.role },
      ip: actor.ip,
    });
    if (version === null) throw AppException.conflict(row ? '报告已在别处被修改，请刷新后重试' : '报告已在别处创建，请刷新后重试');
    const submittedAt = now.toISOString();
    return reportDetail(e, year, settings, {
      id,
      status: 'submitted',
      version,
      data: { ...emptyReportData(), ...data },
      prefill,
      softHits: hits,
      explanation,
      late,
      submittedAt,
      returnReason: null,
      reviewedAt: null,
      reviewedByName: null,
      history: [
        ...facts.events.map(toReportEvent),
        { at: submittedAt, actorName: facts.actor_name, actorUnit: actor.role === 'enterprise' ? e.name : null, actorRole: actor.role, fromStatus: from, toStatus: 'submitted', reason: explanation },
      ],
    });
  }

  // ------------------------------------------------------------------ the reviewer's writes

  async accept(actor: Actor, id: string, version: number, reason?: string): Promise<AnnualReportDetail> {
    return this.review(actor, id, 'accept', version, reason);
  }

  async return(actor: Actor, id: string, version: number, reason?: string): Promise<AnnualReportDetail> {
    return this.review(actor, id, 'return', version, reason);
  }

  private async review(actor: Actor, id: string, action: 'accept' | 'return', version: number, reason?: string): Promise<AnnualReportDetail> {
    const current = await this.load(actor, id, 'write');
    const problem = reasonError(reason, action === 'return');
    if (problem) throw AppException.validation([problem]);
    const text = reason?.trim() || null;
    const sent = await this.unitOfWork.run(actor, `annual_report.${action}`, async (m, tx) => {
      const out = await this.decide(m, tx, actor, current, action, version, text);
      if (!out) throw await this.staleConflict(m, id);
      return out;
    });
    await this.notifications.deliver(sent);
    return this.getById(actor, id);
  }

  /** 批量受理: accepts the submitted reports without soft-rule hits, in one transaction; the rest are listed as skipped. */
  async bulkAccept(actor: Actor, ids: string[]): Promise<BulkAcceptResult> {
    const unique = [...new Set(ids)];
    const result: BulkAcceptResult = { accepted: [], skipped: [] };
    const valid = unique.filter((id) => isUuid(id));
    for (const id of unique) if (!isUuid(id)) result.skipped.push({ id, reason: '报告不存在或无权访问' });
    const rows = await this.reports.byIds(valid);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const sent: OutgoingNotification[] = [];
    await this.unitOfWork.run(actor, 'annual_report.accept', async (m, tx) => {
      for (const id of valid) {
        const row = byId.get(id);
        if (!row || !this.scope.allows(actor, { regionPath: row.region_path, enterpriseId: row.enterprise_id }, 'write')) {
          result.skipped.push({ id, reason: '报告不存在或无权访问' });
          continue;
        }
        if (row.status !== 'submitted') {
          result.skipped.push({ id, reason: `报告当前状态为“${REPORT_STATUS_LABELS[row.status]}”，不能受理` });
          continue;
        }
        if (row.soft_hits.length > 0) {
          result.skipped.push({ id, reason: '报告有提示性问题，须逐份审核' });
          continue;
        }
        const out = await this.decide(m, tx, actor, row, 'accept', row.version, null);
        if (!out) {
          result.skipped.push({ id, reason: '报告已被他人处理' });
          continue;
        }
        sent.push(...out);
        result.accepted.push(id);
      }
    });
    await this.notifications.deliver(sent);
    return result;
  }

  /**
   * Moves a submitted report to accepted or returned if it still has `version`; null when someone
   * else got there first (the UPDATE waits for their row lock, then finds the version changed).
   */
  private async decide(
    m: EntityManager,
    tx: UnitOfWorkTx,
    actor: Actor,
    row: Pick<ReportRow, 'id' | 'enterprise_id' | 'year'>,
    action: 'accept' | 'return',
    version: number,
    reason: string | null,
  ): Promise<OutgoingNotification[] | null> {
    const to: ReportStatus = action === 'accept' ? 'accepted' : 'returned';
    const now = this.clock.now();
    const newVersion = await this.reports.decide(m, { id: row.id, version, to, at: now, by: actor.userId || null, returnReason: action === 'return' ? reason : null });
    if (newVersion === null) return null;
    await recordEvent(m, 'annual', row.id, 'submitted', to, actor, reason, now);
    await audited(tx, row.id, { enterpriseId: row.enterprise_id, year: row.year, from: 'submitted', to, reason });
    await tx.enqueue('stats.refresh', { reason: `annual_report.${action}`, enterpriseId: row.enterprise_id, years: [row.year] });
    const link = `/my/annual-report?year=${row.year}`;
    return this.notifications.notify(
      m,
      { enterpriseId: row.enterprise_id },
      action === 'accept'
        ? { kind: 'report-accepted', title: `${row.year} 年度报告已受理`, body: reason ?? '您提交的年度报告已被受理。', link, dedupeKey: `annual:${row.id}:v${newVersion}` }
        : { kind: 'report-returned', title: `${row.year} 年度报告被退回`, body: `退回原因：${reason ?? ''}`, link, dedupeKey: `annual:${row.id}:v${newVersion}` },
    );
  }

  // ------------------------------------------------------------------ helpers

  private async detail(e: EnterpriseRow, year: number, row: ReportRow | null): Promise<AnnualReportDetail> {
    const settings = await this.settings.forYear(year);
    const m = this.reports.manager;
    const prefill = await this.prefill(m, e.id, year);
    const data = row ? { ...emptyReportData(), ...row.data } : emptyReportData();
    const frozen = row && (row.status === 'submitted' || row.status === 'accepted');
    const softHits = frozen ? row.soft_hits : softRuleHits(data, await this.softFacts(m, e.id, year, prefill));
    const status: ReportProgress = row?.status ?? 'not-started';
    return reportDetail(e, year, settings, {
      id: row?.id ?? null,
      status,
      version: row?.version ?? 0,
      data,
      prefill,
      softHits,
      explanation: row?.explanation ?? null,
      late: row?.late ?? false,
      submittedAt: iso(row?.submitted_at ?? null),
      returnReason: row?.status === 'returned' ? row.return_reason : null,
      reviewedAt: iso(row?.reviewed_at ?? null),
      reviewedByName: row?.reviewed_by_name ?? null,
      history: row ? await reportEvents(m, 'annual', row.id) : [],
    });
  }

  /** The CQO in post at the end of the year (or today), the year's filings, and the ledger's hours. */
  async prefill(m: EntityManager, enterpriseId: string, year: number): Promise<AnnualReportPrefill> {
    const cqo = await this.reports.cqoOn(m, enterpriseId, this.prefillAsOf(year));
    const changes = await this.reports.changesIn(m, enterpriseId, year);
    if (!cqo) return buildPrefill(null, changes, {}, null, year);
    const sums = await this.reports.hoursByCategory(m, cqo.person_id, year);
    const profile = await this.profiles.profileAt(this.profileDate(year), m);
    const yearHours = await this.training.yearHours(m, cqo.person_id, year);
    return buildPrefill(cqo, changes, sums, { profile, yearHours }, year);
  }

  /** Prefill from what `submitFacts` read: no further query unless the policy profile is not cached yet. */
  private async prefillFrom(f: SubmitFacts, year: number): Promise<AnnualReportPrefill> {
    if (!f.cqo || !f.year_hours) return buildPrefill(null, f.changes, {}, null, year);
    const profile = await this.profiles.profileAt(this.profileDate(year), this.reports.manager, f.policy_revision);
    return buildPrefill(f.cqo, f.changes, f.hours, { profile, yearHours: toYearHours(f.year_hours) }, year);
  }

  /** The CQO is the one in post at the end of the year, or today for the current year. */
  private prefillAsOf(year: number): string {
    return yearAsOf(year, this.clock.today());
  }

  /** Past years are judged under the profile in force at their end. */
  private profileDate(year: number): string {
    const today = this.clock.today();
    return year < yearOf(today) ? `${year}-12-31` : today;
  }

  /**
   * Everything a submission reads, in one statement before its one write: the enterprise and its
   * region, the year's calendar row and the policy revision, the filer's report row, the CQO, the
   * year's appointment changes, training hours, violations, the report's history so far and the
   * actor's display name (for the answer). The write checks that the report is still as read.
   */
  private async submitFacts(actor: Actor, enterpriseId: string, year: number): Promise<SubmitFacts> {
    const province = await this.settings.provinceCode();
    const y = Number.isInteger(year) && Math.abs(year) < 32_768 ? year : null;
    return this.factReads.write({ enterpriseId, year: y, asOf: this.prefillAsOf(y ?? 0), userId: actor.userId || null, province });
  }

  private async softFacts(m: EntityManager, enterpriseId: string, year: number, prefill: AnnualReportPrefill) {
    return softFactsOf(prefill, await this.reports.violationsIn(m, enterpriseId, year));
  }

  /** The filer's row, locked, checked for version and state; null when there is none yet (and version 0 was sent). */
  private async lockForFiler(m: EntityManager, enterpriseId: string, year: number, version: number, action: 'save' | 'submit'): Promise<ReportRow | null> {
    return checkFiler(await this.reports.lockOfEnterpriseYear(m, enterpriseId, year), version, action);
  }

  private async staleConflict(m: EntityManager, id: string): Promise<AppException> {
    const status = await this.reports.statusOf(m, id);
    const label = status ? REPORT_STATUS_LABELS[status] : '未知';
    return AppException.conflict(`该报告已被他人处理（当前状态：${label}），请刷新后查看`);
  }

  /** Window and year checks for the filer: no report for a future year, none before the window opens. */
  private async openWindow(year: number): Promise<FilingSettings> {
    this.assertYear(year);
    return this.windowCheck(year, await this.settings.forYear(year));
  }

  /** `openWindow` with the calendar row already read (`FILING_SETTING_COLUMNS` as JSON, null for the defaults). */
  private assertWindow(year: number, row: Record<string, unknown> | null): FilingSettings {
    this.assertYear(year);
    return this.windowCheck(year, toFilingSettings(row, year));
  }

  private windowCheck(year: number, settings: FilingSettings): FilingSettings {
    if (this.clock.today() < settings.windowOpens) {
      throw AppException.validation([{ field: 'year', code: 'windowClosed', message: `${year} 年度报告的填报将于 ${settings.windowOpens} 开始` }]);
    }
    return settings;
  }

  private assertYear(year: number): void {
    if (!Number.isInteger(year) || year < 2000 || year > yearOf(this.clock.today())) {
      throw AppException.validation([{ field: 'year', code: 'range', message: `年度应为 2000 至 ${yearOf(this.clock.today())} 之间的整数` }]);
    }
  }

  defaultYear(): number {
    return currentReportingYear(this.clock.today());
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<ReportRow> {
    const row = isUuid(id) ? await this.reports.byId(id) : null;
    if (!row) throw AppException.notFound('年度报告');
    await this.scope.assert(actor, { type: 'annual_report', id, regionPath: row.region_path, enterpriseId: row.enterprise_id }, access, '年度报告');
    return row;
  }
}

function buildPrefill(
  cqo: CqoRow | null,
  changes: ChangeRow[],
  sums: Record<string, number>,
  judged: { profile: PolicyProfile; yearHours: TrainingYearHours } | null,
  year: number,
): AnnualReportPrefill {
  const hours = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<TrainingCategory, number>;
  let compliance: AnnualReportPrefill['training']['compliance'] = null;
  if (cqo) {
    for (const [category, h] of Object.entries(sums)) hours[category as TrainingCategory] = h;
    if (judged) {
      const y = yearlyCompliance(judged.profile, { appointedOn: cqo.appointed_on, termEnd: cqo.term_end }, year, judged.yearHours);
      compliance = { applicable: y.applicable, compliant: y.compliant === true, shortHours: y.shortHours, shortActivities: y.shortActivities };
    }
  }
  return {
    cqo: cqo ? { personId: cqo.person_id, name: cqo.name, positionTitle: cqo.position_title, appointedOn: cqo.appointed_on, termEnd: cqo.term_end } : null,
    changes: changes.map((c) => ({ appointmentId: c.id, kind: c.kind as AnnualReportPrefill['changes'][number]['kind'], on: c.on_date, name: c.name, note: c.kind === 'appoint' ? null : c.note })),
    training: { hours, total: CATEGORIES.reduce((sum, c) => sum + hours[c], 0), compliance },
  };
}

function softFactsOf(prefill: AnnualReportPrefill, violationsInYear: number) {
  const c = prefill.training.compliance;
  return { trainingShort: c && c.applicable && !c.compliant ? { shortHours: c.shortHours, shortActivities: c.shortActivities } : null, violationsInYear };
}

/** The filer's row checked for version and state; null when there is none yet (and version 0 was sent). */
function checkFiler(row: ReportRow | null, version: number, action: 'save' | 'submit'): ReportRow | null {
  if (!row) {
    if (version !== 0) throw AppException.conflict('报告不存在或已被删除，请刷新后重试');
    return null;
  }
  if (!canTransition(row.status, action)) throw AppException.conflict(lockedReason(row.status, iso(row.reviewed_at)) ?? '报告当前状态不允许该操作');
  if (row.version !== version) throw AppException.conflict('报告已在别处被修改，请刷新后重试');
  return row;
}

function toReportEvent(r: EventRow): ReportEvent {
  return {
    at: new Date(r.at).toISOString(),
    actorName: r.actor_name ?? null,
    actorUnit: r.actor_unit ?? null,
    actorRole: r.actor_role ?? null,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    reason: r.reason ?? null,
  };
}

/** An annual report write's audit row (the unit's action), in its unit of work. */
function audited(tx: UnitOfWorkTx, id: string, details: Record<string, unknown>): Promise<void> {
  return tx.audit({ objectType: 'annual_report', objectId: id, details });
}

/**
 * The one shape of a report as its page reads it, from the stored row (`detail`) or from what the
 * submit just wrote (`submit`): the enterprise, the year's window and the lock follow from `r`.
 */
function reportDetail(
  e: EnterpriseRow,
  year: number,
  settings: FilingSettings,
  r: Omit<AnnualReportDetail, 'enterpriseId' | 'enterpriseName' | 'regionCode' | 'regionName' | 'year' | 'lockedReason' | 'windowOpens' | 'deadline'>,
): AnnualReportDetail {
  const { id, history, ...rest } = r;
  return {
    id,
    enterpriseId: e.id,
    enterpriseName: e.name,
    regionCode: e.region_code,
    regionName: e.region_name,
    year,
    ...rest,
    lockedReason: lockedReason(r.status, r.reviewedAt),
    windowOpens: settings.windowOpens,
    deadline: settings.enterpriseDeadline,
    history,
  };
}

function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** Trims the free texts and fills accident levels left out, so what is stored is what was checked. */
function normalise(d: AnnualReportData): AnnualReportData {
  const base = emptyReportData();
  return {
    hasAppraisalSystem: d.hasAppraisalSystem ?? null,
    appraisalResult: d.appraisalResult ?? null,
    appraisalDecision: d.appraisalDecision ?? null,
    qualityFund: d.qualityFund ?? null,
    accidents: { ...base.accidents, ...(d.accidents ?? {}) },
    honours: (d.honours ?? '').trim(),
    dutiesNarrative: (d.dutiesNarrative ?? '').trim(),
    problemsAndPlans: (d.problemsAndPlans ?? '').trim(),
  };
}

