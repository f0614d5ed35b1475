import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EVALUATION_STATUS_NAMES,
  type AcceptEvaluationRequest,
  type AppointPanelRequest,
  type ApiErrorDetail,
  type ConsolidateRequest,
  type EvaluationAction,
  type EvaluationApplicationDetail,
  type EvaluationApplicationListItem,
  type EvaluationApplicationPage,
  type EvaluationApplicationQuery,
  type EvaluationApplicationRequest,
  type EvaluationScheme,
  type EvaluationSheetView,
  type EvaluationStatus,
  type EvaluatorOption,
  type GradePreviewRequest,
  type EvidenceFileView,
  type GradeResultView,
  type InterviewRequest,
  type ResubmitEvaluationRequest,
  type ReturnEvaluationRequest,
  type ScoreMap,
  type ScoreSheetRequest,
} from '@cqo/contracts';
import {
  applicationPreconditions,
  
  EVALUATION_STEPS,
  evaluationActions,
  gradeSheet,
  reapplicationLockedUntil,
  validateSheet,
  type ApplicantFacts,
  type EvaluationStep,
  type GradeSheet,
  type ScoringScheme,
} from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService, type ScopeColumns } from '@cqo/server-auth';
import { APP_CONFIG, AppException, Clock, isoOrNull, pickCamel, type Actor, type AppConfig } from '@cqo/server-common';
import { AppointmentsRepository } from '@cqo/server-eligibility';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { FILE_STORAGE, type FileStorage } from '@cqo/server-storage';
import { EvaluationCertificatesRepository } from './evaluation-certificates.repository';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationRecordsRepository, scopeOf, type ApplicationFiling, type ApplicationRow, type LockedApplication } from './evaluation-records.repository';
import { EvaluationSettingsService } from './evaluation-settings.service';
import { checkEvidence, EVIDENCE_LIMITS, type UploadedEvidence } from './evidence-guard';

/** Whose an application is: its enterprise's, and its body's (认定机构) for an evaluator (000 §7). */
const APPLICATION_SCOPE: ScopeColumns = { enterpriseIdColumn: 'enterprise_id', bodyColumn: 'body_code' };

/** Steps, with the states each may start from: libs/policy's EVALUATION_STEPS (docs/evaluation.md). */
type Step = EvaluationStep;

/**
 * The evaluation workflow (000 §7, 001 §9): application → formal review → panel scoring,
 * interview, site visit → the leader's report. Certificates are issued by
 * EvaluationCertificatesService from a reported application.
 */
/** Thrown inside a step's transaction when the row exists but the actor may not write it. */
class WriteDenied extends Error {}

@Injectable()
export class EvaluationApplicationsService {
  constructor(
    private readonly records: EvaluationRecordsRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly certificateRecords: EvaluationCertificatesRepository,
    private readonly certificates: EvaluationCertificatesService,
    private readonly settings: EvaluationSettingsService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  /**
   * WHERE fragment limiting applications (alias a) to what the actor may read: the one scope
   * (ScopeService), an evaluator its body's (issue 19 item 3).
   */
  scopeSql(actor: Actor, params: unknown[]): string {
    return this.scope.wherePositional(actor, 'a', params, APPLICATION_SCOPE);
  }

  async list(actor: Actor, q: EvaluationApplicationQuery): Promise<EvaluationApplicationPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const filters = { status: q.status, scheme: q.scheme, panelMemberId: q.mine && actor.role === 'evaluator' ? actor.userId : undefined };
    return this.records.listApplications((params) => this.scopeSql(actor, params), filters, { page, pageSize }, toListItem);
  }

