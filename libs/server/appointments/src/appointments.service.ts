import { Injectable } from '@nestjs/common';
import { QueryFailedError, type EntityManager } from 'typeorm';
import type {
  ApiErrorDetail,
  AppointmentDetail,
  AppointmentSummary,
  EnterpriseAppointments,
  FileAppointmentRequest,
  PolicyProfile,
  VerdictResult,
} from '@cqo/contracts';
import { checkPlausibility, checkTerm, daysBetween, declarationsOf, defaultTermEnd, maskPhone, termRuleOf, termRunOut, chinaDate } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, pickCamel, type Actor } from '@cqo/server-common';
import { EnterpriseRefsService, type EnterpriseRef } from '@cqo/server-enterprises';
import { AppointmentsRepository, EligibilityService, ProfilesService, type AppointmentRecord } from '@cqo/server-eligibility';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import type { ChangeAppointmentDto, DismissAppointmentDto, FileAppointmentDto } from './dtos/appointment.dto';
import { EnterpriseFactsRepository } from './enterprise-facts.repository';

/** SPEC §2: filed within 30 days of the appointment, or flagged late. */
const FILING_DAYS = 30;

/**
 * 聘任备案, 变更 and 解聘 (SPEC §2). Every filing is a row; the history is never rewritten, only
 * ended. The database allows one active row per enterprise (partial unique index), so two
 * racing filings cannot both succeed. Each write judges the result in the same transaction.
 */
@Injectable()
export class AppointmentsService {
  constructor(
    private readonly enterprises: EnterpriseFactsRepository,
    private readonly refs: EnterpriseRefsService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly eligibility: EligibilityService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
    private readonly appointments: AppointmentsRepository,
  ) {}

  async forEnterprise(actor: Actor, enterpriseId: string): Promise<EnterpriseAppointments> {
    const e = await this.refs.inScope(actor, enterpriseId, 'read');
    const rows = await this.appointments.ofEnterprise(this.appointments.manager, e.id);
    const current = rows.find((r) => r.status === 'active') ?? null;
    if (current) await this.auditRead(actor, current);
    return {
      enterpriseId: e.id,
      enterpriseName: e.name,
      aboveSize: e.above_size,
      profile: await this.profiles.profileAt(this.clock.today()),
      current: current ? await this.detail(current) : null,
      history: rows.map((r) => this.summary(r)),
    };
  }

  async get(actor: Actor, id: string): Promise<AppointmentDetail> {
    const a = await this.load(actor, id, 'read');
    await this.auditRead(actor, a);
    return this.detail(a);
  }

  async verdict(actor: Actor, id: string, asOf?: string): Promise<VerdictResult> {
    const a = await this.load(actor, id, 'read');
    return this.eligibility.verdictOf(a.id, asOf ?? this.clock.today());
  }

  async preview(actor: Actor, enterpriseId: string, dto: FileAppointmentDto): Promise<VerdictResult> {
    const e = await this.refs.inScope(actor, enterpriseId, 'write');
    const profile = await this.profiles.profileAt(this.clock.today());
    this.assertValid(dto, profile);
    const personId = await this.appointments.personId(this.appointments.manager, dto.name.trim(), dto.phone);
    return this.eligibility.preview({ ...this.facts(dto, profile), aboveSize: e.above_size, personId });
  }

  /** 聘任备案: refused when the enterprise already has an active CQO (use 变更). */
  async file(actor: Actor, enterpriseId: string, dto: FileAppointmentDto): Promise<AppointmentDetail> {
    const e = await this.refs.inScope(actor, enterpriseId, 'write');
    const profile = await this.profiles.profileAt(this.clock.today());
    this.assertValid(dto, profile);
    const id = await this.write(actor, 'appointment.file', async (m, tx) => {
      // A closed enterprise (注销/吊销/迁出, issue 17) takes no CQO; the share lock orders this with a
      // closing (taken first: enterprise before appointment, as an edit of the enterprise locks them).
      const closedOn = await this.enterprises.closedOnForShare(m, e.id);
      if (closedOn) throw AppException.conflict(`该企业已于${closedOn}注销，不能备案首席质量官`);
      // A term already over ends here, audited, before anything new is filed (the nightly run's rule).
      await this.appointments.expireTerms(m, this.clock.today(), { enterpriseId: e.id });
      if (await this.appointments.activeOf(m, e.id)) throw AppException.conflict('该企业已有在任首席质量官，如需更换人员或修改信息请办理变更');
      const personId = await this.appointments.upsertPerson(m, dto.name, dto.phone);
      const newId = await this.insert(m, actor, e, personId, dto, profile, { filingType: 'appoint', previousId: null, effectiveFrom: dto.appointedOn });
      await this.afterWrite(tx, 'appointment.file', newId, e.id, { personId });
      return newId;
    });
    return this.get(actor, id);
  }

