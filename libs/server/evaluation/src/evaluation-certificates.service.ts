import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CERTIFICATE_STATUS_NAMES,
  type CertificateDetail,
  type CertificateListItem,
  type CertificatePage,
  type CertificateQuery,
  type CertificateStatus,
  type CertificateStatusRequest,
  type ContinuingEducationYear,
  type EvaluationScheme,
  type GradeResultView,
  type PublicCertificateVerification,
  type YearlyReviewRequest,
  type YearlyReviewView,
} from '@cqo/contracts';
import {
  addDays,
  automaticViolationStep,
  CERTIFICATE_NUMBER_PATTERN,
  certificateNumber,
  certificateValidUntil,
  certificateYearCompliance,
  
  escalate,
  MANUAL_CERTIFICATE_MOVES,
  maskName,
  violationCertificateEffect,
  yearOf,
} from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService, type ScopeColumns } from '@cqo/server-auth';
import { AppException, Clock, pickCamel, type Actor } from '@cqo/server-common';
import { certificateNotification, NotificationsService, type OutgoingNotification } from '@cqo/server-filings';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { TrainingService } from '@cqo/server-training';
import {
  EvaluationCertificatesRepository,
  type CertificateRow,
  type CertificateUnderViolation,
  type LockedCertificate,
  type ViolationFacts,
} from './evaluation-certificates.repository';
import { EvaluationRecordsRepository, scopeOf } from './evaluation-records.repository';
import { EvaluationSettingsService } from './evaluation-settings.service';

/** Whose a certificate is: its enterprise's, and its issuing body's for an evaluator (000 §7). */
export const CERTIFICATE_SCOPE: ScopeColumns = { enterpriseIdColumn: 'enterprise_id', bodyColumn: 'body_code' };

/** Statuses that end a certificate for good and take its holder out of the 人才库. */
const LEAVES_TALENT_POOL: CertificateStatus[] = ['terminated', 'revoked', 'expired'];
const WHAT_STATUS: Partial<Record<CertificateStatus, string>> = { terminated: '已中止', revoked: '已作废', expired: '已到期' };

const WHAT: Record<CertificateStatus, string> = CERTIFICATE_STATUS_NAMES;

/**
 * Evaluation certificates (000 7.5.2, 001 9.4, §11): issue from a reported application with a
 * traceable number, status changes (by hand, by violation, by the nightly expiry), the
 * continuing-education review flag, yearly reviews and the public verification.
 */
@Injectable()
export class EvaluationCertificatesService {
  private readonly logger = new Logger(EvaluationCertificatesService.name);

  constructor(
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly scope: ScopeService,
    private readonly settings: EvaluationSettingsService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly records: EvaluationRecordsRepository,
    private readonly certificateRecords: EvaluationCertificatesRepository,
    private readonly training: TrainingService,
  ) {}

  /** What the actor may read of certificates (`alias`): the one scope, an evaluator its body's (issue 19 item 3). */
  scopeSql(actor: Actor, params: unknown[], alias = 'c', region?: string | null): string {
    return this.scope.regionFilter(actor, alias, params, { ...CERTIFICATE_SCOPE, region });
  }


  // -------------------------------------------------------------------------------------------
  // Issue
  // -------------------------------------------------------------------------------------------