  async detail(actor: Actor, id: string): Promise<EvaluationApplicationDetail> {
    const row = await this.readable(actor, id);
    const scheme = await this.settings.scheme(row.scheme);
    const [panel, sheets, evidence, events] = await Promise.all([
      this.records.panelOf(id),
      actor.role === 'evaluator' ? this.sheets(id) : Promise.resolve([] as EvaluationSheetView[]),
      this.evidenceList(id),
      this.records.eventsOf(id),
    ]);
    const panelView = panel.map((p) => ({ ...pickCamel(p, ['user_id', 'display_name']), leader: p.is_leader, scoredAt: isoOrNull(p.submitted_at) }));
    return {
      ...toListItem(row),
      ...pickCamel(row, ['experience_years', 'has_certificate', 'self_assessment', 'statement', 'recommendation', 'return_reasons']),
      selfAssessmentResult: gradeSheet(scheme, this.sheetOf(row, row.self_assessment)),
      evidence,
      panel: panelView,
      sheets,
      interview: row.interview_on ? { date: row.interview_on, notes: row.interview_notes ?? '' } : null,
      siteVisit: row.site_visit_on ? { date: row.site_visit_on, notes: row.site_visit_notes ?? '' } : null,
      report:
        row.report && row.reported_at
          ? {
              ...row.report,
              scheme: row.scheme,
              appliedGrade: row.applied_grade,
              scores: row.report_scores ?? {},
              conclusion: row.report_conclusion,
              leaderName: row.leader_name,
              reportedAt: new Date(row.reported_at).toISOString(),
            }
          : null,
      ...pickCamel(row, ['continuing_education', 'previous_certificate_number', 'certificate_id', 'certificate_number']),
      events: events.map((e) => ({
        ...pickCamel(e, ['actor_role', 'action', 'from_status', 'to_status', 'note']),
        at: new Date(e.at).toISOString(),
        actorName: e.display_name,
      })),
      actions: this.actionsFor(actor, row, panelView),
    };
  }

  async evidenceFile(actor: Actor, id: string, fileId: string): Promise<{ fileName: string; contentType: string; content: Buffer }> {
    await this.readable(actor, id);
    const f = await this.records.evidenceFile(id, fileId);
    if (!f) throw AppException.notFound('证实性材料');
    // Evidence is about a named person: who downloaded which file, when (issue 18 item 8, 等保 2.0 L3 安全审计).
    await this.audit.record({ actor, ip: actor.ip, action: 'evaluation.evidence.download', objectType: 'evaluation_evidence', objectId: fileId, result: 'success', details: { applicationId: id, fileName: f.file_name } });
    // In the file store (issue 21); a file uploaded before kept its bytes in the row.
    return { fileName: f.file_name, contentType: f.content_type, content: f.content ?? (await this.storage.read(f.storage_key!)) };
  }

  // -------------------------------------------------------------------------------------------
  // Applicant
  // -------------------------------------------------------------------------------------------

  /** An enterprise applies for its current CQO (001 9.1: with the organisation's recommendation). */
  async create(actor: Actor, dto: EvaluationApplicationRequest): Promise<EvaluationApplicationDetail> {
    if (!actor.enterpriseId) throw AppException.notFound('企业');
    const a = await this.appointments.activeOf(this.appointments.manager, actor.enterpriseId);
    if (!a) throw AppException.validation([{ field: 'personId', code: 'noAppointment', message: '本企业没有在任的首席质量官，不能申请能力认定' }]);
    const scheme = await this.settings.scheme(dto.scheme);
    this.assertSheet(scheme, dto, 'selfAssessment');
    const id = await this.unitOfWork.run(actor, 'evaluation.apply', async (m, tx) => {
      // Serialise applications of one person: the lock below and the open-application check.
      await this.records.lockPerson(m, a.person_id);
      if (await this.records.openApplicationOf(m, a.person_id)) throw AppException.conflict('该首席质量官已有正在办理的认定申请，请勿重复申请');
      await this.assertNotLocked(m, a.person_id, dto.scheme);
      await this.assertPreconditions(m, a.id, a.person_id, dto);
      const previous = await this.certificateRecords.currentValidOf(m, a.person_id, dto.scheme);
      const continuing = previous ? await this.certificates.continuingEducation(m, dto.scheme, a.person_id, previous.issued_on, previous.valid_until, this.clock.today()) : null;
      const now = this.clock.now();
      const applicationId = await this.records.createApplication(m, {
        bodyCode: this.config.provinceCode,
        enterpriseId: actor.enterpriseId!,
        regionPath: a.region_path,
        personId: a.person_id,
        appointmentId: a.id,
        ...filingOf(dto),
        previousCertificateId: previous?.id ?? null,
        continuingEducation: continuing,
        at: now,
        createdBy: actor.userId,
      });
      await this.event(m, actor, applicationId, 'apply', null, 'submitted', previous ? `再认定（原证书 ${previous.number}）` : null);
      await tx.audit({ objectType: 'evaluation_application', objectId: applicationId, details: { scheme: dto.scheme, appliedGrade: dto.appliedGrade, reevaluation: !!previous } });
      return applicationId;
    });
    return this.detail(actor, id);
  }