  /** 变更: `update` supersedes the row with the same person's new data; `replace` appoints someone else. */
  async change(actor: Actor, id: string, dto: ChangeAppointmentDto): Promise<AppointmentDetail> {
    const old = await this.load(actor, id, 'write');
    const e = await this.refs.inScope(actor, old.enterprise_id, 'write');
    const profile = await this.profiles.profileAt(this.clock.today());
    const today = this.clock.today();
    if (old.status !== 'active' || termRunOut(old.term_end, today)) throw AppException.conflict('只能变更在任的首席质量官聘任记录');
    const next: FileAppointmentRequest =
      dto.changeKind === 'replace'
        ? { ...dto, appointedOn: dto.effectiveOn }
        : { ...dto, appointedOn: old.appointed_on, termEnd: dto.termEnd ?? old.term_end };
    const errors: ApiErrorDetail[] = [];
    if (dto.effectiveOn > today) errors.push({ field: 'effectiveOn', code: 'future', message: '变更生效日期不能晚于今天' });
    if (dto.effectiveOn < old.effective_from) errors.push({ field: 'effectiveOn', code: 'beforeCurrent', message: `变更生效日期不能早于当前记录的生效日期 ${old.effective_from}` });
    if (dto.changeKind === 'update' && dto.name.trim() !== old.name) errors.push({ field: 'name', code: 'personChanged', message: '姓名不同即为更换人员，请选择“更换人员”' });
    this.assertValid(next, profile, errors);
    const newId = await this.write(actor, 'appointment.change', async (m, tx) => {
      const ended = await this.appointments.end(m, old.id, dto.changeKind === 'replace' ? 'replaced' : 'superseded', dto.effectiveOn, dto.reason);
      if (!ended) throw AppException.conflict('聘任记录已被他人变更，请刷新后重试');
      let personId = old.person_id;
      if (dto.changeKind === 'replace') personId = await this.appointments.upsertPerson(m, next.name, next.phone);
      else if (dto.phone !== old.phone) personId = await this.appointments.changePhone(m, old.person_id, old.name, dto.phone);
      const created = await this.insert(m, actor, e, personId, next, profile, {
        filingType: 'change',
        previousId: old.id,
        effectiveFrom: dto.effectiveOn,
      });
      await this.afterWrite(tx, 'appointment.change', created, e.id, { previousId: old.id, changeKind: dto.changeKind, reason: dto.reason });
      return created;
    });
    return this.get(actor, newId);
  }

  /** 解聘. */
  async dismiss(actor: Actor, id: string, dto: DismissAppointmentDto): Promise<AppointmentSummary> {
    const a = await this.load(actor, id, 'write');
    if (a.status !== 'active') throw AppException.conflict('只能解聘在任的首席质量官');
    const errors: ApiErrorDetail[] = [];
    if (dto.endedOn > this.clock.today()) errors.push({ field: 'endedOn', code: 'future', message: '解聘日期不能晚于今天' });
    if (dto.endedOn < a.effective_from) errors.push({ field: 'endedOn', code: 'beforeStart', message: `解聘日期不能早于聘任记录的生效日期 ${a.effective_from}` });
    if (errors.length) throw AppException.validation(errors);
    await this.write(actor, 'appointment.dismiss', async (m, tx) => {
      if (!(await this.appointments.end(m, a.id, 'dismissed', dto.endedOn, dto.reason))) throw AppException.conflict('聘任记录已被他人变更，请刷新后重试');
      await this.afterWrite(tx, 'appointment.dismiss', a.id, a.enterprise_id, { reason: dto.reason, endedOn: dto.endedOn });
    });
    return this.summary((await this.appointments.byId(this.appointments.manager, a.id))!);
  }

