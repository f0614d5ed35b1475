import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, PolicyProfile, Role, ViolationItem, ViolationStatus, VoidedViolationItem } from '@cqo/contracts';
import { isDisqualifying, maskName, readsPersonalData } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, listWhere, type Actor } from '@cqo/server-common';
import { EnterpriseRefsService } from '@cqo/server-enterprises';
import { AppointmentsRepository, EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { EvaluationCertificatesService } from '@cqo/server-evaluation';
import { UnitOfWork } from '@cqo/server-queue';
import type { RecordViolationDto, UpdateViolationStatusDto, ViolationQueryDto, VoidViolationDto } from './dtos/violation.dto';
import { ViolationsRepository, type ViolationRow, type VoidedRow } from './violations.repository';

/** Moves a violation may make; a closed one is final. */
const NEXT: Record<ViolationStatus, ViolationStatus[]> = { open: ['rectified', 'closed'], rectified: ['open', 'closed'], closed: [] };
const STATUS_NAMES: Record<ViolationStatus, string> = { open: '未整改', rectified: '已整改', closed: '已关闭' };

/**
 * Violations (SPEC §5). Their effect on a CQO is derived: recording one re-judges the person's
 * active appointments in the same transaction, so a disqualifying type makes the verdict
 * `ineligible` under profiles that list it — no flag is set by hand.
 */
@Injectable()
export class ViolationsService {
  constructor(
    private readonly violations: ViolationsRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly refs: EnterpriseRefsService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly eligibility: EligibilityService,
    private readonly profiles: ProfilesService,
    private readonly certificates: EvaluationCertificatesService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: ViolationQueryDto): Promise<Page<ViolationItem>> {
    const { where, params } = listWhere(
      (p) => this.scope.regionFilter(actor, 'v', p, { enterpriseIdColumn: 'enterprise_id', region: q.region }),
      { 'v.enterprise_id': q.enterpriseId, 'v.status': q.status, 'v.type': q.type },
    );
    const profile = await this.profiles.profileAt(this.clock.today());
    return this.violations.list(where, params, q, (r) => toItem(forRole(actor, r), profile));
  }

  async record(actor: Actor, dto: RecordViolationDto): Promise<ViolationItem> {
    const e = await this.refs.inScope(actor, dto.enterpriseId, 'write');
    const id = await this.unitOfWork.run(actor, 'violation.record', async (m, tx) => {
      const appointment = dto.subject === 'enterprise' ? null : await this.concerned(m, e.id, dto.appointmentId);
      const errors = [];
      if (dto.occurredOn > this.clock.today()) errors.push({ field: 'occurredOn', code: 'future', message: '发生日期不能晚于今天' });
      if (dto.subject !== 'enterprise' && !appointment) {
        errors.push({
          field: 'appointmentId',
          code: 'noAppointment',
          message: dto.appointmentId ? '所选聘任记录不属于该企业' : '该企业没有在任首席质量官，请选择聘任记录或将违规主体设为企业',
        });
      }
      if (errors.length) throw AppException.validation(errors);
      const newId = await this.violations.insert(m, {
        enterpriseId: e.id,
        regionPath: e.region_path,
        subject: dto.subject,
        personId: appointment?.person_id ?? null,
        appointmentId: appointment?.id ?? null,
        type: dto.type,
        accidentLevel: dto.accidentLevel ?? null,
        occurredOn: dto.occurredOn,
        sourceDocument: dto.sourceDocument.trim(),
        description: dto.description?.trim() || null,
        recordedBy: actor.userId || null,
        recordedRole: actor.role,
        at: this.clock.now(),
      });
      if (appointment) await this.eligibility.refresh(m, { personIds: [appointment.person_id] });
      await tx.audit({ objectType: 'violation', objectId: newId, details: { enterpriseId: e.id, type: dto.type } });
      await tx.enqueue('stats.refresh', { reason: 'violation.record', enterpriseId: e.id });
      // 001 §11: the CQO's evaluation certificates are suspended or revoked by type (docs/evaluation.md).
      if (appointment) await tx.enqueue('certificates.violation', { violationId: newId });
      return newId;
    });
    return this.item(id);
  }

  /** The CQO filing a violation concerns, read in the write's transaction: the one chosen (it must be this enterprise's) or the one in post. */
  private async concerned(m: EntityManager, enterpriseId: string, appointmentId?: string | null): Promise<{ id: string; person_id: string } | null> {
    if (!appointmentId) return this.appointments.activeOf(m, enterpriseId);
    const a = await this.appointments.byId(m, appointmentId);
    return a?.enterprise_id === enterpriseId ? a : null;
  }

  async updateStatus(actor: Actor, id: string, dto: UpdateViolationStatusDto): Promise<ViolationItem> {
    const v = await this.violations.head(id);
    if (!v) throw AppException.notFound('违规记录');
    await this.scope.assert(actor, { type: 'violation', id, regionPath: v.region_path, enterpriseId: v.enterprise_id }, 'write', '违规记录');
    if (!NEXT[v.status].includes(dto.status)) {
      throw AppException.validation([{ field: 'status', code: 'transition', message: `违规记录不能从“${STATUS_NAMES[v.status]}”改为“${STATUS_NAMES[dto.status]}”` }]);
    }
    await this.unitOfWork.run(actor, 'violation.status', async (m, tx) => {
      if (!(await this.violations.setStatus(m, id, dto.version, dto.status, dto.note.trim(), this.clock.now()))) throw AppException.conflict('违规记录已被他人修改，请刷新后重试');
      if (v.person_id) await this.eligibility.refresh(m, { personIds: [v.person_id] });
      await tx.audit({ objectType: 'violation', objectId: id, details: { from: v.status, to: dto.status } });
      await tx.enqueue('stats.refresh', { reason: 'violation.status', enterpriseId: v.enterprise_id });
    });
    return this.item(id);
  }

  /**
   * 撤销: a violation recorded by mistake leaves `violation` for `violation_voided` (with who, when
   * and why), so no verdict, count or certificate acts on it any more. Allowed to the level that
   * recorded it or above, within scope like every write here. In the same transaction: the person
   * is re-judged (a disqualification it caused goes) and what it did to certificates automatically
   * (suspension, termination, a pending revocation) is lifted; a revocation an officer confirmed stays.
   */
  async void(actor: Actor, id: string, dto: VoidViolationDto): Promise<VoidedViolationItem> {
    const v = await this.violations.head(id);
    if (!v) {
      const gone = await this.violations.voidedHead(id);
      if (gone) {
        await this.scope.assert(actor, { type: 'violation', id, regionPath: gone.region_path, enterpriseId: gone.enterprise_id }, 'write', '违规记录');
        throw AppException.conflict('该违规记录已撤销');
      }
      throw AppException.notFound('违规记录');
    }
    await this.scope.assert(actor, { type: 'violation', id, regionPath: v.region_path, enterpriseId: v.enterprise_id }, 'write', '违规记录');
    if (levelRank(actor.role) < levelRank(v.recorded_role)) {
      await this.audit.record({ actor, ip: actor.ip, action: 'violation.void', objectType: 'violation', objectId: id, result: 'denied', details: { recordedRole: v.recorded_role } });
      throw AppException.forbidden(`该违规记录由${LEVEL_NAMES[v.recorded_role] ?? v.recorded_role}录入，只能由录入层级或上级撤销`);
    }
    const reason = dto.reason.trim();
    await this.unitOfWork.run(actor, 'violation.void', async (m, tx) => {
      const locked = await this.violations.lock(m, id);
      if (locked === null) throw AppException.conflict('该违规记录已撤销');
      if (dto.version !== undefined && locked !== dto.version) throw AppException.conflict('违规记录已被他人修改，请刷新后重试');
      await this.violations.moveToVoided(m, id, { at: this.clock.now(), userId: actor.userId, role: actor.role, reason });
      if (v.person_id) {
        await this.eligibility.refresh(m, { personIds: [v.person_id] });
        await this.certificates.liftViolation(m, tx, id, v.person_id, actor, reason);
      }
      await tx.audit({
        objectType: 'violation',
        objectId: id,
        details: { enterpriseId: v.enterprise_id, type: v.type, occurredOn: v.occurred_on, recordedRole: v.recorded_role, reason },
      });
      await tx.enqueue('stats.refresh', { reason: 'violation.void', enterpriseId: v.enterprise_id });
    });
    return toVoidedItem((await this.violations.voidedById(id))!, v.version);
  }

  /** Voided violations in scope, latest first: who voided each, when and why. */
  async listVoided(actor: Actor, q: ViolationQueryDto): Promise<Page<VoidedViolationItem>> {
    const { where, params } = listWhere((p) => this.scope.wherePositional(actor, 'v', p, 'enterprise_id'), { 'v.enterprise_id': q.enterpriseId, 'v.type': q.type });
    return this.violations.listVoided(where, params, q, (r) => toVoidedItem(forRole(actor, r), 0));
  }

  private async item(id: string): Promise<ViolationItem> {
    return toItem((await this.violations.byId(id))!, await this.profiles.profileAt(this.clock.today()));
  }
}

function toVoidedItem(r: VoidedRow, version: number): VoidedViolationItem {
  const item: Omit<ViolationItem, 'disqualifying'> & { disqualifying?: boolean } = toItem({ ...r, version }, null);
  delete item.disqualifying;
  return { ...item, voidedAt: new Date(r.voided_at).toISOString(), voidedByRole: r.voided_role, voidReason: r.void_reason };
}

/** Levels that record violations, lowest first: a void needs the recording level or above. */
const LEVELS: Role[] = ['county', 'city', 'province'];
const LEVEL_NAMES: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
function levelRank(role: string): number {
  return LEVELS.indexOf(role as Role);
}

/** The CQO's name masked (张*丰) for a role that reads no personal data (admin, SPEC §1, issue 18 item 8). */
function forRole<T extends { person_name: string | null }>(actor: Actor, r: T): T {
  return readsPersonalData(actor.role) || !r.person_name ? r : { ...r, person_name: maskName(r.person_name) };
}

function toItem(r: ViolationRow, profile: PolicyProfile | null): ViolationItem {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    regionCode: r.region_code,
    regionName: r.region_name,
    subject: r.subject,
    personId: r.person_id,
    personName: r.person_name,
    type: r.type,
    accidentLevel: r.accident_level,
    occurredOn: r.occurred_on,
    sourceDocument: r.source_document,
    description: r.description,
    status: r.status,
    statusNote: r.status_note,
    recordedByRole: r.recorded_role,
    recordedAt: new Date(r.recorded_at).toISOString(),
    version: r.version,
    disqualifying: profile !== null && r.person_id !== null && isDisqualifying(profile, r.type, r.accident_level),
  };
}