  async issue(actor: Actor, applicationId: string): Promise<CertificateDetail> {
    const id = await this.unitOfWork.run(actor, 'evaluation.certificate.issue', async (m, tx) => {
      const app = await this.records.lockApplicationToCertify(m, applicationId);
      if (!app || !this.scope.allows(actor, scopeOf(app), 'write')) throw AppException.notFound('认定申请');
      if (app.status !== 'reported') {
        const names: Record<string, string> = { submitted: '已提交待受理', returned: '退回补正', accepted: '已受理', scoring: '评分中', certified: '已发证', withdrawn: '已撤回' };
        throw AppException.conflict(`当前状态为“${names[app.status] ?? app.status}”，不能执行“颁发证书”`);
      }
      const report = app.report as GradeResultView;
      if (!report.grade) throw AppException.conflict('认定报告未评定等级，不能颁发证书');
      const settings = await this.settings.get(m);
      const today = this.clock.today();
      const year = yearOf(today);
      const seq = await this.certificateRecords.nextSeq(m, app.body_code, year);
      const number = certificateNumber(app.body_code, year, seq);
      const now = this.clock.now();
      const certId = await this.certificateRecords.createCertificate(m, {
        number,
        bodyCode: app.body_code,
        year,
        seq,
        applicationId: app.id,
        personId: app.person_id,
        enterpriseId: app.enterprise_id,
        regionPath: app.region_path,
        holderName: app.person_name,
        organisationName: app.enterprise_name,
        scheme: app.scheme,
        score: report.total,
        grade: report.grade,
        dimensions: report.dimensions,
        issuingBody: settings.issuingBody,
        issuedOn: today,
        validUntil: certificateValidUntil(today, settings.validityYears),
        issuedBy: actor.userId,
        at: now,
      });
      await this.certEvent(m, certId, null, 'valid', `依据认定报告颁发（${report.grade}，${report.total} 分）`, actor, null);
      if (app.previous_certificate_id) {
        const prev = await this.certificateRecords.lockStatus(m, app.previous_certificate_id);
        if (prev && (prev.status === 'valid' || prev.status === 'suspended')) {
          await this.certificateRecords.terminateReplaced(m, prev.id, today, `再认定换发新证 ${number}`, certId);
          await this.certEvent(m, prev.id, prev.status, 'terminated', `再认定换发新证 ${number}`, actor, null);
          // A 人才库 member keeps the place, now on the new certificate.
          await this.records.moveTalent(m, prev.id, certId);
        }
      }
      await this.records.setApplicationStatus(m, app.id, 'certified', now);
      await this.records.addEvent(m, { applicationId: app.id, at: now, actorId: actor.userId, actorRole: actor.role, action: 'certificate', from: 'reported', to: 'certified', note: number });
      await tx.audit({ objectType: 'evaluation_certificate', objectId: certId, details: { number, applicationId: app.id, grade: report.grade, total: report.total } });
      return certId;
    });
    return this.detail(actor, id);
  }

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  async list(actor: Actor, q: CertificateQuery): Promise<CertificatePage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const filters = { status: q.status, grade: q.grade, reviewFlag: q.reviewFlag, q: q.q };
    return this.certificateRecords.listCertificates((params) => this.scopeSql(actor, params, 'c', q.region), filters, { page, pageSize }, toItem);
  }

  async detail(actor: Actor, id: string): Promise<CertificateDetail> {
    const row = await this.certificateRecords.certificateInScope(id, (params) => this.scopeSql(actor, params));
    if (!row) throw AppException.notFound('证书');
    const [history, reviews, holderPhone] = await Promise.all([this.certificateRecords.eventsOf(id), this.reviews(id), this.certificateRecords.holderPhone(row.person_id)]);
    // SPEC §1: personal data shown whole on the detail page is an audited read.
    await this.audit.record({ actor, ip: actor.ip, action: 'evaluation.certificate.read', objectType: 'evaluation_certificate', objectId: id, result: 'success' });
    return {
      ...toItem(row),
      ...pickCamel(row, ['application_id', 'dimensions', 'status_reason']),
      verifyPath: `/verify/cqo/${row.number}`,
      history: history.map((h) => ({
        ...pickCamel(h, ['from_status', 'to_status', 'reason', 'violation_id']),
        at: new Date(h.at).toISOString(),
        actorName: h.display_name,
      })),
      reviews,
      holderPhone,
      revocationPending: row.revocation_pending_violation_id
        ? { violationId: row.revocation_pending_violation_id, reason: row.revocation_pending_reason ?? '' }
        : null,
    };
  }

  /** Login-free: status and masked holder (SPEC §1). Unknown and malformed numbers are the same 404. */
  async verifyPublic(number: string): Promise<PublicCertificateVerification> {
    const normal = String(number ?? '').trim().toUpperCase();
    const row = CERTIFICATE_NUMBER_PATTERN.test(normal) ? await this.certificateRecords.byNumber(normal) : null;
    if (!row) throw AppException.notFound('证书');
    return {
      type: 'cqo-capability',
      number: row.number,
      holderName: maskName(row.holder_name),
      organisationName: row.organisation_name,
      grade: row.grade,
      issuingBody: row.issuing_body,
      issuedOn: row.issued_on,
      validUntil: row.valid_until,
      status: row.status,
      statusName: WHAT[row.status],
      statusChangedOn: row.status_changed_on,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Changes by the body
  // -------------------------------------------------------------------------------------------

  async setStatus(actor: Actor, id: string, dto: CertificateStatusRequest): Promise<CertificateDetail> {
    return this.moveOwn(actor, id, 'evaluation.certificate.status', (cert) => {
      if (!MANUAL_CERTIFICATE_MOVES[cert.status].includes(dto.status)) {
        throw AppException.conflict(`证书当前状态为“${WHAT[cert.status]}”，不能改为“${WHAT[dto.status]}”`);
      }
      return { to: dto.status, reason: dto.reason.trim(), details: { to: dto.status, reason: dto.reason } };
    });
  }

  async clearReviewFlag(actor: Actor, id: string, note: string): Promise<CertificateDetail> {
    await this.changeOwn(actor, id, 'evaluation.certificate.flag_clear', async (m, cert) => {
      if (!cert.review_flag) throw AppException.conflict('该证书没有待复核标记');
      await this.certificateRecords.clearReviewFlag(m, id);
      return { reason: cert.review_reason, note };
    });
    return this.detail(actor, id);
  }

  /** 001 §11: 认定主体每年应对首席质量官的履职情况、工作成效进行总结和评价. One per certificate and year. */
  async addReview(actor: Actor, id: string, dto: YearlyReviewRequest): Promise<YearlyReviewView> {
    const today = this.clock.today();
    let reviewId = '';
    await this.changeOwn(actor, id, 'evaluation.certificate.review', async (m, cert) => {
      if (dto.year < yearOf(cert.issued_on) || dto.year > yearOf(today)) {
        throw AppException.validation([{ field: 'year', code: 'range', message: `年度应在 ${yearOf(cert.issued_on)} 至 ${yearOf(today)} 之间` }]);
      }
      if (await this.certificateRecords.reviewOfYear(m, id, dto.year)) throw AppException.conflict(`${dto.year} 年度的履职评价已记录`);
      reviewId = await this.certificateRecords.addYearlyReview(m, { certificateId: id, year: dto.year, rating: dto.rating, summary: dto.summary.trim(), by: actor.userId, at: this.clock.now() });
      return { year: dto.year, rating: dto.rating };
    });
    return (await this.reviews(id)).find((r) => r.id === reviewId)!;
  }

  // -------------------------------------------------------------------------------------------
  // Automatic changes (worker)
  // -------------------------------------------------------------------------------------------

  /**
   * A violation against the CQO: suspend or terminate the person's certificates by type, and where
   * the type calls for revocation leave it pending an officer's confirmation (001 §11). Idempotent
   * per violation; a violation voided before this runs does nothing.
   */
  async applyViolation(violationId: string): Promise<{ changed: number }> {
    const told: OutgoingNotification[] = [];
    const result = await this.unitOfWork.run(null, 'evaluation.certificate.auto', async (m) => {
      const v = await this.certificateRecords.violationInForce(m, violationId);
      if (!v?.person_id) return { changed: 0 };
      const certs = await this.certificateRecords.lockActingCertificatesOf(m, v.person_id);
      let changed = 0;
      for (const c of certs) if (await this.applyTo(m, c, v, false, told)) changed++;
      return { changed };
    });
    await this.notifications.deliver(told);
    return result;
  }

  /**
   * A voided violation (撤销) no longer acts: a pending revocation it raised is dropped, and a status
   * it set automatically — still the certificate's latest change — goes back to the one before.
   * The person's other violations in force then act again, so what stays is what they call for.
   * A revocation an officer confirmed is that officer's decision and stays. In the caller's unit of work
   * (the void's: its actor signs each certificate's audit row).
   */
  async liftViolation(m: EntityManager, tx: UnitOfWorkTx, violationId: string, personId: string, actor: Actor, note: string): Promise<{ changed: number }> {
    const certs = await this.certificateRecords.lockCertificatesOf(m, personId);
    const others = await this.certificateRecords.otherViolationsOf(m, personId, violationId);
    let changed = 0;
    for (const c of certs) {
      let touched = false;
      if (c.revocation_pending_violation_id === violationId) {
        await this.certificateRecords.clearPendingRevocation(m, c.id);
        c.revocation_pending_violation_id = null;
        touched = true;
      }
      const last = await this.certificateRecords.lastEvent(m, c.id);
      if (last?.violation_id === violationId && last.to_status === c.status && (c.status === 'suspended' || c.status === 'terminated') && last.from_status) {
        await this.changeStatus(m, c.id, c.status, last.from_status, `违规记录已撤销（${note}），解除该记录引起的${WHAT[c.status]}`, actor, null);
        c.status = last.from_status;
        touched = true;
      }
      if (touched) {
        for (const o of others) await this.applyTo(m, c, o, true);
        changed++;
        await tx.audit({ action: 'evaluation.certificate.lift', objectType: 'evaluation_certificate', objectId: c.id, details: { violationId, status: c.status } });
      }
    }
    return { changed };
  }

  /** One violation on one locked certificate; true when something changed. `again`: re-acting after a void, past its own event. */
  private async applyTo(
    m: EntityManager,
    c: CertificateUnderViolation,
    v: ViolationFacts,
    again = false,
    told: OutgoingNotification[] = [],
  ): Promise<boolean> {
    if (!['valid', 'suspended', 'terminated'].includes(c.status)) return false;
    const seen = await this.certificateRecords.hasViolationEvent(m, c.id, v.id);
    if (seen && !again) return false;
    const step = automaticViolationStep(violationCertificateEffect(v.type, v.accident_level));
    const what = `违规记录（${v.type}${v.accident_level ? `，${v.accident_level}` : ''}，${v.occurred_on}，${v.source_document}）`;
    let changed = false;
    const next = escalate(c.status, step.status);
    if (next) {
      const reason = `${what}：依 001 §11 ${WHAT[next]}`;
      // The unique (certificate, violation) event: a violation acting again after a void is named in the reason only.
      await this.changeStatus(m, c.id, c.status, next, reason, null, seen ? null : v.id, { told });
      await this.audit.record(
        { actor: null, username: 'system', ip: null, action: 'evaluation.certificate.auto', objectType: 'evaluation_certificate', objectId: c.id, result: 'success', details: { from: c.status, to: next, violationId: v.id } },
        m,
      );
      c.status = next;
      changed = true;
    }
    if (step.pendingRevocation && c.revocation_pending_violation_id === null && (c.status === 'suspended' || c.status === 'terminated')) {
      const reason = `${what}：依 001 §11 可声明证书作废，待认定主体确认`;
      await this.certificateRecords.setPendingRevocation(m, c.id, v.id, reason);
      await this.audit.record(
        { actor: null, username: 'system', ip: null, action: 'evaluation.certificate.revocation_pending', objectType: 'evaluation_certificate', objectId: c.id, result: 'success', details: { violationId: v.id } },
        m,
      );
      c.revocation_pending_violation_id = v.id;
      changed = true;
    }
    return changed;
  }

  /** An officer of the body confirms the revocation a violation called for (001 §11 声明证书作废). */
  async confirmRevocation(actor: Actor, id: string, reason: string): Promise<CertificateDetail> {
    return this.moveOwn(actor, id, 'evaluation.certificate.revoke_confirm', (cert) => {
      if (!cert.revocation_pending_violation_id) throw AppException.conflict('该证书没有待确认的作废');
      const text = `${cert.revocation_pending_reason ?? ''}；确认作废：${reason.trim()}`;
      return { to: 'revoked', reason: text, details: { violationId: cert.revocation_pending_violation_id, reason } };
    });
  }

  /** An officer decides against revoking: the pending revocation goes, the suspension stays (a reinstatement is a status change). */
  async dismissRevocation(actor: Actor, id: string, reason: string): Promise<CertificateDetail> {
    await this.changeOwn(actor, id, 'evaluation.certificate.revoke_dismiss', async (m, cert) => {
      if (!cert.revocation_pending_violation_id) throw AppException.conflict('该证书没有待确认的作废');
      await this.certificateRecords.clearPendingRevocation(m, id);
      return { violationId: cert.revocation_pending_violation_id, reason };
    });
    return this.detail(actor, id);
  }

  /**
   * An officer moves one of the body's certificates to another status, as a `changeOwn`: `move`
   * checks the certificate and says where to and why; the audit row's details start with `from`.
   */
  private async moveOwn(
    actor: Actor,
    id: string,
    action: string,
    move: (cert: LockedCertificate) => { to: CertificateStatus; reason: string; details: Record<string, unknown> },
  ): Promise<CertificateDetail> {
    await this.changeOwn(actor, id, action, async (m, cert, told) => {
      const { to, reason, details } = move(cert);
      await this.changeStatus(m, cert.id, cert.status, to, reason, actor, null, { told });
      return { from: cert.status, ...details };
    });
    return this.detail(actor, id);
  }

  /**
   * One change by the body to one of its certificates, as a unit of work: the certificate locked
   * (404 outside the body), `work` answers the audit row's details; what it tells (`told`) is
   * delivered once the change has committed.
   */
  private async changeOwn(
    actor: Actor,
    id: string,
    action: string,
    work: (m: EntityManager, cert: LockedCertificate, told: OutgoingNotification[]) => Promise<Record<string, unknown>>,
  ): Promise<void> {
    const told: OutgoingNotification[] = [];
    await this.unitOfWork.run(actor, action, async (m, tx) => {
      const cert = await this.lockOwn(m, actor, id);
      const details = await work(m, cert, told);
      await tx.audit({ objectType: 'evaluation_certificate', objectId: id, details });
    });
    await this.notifications.deliver(told);
  }

  /** Nightly: expire past validity; flag last year's continuing-education shortfall. Idempotent. */
  async nightly(date?: string): Promise<{ expired: number; flagged: number; checked: number }> {
    const today = date ?? this.clock.today();
    const expired = await this.unitOfWork.run(null, 'evaluation.certificate.expire', async (m) => {
      const rows = await this.certificateRecords.lockExpiring(m, today);
      for (const r of rows) {
        await this.changeStatus(m, r.id, r.status, 'expired', `证书有效期至 ${r.valid_until}，到期失效`, null, null, { on: addDays(r.valid_until, 1) });
      }
      if (rows.length) {
        await this.audit.record({ actor: null, username: 'system', ip: null, action: 'evaluation.certificate.expire', objectType: 'evaluation_certificate', objectId: null, result: 'success', details: { count: rows.length, date: today } }, m);
      }
      return rows.length;
    });
    const year = yearOf(today) - 1;
    const due = await this.certificateRecords.dueForReview(year);
    let flagged = 0;
    for (const c of due) {
      await this.unitOfWork.run(null, 'evaluation.certificate.flag', async (m) => {
        const hours = await this.training.yearHours(m, c.person_id, year);
        // The issuing scheme's rule (001 9.4.1.2 / 000 7.6), not the appointment profile in force.
        const verdict = certificateYearCompliance(c.scheme, { issuedOn: c.issued_on, validUntil: c.valid_until }, year, hours);
        if (verdict.applicable && verdict.compliant === false) {
          const reason = `${year} 年度继续教育未达标：${verdict.note}，证书待复核`;
          if (await this.certificateRecords.flagForReview(m, c.id, reason, year)) {
            flagged++;
            await this.audit.record({ actor: null, username: 'system', ip: null, action: 'evaluation.certificate.flag', objectType: 'evaluation_certificate', objectId: c.id, result: 'success', details: { year, reason } }, m);
          }
        } else {
          await this.certificateRecords.markReviewed(m, c.id, year);
        }
      });
    }
    this.logger.log(`certificates nightly ${today}: expired ${expired}, flagged ${flagged} of ${due.length}`);
    return { expired, flagged, checked: due.length };
  }

  // -------------------------------------------------------------------------------------------
  // Shared with the applications service
  // -------------------------------------------------------------------------------------------

  /** 000 7.7.2: the holder's continuing education in each completed year since the certificate, by the issuing scheme's rule. */
  async continuingEducation(m: EntityManager, scheme: EvaluationScheme, personId: string, issuedOn: string, validUntil: string, today: string): Promise<ContinuingEducationYear[]> {
    const out: ContinuingEducationYear[] = [];
    for (let y = yearOf(issuedOn); y < yearOf(today); y++) {
      const hours = await this.training.yearHours(m, personId, y);
      const c = certificateYearCompliance(scheme, { issuedOn, validUntil }, y, hours);
      out.push({
        year: y,
        applicable: c.applicable,
        compliant: c.compliant,
        totalHours: c.totalHours,
        activities: c.activities,
        shortHours: c.shortHours,
        shortActivities: c.shortActivities,
        note: c.note,
      });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------------

  private async lockOwn(
    m: EntityManager,
    actor: Actor,
    id: string,
  ): Promise<LockedCertificate> {
    const c = await this.certificateRecords.lockCertificate(m, id);
    if (!c || !this.scope.allows(actor, scopeOf(c), 'write')) throw AppException.notFound('证书');
    return c;
  }

  /**
   * One status change with its event. A suspension or a revocation is told to the certificate's
   * enterprise at once, in this transaction (bell, e-mail and SMS through the notification centre;
   * issue 22): keyed by the event, so the daily run's catch-up sends it no second time. What was
   * told goes into `told`, for the caller to hand to the outside channel after the commit.
   */
  private async changeStatus(
    m: EntityManager,
    id: string,
    from: CertificateStatus,
    to: CertificateStatus,
    reason: string,
    actor: Actor | null,
    violationId: string | null,
    opts: { on?: string; told?: OutgoingNotification[] } = {},
  ): Promise<void> {
    // A pending revocation lives on a suspended or terminated certificate only: any other status ends it.
    const cert = await this.certificateRecords.setStatus(m, id, to, opts.on ?? this.clock.today(), reason);
    const eventId = await this.certEvent(m, id, from, to, reason, actor, violationId);
    if (to === 'suspended' || to === 'revoked') {
      const n = certificateNotification({ eventId, status: to, number: cert.number, holderName: cert.holder_name, reason, validUntil: cert.valid_until });
      opts.told?.push(...(await this.notifications.notify(m, { enterpriseId: cert.enterprise_id }, n)));
    }
    if (LEAVES_TALENT_POOL.includes(to)) {
      // The 人才库 holds qualified holders only: a certificate that has ended takes its holder out
      // (a suspension does not: the list shows it, and a reinstatement needs no re-adding).
      await this.records.removeTalentOfCertificate(m, id, { at: this.clock.now(), by: actor?.userId || null, reason: `证书${WHAT_STATUS[to]}：${reason}`.slice(0, 500) });
    }
  }

  private async certEvent(m: EntityManager, id: string, from: CertificateStatus | null, to: CertificateStatus, reason: string, actor: Actor | null, violationId: string | null): Promise<string> {
    return this.certificateRecords.addEvent(m, { certificateId: id, at: this.clock.now(), from, to, reason, actorId: actor?.userId || null, violationId });
  }

  private async reviews(id: string): Promise<YearlyReviewView[]> {
    const rows = await this.certificateRecords.reviewsOf(id);
    return rows.map((r) => ({ ...pickCamel(r, ['id', 'year', 'rating', 'summary']), reviewerName: r.display_name, reviewedAt: new Date(r.reviewed_at).toISOString() }));
  }
}

function toItem(r: CertificateRow): CertificateListItem {
  return pickCamel(r, [
    'id', 'number', 'holder_name', 'person_id', 'organisation_name', 'enterprise_id', 'region_code', 'region_name', 'city_code', 'city_name', 'scheme', 'score',
    'grade', 'issuing_body', 'issued_on', 'valid_until', 'status', 'status_changed_on', 'review_flag', 'review_reason', 'in_talent_pool',
  ]);
}