  async resubmit(actor: Actor, id: string, dto: ResubmitEvaluationRequest): Promise<EvaluationApplicationDetail> {
    const scheme = await this.settings.scheme(dto.scheme);
    this.assertSheet(scheme, dto, 'selfAssessment');
    await this.step(actor, id, 'resubmit', async (m, app) => {
      if (app.version !== dto.version) throw AppException.conflict('申请已被修改，请刷新后重试');
      await this.assertPreconditions(m, app.appointment_id, app.person_id, dto);
      await this.records.resubmitApplication(m, id, { ...filingOf(dto), at: this.clock.now() });
      return { to: 'submitted' };
    });
    return this.detail(actor, id);
  }

  async withdraw(actor: Actor, id: string): Promise<EvaluationApplicationDetail> {
    await this.step(actor, id, 'withdraw', async (m) => {
      await this.setStatus(m, id, 'withdrawn');
      return { to: 'withdrawn' };
    });
    return this.detail(actor, id);
  }

  async addEvidence(actor: Actor, id: string, file: UploadedEvidence | undefined): Promise<EvidenceFileView> {
    const { contentType, fileName } = checkEvidence(file);
    const buffer = file!.buffer;
    // The bytes go to the file store first (issue 21), the row names them; removed again if the step is refused.
    const fileId = randomUUID();
    const key = `evidence/${fileId}`;
    await this.storage.put(key, buffer);
    try {
      await this.step(actor, id, 'evidence', async (m) => {
        if ((await this.records.countEvidence(m, id)) >= EVIDENCE_LIMITS.maxFiles) {
          throw AppException.validation([{ field: 'file', code: 'too_many', message: `每份申请最多上传 ${EVIDENCE_LIMITS.maxFiles} 个文件` }]);
        }
        await this.records.addEvidence(m, {
          id: fileId,
          applicationId: id,
          fileName,
          contentType,
          size: buffer.length,
          sha256: createHash('sha256').update(buffer).digest('hex'),
          storageKey: key,
          at: this.clock.now(),
          by: actor.userId,
        });
        await this.records.touchApplication(m, id, this.clock.now());
        return { to: null, note: fileName, details: { fileId, fileName, size: buffer.length } };
      });
    } catch (err) {
      await this.storage.delete(key);
      throw err;
    }
    return (await this.evidenceList(id)).find((f) => f.id === fileId)!;
  }

  // -------------------------------------------------------------------------------------------
  // Evaluation body
  // -------------------------------------------------------------------------------------------

  async accept(actor: Actor, id: string, dto: AcceptEvaluationRequest): Promise<EvaluationApplicationDetail> {
    await this.step(actor, id, 'accept', async (m) => {
      await this.setStatus(m, id, 'accepted');
      return { to: 'accepted', note: dto.note?.trim() || null };
    });
    return this.detail(actor, id);
  }