  // -------------------------------------------------------------------------------------------

  /** Field-level checks that need today's date or the profile; nothing is written when they fail. */
  private assertValid(dto: FileAppointmentRequest, profile: PolicyProfile, errors: ApiErrorDetail[] = []): void {
    const today = this.clock.today();
    const add = (field: string, code: string, message: string) => errors.push({ field, code, message });
    if (dto.appointedOn > today) add('appointedOn', 'future', '聘任日期不能晚于今天');
    for (const p of checkPlausibility(dto.birthMonth, dto.appointedOn, dto.yearsInQuality)) add(p.field, p.code, p.message);
    if (dto.qualificationType === '无' && dto.qualificationLevel) add('qualificationLevel', 'notApplicable', '类别为“无”时不应填写级别');
    // A term longer than the usual one is not an error: 004 三(一) 任期一般为5年. The verdict's term
    // rule shows it as a soft hit naming the clause, which asks the filer for a 上报说明.
    if (dto.termEnd && checkTerm(termRuleOf(profile), dto.appointedOn, dto.termEnd).beforeStart) add('termEnd', 'beforeStart', '任期届满日期不能早于聘任日期');
    if (dto.initialTrainingHours !== null && dto.initialTrainingHours !== undefined && !Number.isInteger(dto.initialTrainingHours * 2)) {
      add('initialTrainingHours', 'step', '任职培训学时应为0.5的整数倍');
    }
    if (dto.initialTrainingCompletedOn && dto.initialTrainingCompletedOn > today) add('initialTrainingCompletedOn', 'future', '任职培训完成日期不能晚于今天');
    const known = new Set([...declarationsOf(profile).map((d) => d.declaration), 'equivalent-experience']);
    const unknown = dto.declarations.filter((d) => !known.has(d));
    if (unknown.length) add('declarations', 'unknown', `不认识的任职承诺：${unknown.join('、')}`);
    if (errors.length) throw AppException.validation(errors);
  }

  private facts(dto: FileAppointmentRequest, profile: PolicyProfile) {
    return {
      appointedOn: dto.appointedOn,
      termEnd: dto.termEnd ?? defaultTermEnd(profile, dto.appointedOn),
      positionLevel: dto.positionLevel,
      education: dto.education,
      qualificationType: dto.qualificationType,
      qualificationLevel: dto.qualificationType === '无' ? null : dto.qualificationLevel,
      qualityRelated: dto.qualityRelated,
      yearsInQuality: dto.yearsInQuality,
      declarations: [...new Set(dto.declarations)],
      authorisationCertNo: blank(dto.authorisationCertNo),
      initialTraining: {
        hours: dto.initialTrainingHours ?? null,
        certificateNo: blank(dto.initialTrainingCertNo),
        completedOn: dto.initialTrainingCompletedOn ?? null,
      },
    };
  }

  private async insert(
    m: EntityManager,
    actor: Actor,
    e: EnterpriseRef,
    personId: string,
    dto: FileAppointmentRequest,
    profile: PolicyProfile,
    how: { filingType: 'appoint' | 'change'; previousId: string | null; effectiveFrom: string },
  ): Promise<string> {
    const f = this.facts(dto, profile);
    const now = this.clock.now();
    const id = await this.appointments.insert(m, {
      enterpriseId: e.id,
      regionPath: e.region_path,
      personId,
      previousId: how.previousId,
      filingType: how.filingType,
      name: dto.name.trim(),
      gender: dto.gender,
      birthMonth: dto.birthMonth,
      phone: dto.phone,
      positionTitle: dto.positionTitle.trim(),
      positionLevel: dto.positionLevel,
      concurrentPost: dto.concurrentPost,
      education: dto.education,
      qualificationType: dto.qualificationType,
      qualificationLevel: f.qualificationLevel,
      qualityRelated: dto.qualityRelated,
      yearsInQuality: dto.yearsInQuality,
      declarations: f.declarations,
      appointedOn: dto.appointedOn,
      termEnd: f.termEnd,
      effectiveFrom: how.effectiveFrom,
      authorisationCertNo: f.authorisationCertNo,
      initialTrainingHours: f.initialTraining.hours,
      initialTrainingCertNo: f.initialTraining.certificateNo,
      initialTrainingCompletedOn: f.initialTraining.completedOn,
      explanation: blank(dto.explanation ?? null),
      filedAt: now,
      filedBy: actor.userId || null,
      lateFiling: how.filingType === 'appoint' && daysBetween(dto.appointedOn, chinaDate(now)) > FILING_DAYS,
    });
    await this.eligibility.refresh(m, { appointmentIds: [id] });
    const stored = await this.appointments.storedVerdict(m, id);
    // Soft failures need a written explanation (上报说明) the reviewer sees, as in 联网直报.
    if (stored === 'attention' && !blank(dto.explanation ?? null)) {
      throw AppException.validation([{ field: 'explanation', code: 'required', message: '存在未满足的柔性要求，请填写上报说明' }]);
    }
    return id;
  }

  /** A write's audit row and its statistics refresh, in its unit of work. */
  private async afterWrite(tx: UnitOfWorkTx, action: string, id: string, enterpriseId: string, details: Record<string, unknown>): Promise<void> {
    await tx.audit({ objectType: 'appointment', objectId: id, details: { enterpriseId, ...details } });
    await tx.enqueue('stats.refresh', { reason: action, enterpriseId });
  }

  /** One unit of work (transaction + audit + outbox); the one-active-per-enterprise index turns a lost race into a 409. */
  private async write<T>(actor: Actor, action: string, work: (m: EntityManager, tx: UnitOfWorkTx) => Promise<T>): Promise<T> {
    try {
      return await this.unitOfWork.run(actor, action, work);
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { constraint?: string }).constraint === 'appointment_one_active_idx') {
        throw AppException.conflict('该企业已有在任首席质量官，如需更换人员或修改信息请办理变更');
      }
      throw err;
    }
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<AppointmentRecord> {
    const a = await this.appointments.byId(this.appointments.manager, id);
    if (!a) throw AppException.notFound('聘任记录');
    await this.scope.assert(actor, { type: 'appointment', id, regionPath: a.region_path, enterpriseId: a.enterprise_id }, access, '聘任记录');
    return a;
  }

  /** Personal data shown whole is an audited read (SPEC §1). */
  private async auditRead(actor: Actor, a: AppointmentRecord): Promise<void> {
    await this.audit.record({ actor, ip: actor.ip, action: 'appointment.read', objectType: 'appointment', objectId: a.id, result: 'success', details: { enterpriseId: a.enterprise_id } });
  }

  private summary(a: AppointmentRecord): AppointmentSummary {
    return {
      ...pickCamel(a, ['id', 'enterprise_id', 'filing_type', 'status', 'name', 'position_title', 'appointed_on', 'effective_from', 'term_end', 'ended_on', 'end_reason', 'filed_by', 'late_filing']),
      phone: maskPhone(a.phone) ?? '',
      filedAt: a.filed_at.toISOString(),
      verdict: a.status === 'active' ? a.verdict : null,
    };
  }

  private async detail(a: AppointmentRecord): Promise<AppointmentDetail> {
    const dup = await this.appointments.activeElsewhere(this.appointments.manager, a.person_id, a.enterprise_id);
    return {
      ...this.summary(a),
      phone: a.phone,
      personId: a.person_id,
      previousId: a.previous_id,
      gender: a.gender,
      birthMonth: a.birth_month,
      positionLevel: a.position_level,
      concurrentPost: a.concurrent_post,
      education: a.education,
      qualificationType: a.qualification_type,
      qualificationLevel: a.qualification_level,
      qualityRelated: a.quality_related,
      yearsInQuality: a.years_in_quality,
      declarations: a.declarations,
      authorisationCertNo: a.authorisation_cert_no,
      initialTrainingHours: a.initial_training_hours,
      initialTrainingCertNo: a.initial_training_cert_no,
      initialTrainingCompletedOn: a.initial_training_completed_on,
      explanation: a.explanation,
      verdictDetail: a.status === 'active' ? a.verdict_detail : null,
      evaluatedAt: a.evaluated_at ? a.evaluated_at.toISOString() : null,
      duplicateOf: dup.map((d) => ({ enterpriseId: d.enterprise_id, enterpriseName: d.name })),
    };
  }
}

function blank(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}