  async returnForCompletion(actor: Actor, id: string, dto: ReturnEvaluationRequest): Promise<EvaluationApplicationDetail> {
    const reasons = dto.reasons.trim();
    await this.step(actor, id, 'return', async (m) => {
      await this.records.returnApplication(m, id, reasons, this.clock.now());
      return { to: 'returned', note: reasons };
    });
    return this.detail(actor, id);
  }

  /** Appoints (or, before any sheet is in, re-appoints) the panel: a leader and at least one member, all evaluators of the body. */
  async appointPanel(actor: Actor, id: string, dto: AppointPanelRequest): Promise<EvaluationApplicationDetail> {
    const members = [...new Set(dto.memberIds)].filter((u) => u !== dto.leaderId);
    if (!members.length) throw AppException.validation([{ field: 'memberIds', code: 'required', message: '评价组除组长外至少应有一名成员' }]);
    const ids = [dto.leaderId, ...members];
    const known = new Set(await this.records.activeEvaluatorIds(ids, actor.regionCode));
    const errors: ApiErrorDetail[] = [];
    if (!known.has(dto.leaderId)) errors.push({ field: 'leaderId', code: 'unknown', message: '评价组长应为本机构的评价人员' });
    members.forEach((u, i) => {
      if (!known.has(u)) errors.push({ field: `memberIds.${i}`, code: 'unknown', message: '评价组成员应为本机构的评价人员' });
    });
    if (errors.length) throw AppException.validation(errors);
    await this.step(actor, id, 'panel', async (m, app) => {
      if (app.status === 'scoring') {
        if ((await this.records.countSheets(m, id)) > 0) throw AppException.conflict('评价组成员已开始评分，不能再调整评价组');
        await this.records.clearPanel(m, id);
      }
      for (const u of ids) await this.records.addPanelMember(m, id, u, u === dto.leaderId);
      await this.setStatus(m, id, 'scoring');
      return { to: 'scoring', details: { leaderId: dto.leaderId, memberIds: members } };
    });
    return this.detail(actor, id);
  }

  /** A panel member's sheet; re-submitting replaces it until the report is out. Above-maximum scores are refused per field. */
  async submitSheet(actor: Actor, id: string, dto: ScoreSheetRequest): Promise<EvaluationSheetView> {
    await this.step(actor, id, 'sheet', async (m, app) => {
      await this.assertPanel(m, actor, id, false);
      const scheme = await this.settings.scheme(app.scheme, m);
      const result = this.grade(scheme, app, dto.scores);
      await this.records.saveSheet(m, { applicationId: id, userId: actor.userId, scores: dto.scores, comment: dto.comment?.trim() || null, result, at: this.clock.now() });
      await this.records.touchApplication(m, id, this.clock.now());
      return { to: null, details: { total: result.total, grade: result.grade } };
    });
    return (await this.sheets(id)).find((s) => s.userId === actor.userId)!;
  }

  async interview(actor: Actor, id: string, dto: InterviewRequest): Promise<EvaluationApplicationDetail> {
    return this.visit(actor, id, dto, 'interview');
  }

  async siteVisit(actor: Actor, id: string, dto: InterviewRequest): Promise<EvaluationApplicationDetail> {
    return this.visit(actor, id, dto, 'site_visit');
  }

  /** The leader's consolidated sheet is the result (001 9.3.3); every member's sheet and the interview must be in. */
  async consolidate(actor: Actor, id: string, dto: ConsolidateRequest): Promise<EvaluationApplicationDetail> {
    await this.step(actor, id, 'report', async (m, app) => {
      await this.assertPanel(m, actor, id, true);
      const pending = await this.records.countPendingSheets(m, id);
      if (pending > 0) throw AppException.conflict(`还有 ${pending} 名评价组成员未提交评分表，不能出具认定报告`);
      if (!app.interview_on) throw AppException.conflict('尚未记录面试答辩（001 9.3.1），不能出具认定报告');
      const scheme = await this.settings.scheme(app.scheme, m);
      const result = this.grade(scheme, app, dto.scores);
      await this.records.reportApplication(m, id, { result, scores: dto.scores, conclusion: dto.conclusion?.trim() || null, at: this.clock.now(), by: actor.userId });
      return { to: 'reported', note: result.reasons.join('；'), details: { total: result.total, grade: result.grade } };
    });
    return this.detail(actor, id);
  }

  /** Running totals for a form: the same validation and grading as the panel's, nothing stored. */
  async preview(dto: GradePreviewRequest): Promise<GradeResultView> {
    const scheme = await this.settings.scheme(dto.scheme);
    const sheet: GradeSheet = { scores: dto.scores, applied: dto.applied, experienceYears: dto.experienceYears, hasCertificate: dto.hasCertificate };
    const errors = validateSheet(scheme, sheet);
    if (errors.length) throw AppException.validation(errors);
    return gradeSheet(scheme, sheet);
  }

  /** The body's active evaluators, for the panel picker. */
  async evaluators(actor: Actor): Promise<EvaluatorOption[]> {
    const rows = await this.records.evaluatorsOf(actor.regionCode);
    return rows.map((u) => ({ id: u.id, username: u.username, displayName: u.display_name }));
  }

  /** A panel sheet graded by the policy `gradeSheet` (the one `cqo grade` calls) with the applied grade and experience. */
  grade(scheme: ScoringScheme, app: Pick<LockedApplication, 'applied_grade' | 'experience_years' | 'has_certificate'>, scores: ScoreMap): GradeResultView {
    const sheet: GradeSheet = { scores, applied: app.applied_grade, experienceYears: app.experience_years, hasCertificate: app.has_certificate };
    const errors = validateSheet(scheme, sheet);
    if (errors.length) throw AppException.validation(errors);
    return gradeSheet(scheme, sheet);
  }

  // -------------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------------

  /** 001 §11: a year must pass after a revocation before a new hunan application (none after expiry, 9.4.1.3; none in 000). */
  private async assertNotLocked(m: EntityManager, personId: string, scheme: EvaluationScheme): Promise<void> {
    const rows = await this.certificateRecords.revokedOf(m, personId);
    const today = this.clock.today();
    let worst: { number: string; on: string; from: string } | null = null;
    for (const r of rows) {
      const from = reapplicationLockedUntil(scheme, { scheme: r.scheme, status: r.status, statusChangedOn: r.status_changed_on }, today);
      if (from && (!worst || from > worst.from)) worst = { number: r.number, on: r.status_changed_on, from };
    }
    if (worst) {
      throw AppException.conflict(`证书 ${worst.number} 已于 ${worst.on} 被作废，满一年后方可重新申请认定（001 §11），可申请日期：${worst.from}`);
    }
  }

  /**
   * 001 9.1 (满足第5章申报要求) and 000 7.2 (满足基本要求 4.1), checked when the application is filed:
   * the certificate and the experience from the filed appointment history where known. 409 naming
   * the first failing clause, every failure in the details.
   */
  private async assertPreconditions(m: EntityManager, appointmentId: string | null, personId: string, dto: EvaluationApplicationRequest): Promise<void> {
    const { current, filed, ledger, violations } = await this.records.applicantRecords(m, appointmentId, personId, this.clock.today());
    const facts: ApplicantFacts = {
      education: current?.education ?? null,
      qualificationType: current?.qualification_type ?? null,
      qualificationLevel: current?.qualification_level ?? null,
      filedExperienceYears: filed?.years ?? null,
      declaredExperienceYears: dto.experienceYears,
      declaredCertificate: dto.hasCertificate,
      certificateOnFile: !!filed?.cert || !!ledger?.cert,
      initialTrainingHours: Math.max(Number(filed?.hours ?? 0), Number(ledger?.hours ?? 0)),
      violations: violations.map((v) => ({ type: v.type, occurredOn: v.occurred_on })),
    };
    const failures = applicationPreconditions(dto.scheme, dto.appliedGrade, facts);
    if (failures.length) {
      throw new AppException(
        409,
        'CONFLICT',
        `不满足申报条件：${failures[0].message}`,
        failures.map((f) => ({ field: f.field, code: 'precondition', message: f.message })),
      );
    }
  }

  private assertSheet(scheme: ScoringScheme, dto: EvaluationApplicationRequest, prefix: string): void {
    const errors = validateSheet(scheme, { scores: dto.selfAssessment, applied: dto.appliedGrade, experienceYears: dto.experienceYears, hasCertificate: dto.hasCertificate });
    if (errors.length) throw AppException.validation(errors.map((e) => ({ ...e, field: e.field.replace(/^scores/, prefix) })));
  }

  private sheetOf(row: ApplicationRow, scores: ScoreMap): GradeSheet {
    return { scores, applied: row.applied_grade, experienceYears: row.experience_years, hasCertificate: row.has_certificate };
  }

  private async visit(actor: Actor, id: string, dto: InterviewRequest, step: 'interview' | 'site_visit'): Promise<EvaluationApplicationDetail> {
    if (dto.date > this.clock.today()) throw AppException.validation([{ field: 'date', code: 'future', message: '日期不能晚于今天' }]);
    await this.step(actor, id, step, async (m) => {
      await this.assertPanel(m, actor, id, false);
      await this.records.recordVisit(m, id, step, dto.date, dto.notes.trim(), this.clock.now());
      return { to: null, note: `${dto.date} ${dto.notes.trim()}` };
    });
    return this.detail(actor, id);
  }

  private async assertPanel(m: EntityManager, actor: Actor, id: string, leader: boolean): Promise<void> {
    const pm = await this.records.panelSeat(m, id, actor.userId);
    if (!pm) throw AppException.conflict('您不是该申请评价组的成员');
    if (leader && !pm.is_leader) throw AppException.conflict('只有评价组长可以出具认定报告');
  }

  /**
   * One workflow step: lock the row, check scope (404) and state (409), run `fn`, then the
   * event row and the audit record — all in one transaction.
   */
  private async step(
    actor: Actor,
    id: string,
    step: Step,
    fn: (m: EntityManager, app: LockedApplication) => Promise<{ to: EvaluationStatus | null; note?: string | null; details?: Record<string, unknown> }>,
  ): Promise<void> {
    try {
      await this.unitOfWork.run(actor, `evaluation.${step}`, (m, tx) => this.stepIn(m, tx, actor, id, step, fn));
    } catch (err) {
      // The refusal is audited after the rollback, on a connection of its own: inside the
      // transaction it would ask the pool for a second connection (a 500), and its row would be
      // rolled back with the rest (issue 18, 等保 2.0 L3 安全审计; found by test/security/route-matrix).
      if (err instanceof WriteDenied) {
        await this.audit.record({ actor, ip: actor.ip, action: 'access.write', objectType: 'evaluation_application', objectId: id, result: 'denied' });
        throw AppException.notFound('认定申请');
      }
      throw err;
    }
  }

  /** Inside step()'s transaction: lock and check the row, run the step, write its event and audit row. */
  private async stepIn(
    m: EntityManager,
    tx: UnitOfWorkTx,
    actor: Actor,
    id: string,
    step: Step,
    fn: (m: EntityManager, app: LockedApplication) => Promise<{ to: EvaluationStatus | null; note?: string | null; details?: Record<string, unknown> }>,
  ): Promise<void> {
    const app = await this.lock(m, actor, id);
    const allowed: readonly EvaluationStatus[] = EVALUATION_STEPS[step].from;
    if (!allowed.includes(app.status)) {
      throw AppException.conflict(`当前状态为“${EVALUATION_STATUS_NAMES[app.status]}”，不能执行“${EVALUATION_STEPS[step].name}”`);
    }
    const out = await fn(m, app);
    await this.event(m, actor, id, step, app.status, out.to, out.note ?? null);
    await tx.audit({ objectType: 'evaluation_application', objectId: id, details: { from: app.status, to: out.to ?? app.status, ...(out.details ?? {}) } });
  }

  /** The row FOR UPDATE, if the actor may write it (the one scope: the enterprise its own, the evaluator its body's). */
  private async lock(m: EntityManager, actor: Actor, id: string): Promise<LockedApplication> {
    const row = await this.records.lockApplication(m, id);
    if (!row) throw AppException.notFound('认定申请');
    if (!this.scope.allows(actor, scopeOf(row), 'write')) throw new WriteDenied(); // audited by step() once the transaction is over
    return row;
  }

  private async readable(actor: Actor, id: string): Promise<ApplicationRow> {
    const row = await this.records.applicationInScope(id, (params) => this.scopeSql(actor, params));
    if (!row) throw AppException.notFound('认定申请');
    return row;
  }

  private async setStatus(m: EntityManager, id: string, status: EvaluationStatus): Promise<void> {
    await this.records.setApplicationStatus(m, id, status, this.clock.now());
  }

  /** A row of the application's history, now, by the actor (none: the system). */
  async event(m: EntityManager, actor: Actor | null, id: string, action: string, from: EvaluationStatus | null, to: EvaluationStatus | null, note: string | null): Promise<void> {
    await this.records.addEvent(m, { applicationId: id, at: this.clock.now(), actorId: actor?.userId || null, actorRole: actor?.role ?? null, action, from, to, note });
  }

  private async sheets(id: string): Promise<EvaluationSheetView[]> {
    const rows = await this.records.sheetsOf(id);
    return rows.map((s) => ({
      ...pickCamel(s, ['user_id', 'display_name', 'scores', 'comment', 'result']),
      leader: s.is_leader,
      submittedAt: new Date(s.submitted_at).toISOString(),
    }));
  }

  private async evidenceList(id: string): Promise<EvidenceFileView[]> {
    const rows = await this.records.evidenceOf(id);
    return rows.map((f) => ({ ...pickCamel(f, ['id', 'file_name', 'content_type', 'size']), uploadedAt: new Date(f.uploaded_at).toISOString() }));
  }

  /** The buttons for the caller, from the same table as step()'s guard (libs/policy evaluationActions). */
  private actionsFor(actor: Actor, row: ApplicationRow, panel: { userId: string; leader: boolean; scoredAt: string | null }[]): EvaluationAction[] {
    const seat = actor.role === 'evaluator' ? panel.find((p) => p.userId === actor.userId) : undefined;
    const mayWrite = this.scope.allows(actor, scopeOf(row), 'write');
    return evaluationActions({
      status: row.status,
      ownEnterprise: actor.role === 'enterprise' && mayWrite,
      bodyEvaluator: actor.role === 'evaluator' && mayWrite,
      panelSeat: seat ? { leader: seat.leader } : null,
      sheetsIn: panel.some((p) => p.scoredAt !== null),
      graded: Boolean(row.report?.grade),
    });
  }
}

function toListItem(r: ApplicationRow): EvaluationApplicationListItem {
  return {
    ...pickCamel(r, ['id', 'status', 'scheme', 'applied_grade', 'person_id', 'person_name', 'enterprise_id', 'enterprise_name', 'region_code', 'region_name', 'version']),
    reevaluation: r.previous_certificate_id !== null,
    grade: r.report?.grade ?? null,
    total: r.report?.total ?? null,
    submittedAt: new Date(r.submitted_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** What the enterprise files, from a first application or a resubmission: the texts trimmed. */
function filingOf(dto: EvaluationApplicationRequest): ApplicationFiling {
  return {
    scheme: dto.scheme,
    appliedGrade: dto.appliedGrade,
    experienceYears: dto.experienceYears,
    hasCertificate: dto.hasCertificate,
    selfAssessment: dto.selfAssessment,
    statement: dto.statement?.trim() || null,
    recommendation: dto.recommendation.trim(),
  };
}
