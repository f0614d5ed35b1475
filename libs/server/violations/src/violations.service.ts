import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VIOLATION_SORT_KEYS, type Page, type PolicyProfile, type Role, type ViolationItem, type ViolationSortKey, type ViolationStatus, type VoidedViolationItem } from '@cqo/contracts';
import { isDisqualifying, maskName, readsPersonalData } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, equalsFilters, orderBySort, queryPage, type Actor } from '@cqo/server-common';
import { EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { EvaluationCertificatesService } from '@cqo/server-evaluation';
import { UnitOfWork } from '@cqo/server-queue';
import type { RecordViolationDto, UpdateViolationStatusDto, ViolationQueryDto, VoidViolationDto } from './dtos/violation.dto';

interface ViolationRow {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  region_code: string;
  region_name: string;
  subject: ViolationItem['subject'];
  person_id: string | null;
  person_name: string | null;
  type: ViolationItem['type'];
  accident_level: ViolationItem['accidentLevel'];
  occurred_on: string;
  source_document: string;
  description: string | null;
  status: ViolationStatus;
  status_note: string | null;
  recorded_role: string;
  recorded_at: Date;
  version: number;
}

const SELECT = `SELECT v.id, v.enterprise_id, e.name AS enterprise_name, e.region_code, r.name AS region_name, v.subject, v.person_id,
       p.name AS person_name, v.type, v.accident_level, v.occurred_on::text AS occurred_on, v.source_document, v.description,
       v.status, v.status_note, v.recorded_role, v.recorded_at, v.version
  FROM violation v JOIN enterprise e ON e.id = v.enterprise_id JOIN region r ON r.code = e.region_code
  LEFT JOIN cqo_person p ON p.id = v.person_id`;

/** Moves a violation may make; a closed one is final. */
const NEXT: Record<ViolationStatus, ViolationStatus[]> = { open: ['rectified', 'closed'], rectified: ['open', 'closed'], closed: [] };
const STATUS_NAMES: Record<ViolationStatus, string> = { open: '未整改', rectified: '已整改', closed: '已关闭' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a write checks of a violation before it opens (`row`). */
interface ViolationHead {
  region_path: string;
  enterprise_id: string;
  status: ViolationStatus;
  person_id: string | null;
  recorded_role: string;
  type: string;
  occurred_on: string;
  version: number;
}

/**
 * Violations (SPEC §5). Their effect on a CQO is derived: recording one re-judges the person's
 * active appointments in the same transaction, so a disqualifying type makes the verdict
 * `ineligible` under profiles that list it — no flag is set by hand.
 */
@Injectable()
export class ViolationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly eligibility: EligibilityService,
    private readonly policy: ProfilesService,
    private readonly certificates: EvaluationCertificatesService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: ViolationQueryDto): Promise<Page<ViolationItem>> {
    const params: unknown[] = [];
    const where = [
      this.scope.regionFilter(actor, 'v', params, { enterpriseIdColumn: 'enterprise_id', region: q.region }),
      ...equalsFilters(params, { 'v.enterprise_id': q.enterpriseId, 'v.status': q.status, 'v.type': q.type }),
    ].join(' AND ');
    const profile = await this.policy.profileAt(this.clock.today());
    return queryPage(
      this.dataSource,
      {
        from: `FROM violation v WHERE ${where}`,
        select: `${SELECT} WHERE ${where} ORDER BY ${orderBySort(q.sort, VIOLATION_SORT_KEYS, VIOLATION_SORT_SQL, 'v.occurred_on DESC, v.recorded_at DESC, v.id')}`,
      },
      params,
      q,
      (r: ViolationRow) => toItem(forRole(actor, r), profile),
    );
  }

  async record(actor: Actor, dto: RecordViolationDto): Promise<ViolationItem> {
    const [e] = await this.dataSource.query(`SELECT id, region_path FROM enterprise WHERE id = $1`, [dto.enterpriseId]);
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id: e.id, regionPath: e.region_path, enterpriseId: e.id }, 'write', '企业');
    const errors = [];
    if (dto.occurredOn > this.clock.today()) errors.push({ field: 'occurredOn', code: 'future', message: '发生日期不能晚于今天' });
    let appointment: { id: string; person_id: string } | null = null;
    if (dto.subject !== 'enterprise') {
      const rows = dto.appointmentId
        ? await this.dataSource.query(`SELECT id, person_id FROM appointment WHERE id = $1 AND enterprise_id = $2`, [dto.appointmentId, e.id])
        : await this.dataSource.query(`SELECT id, person_id FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [e.id]);
      appointment = rows[0] ?? null;
      if (!appointment) {
        errors.push({
          field: 'appointmentId',
          code: 'noAppointment',
          message: dto.appointmentId ? '所选聘任记录不属于该企业' : '该企业没有在任首席质量官，请选择聘任记录或将违规主体设为企业',
        });
      }
    }
    if (errors.length) throw AppException.validation(errors);
    const id = await this.unitOfWork.run(actor, 'violation.record', async (m, tx) => {
      const now = this.clock.now();
      const [{ id: newId }]: { id: string }[] = await m.query(
        `INSERT INTO violation (enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on,
                                source_document, description, status, status_note, recorded_by, recorded_role, recorded_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', NULL, $11, $12, $13, $13, 1) RETURNING id`,
        [
          e.id,
          e.region_path,
          dto.subject,
          appointment?.person_id ?? null,
          appointment?.id ?? null,
          dto.type,
          dto.accidentLevel ?? null,
          dto.occurredOn,
          dto.sourceDocument.trim(),
          dto.description?.trim() || null,
          actor.userId || null,
          actor.role,
          now,
        ],
      );
      if (appointment) await this.eligibility.refresh(m, { personIds: [appointment.person_id] });
      await tx.audit({ objectType: 'violation', objectId: newId, details: { enterpriseId: e.id, type: dto.type } });
      await tx.enqueue('stats.refresh', { reason: 'violation.record', enterpriseId: e.id });
      // 001 §11: the CQO's evaluation certificates are suspended or revoked by type (docs/evaluation.md).
      if (appointment) await tx.enqueue('certificates.violation', { violationId: newId });
      return newId;
    });
    return this.item(id);
  }

  /** What the writes below check of a violation before they open: scope, state, person and who recorded it. */
  private async row(id: string): Promise<ViolationHead | null> {
    if (!UUID.test(id)) return null;
    const [v] = await this.dataSource.query(
      `SELECT region_path, enterprise_id, status, person_id, recorded_role, type, occurred_on::text AS occurred_on, version FROM violation WHERE id = $1`,
      [id],
    );
    return v ?? null;
  }

  async updateStatus(actor: Actor, id: string, dto: UpdateViolationStatusDto): Promise<ViolationItem> {
    const v = await this.row(id);
    if (!v) throw AppException.notFound('违规记录');
    await this.scope.assert(actor, { type: 'violation', id, regionPath: v.region_path, enterpriseId: v.enterprise_id }, 'write', '违规记录');
    if (!NEXT[v.status].includes(dto.status)) {
      throw AppException.validation([{ field: 'status', code: 'transition', message: `违规记录不能从“${STATUS_NAMES[v.status]}”改为“${STATUS_NAMES[dto.status]}”` }]);
    }
    await this.unitOfWork.run(actor, 'violation.status', async (m, tx) => {
      const [updated] = (await m.query(
        `UPDATE violation SET status = $3, status_note = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`,
        [id, dto.version, dto.status, dto.note.trim(), this.clock.now()],
      )) as [unknown[], number];
      if (updated.length !== 1) throw AppException.conflict('违规记录已被他人修改，请刷新后重试');
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
    const v = await this.row(id);
    if (!v) {
      const [gone] = /^[0-9a-f-]{36}$/i.test(id) ? await this.dataSource.query(`SELECT region_path, enterprise_id FROM violation_voided WHERE id = $1`, [id]) : [];
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
      const [locked] = await m.query(`SELECT version FROM violation WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw AppException.conflict('该违规记录已撤销');
      if (dto.version !== undefined && locked.version !== dto.version) throw AppException.conflict('违规记录已被他人修改，请刷新后重试');
      await m.query(
        `INSERT INTO violation_voided (id, enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on, source_document,
           description, status, status_note, recorded_by, recorded_role, recorded_at, voided_at, voided_by, voided_role, void_reason)
         SELECT id, enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on, source_document,
                description, status, status_note, recorded_by, recorded_role, recorded_at, $2, $3, $4, $5
           FROM violation WHERE id = $1`,
        [id, this.clock.now(), actor.userId, actor.role, reason],
      );
      await m.query(`DELETE FROM violation WHERE id = $1`, [id]);
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
    const [row]: VoidedRow[] = await this.dataSource.query(`${VOIDED_SELECT} WHERE v.id = $1`, [id]);
    return toVoidedItem({ ...row, version: v.version });
  }

  /** Voided violations in scope, latest first: who voided each, when and why. */
  async listVoided(actor: Actor, q: ViolationQueryDto): Promise<Page<VoidedViolationItem>> {
    const params: unknown[] = [];
    const clause = [
      this.scope.wherePositional(actor, 'v', params, 'enterprise_id'),
      ...equalsFilters(params, { 'v.enterprise_id': q.enterpriseId, 'v.type': q.type }),
    ].join(' AND ');
    return queryPage(
      this.dataSource,
      { from: `FROM violation_voided v WHERE ${clause}`, select: `${VOIDED_SELECT} WHERE ${clause} ORDER BY v.voided_at DESC, v.id` },
      params,
      q,
      (r: VoidedRow) => toVoidedItem({ ...forRole(actor, r), version: 0 }),
    );
  }

  private async item(id: string): Promise<ViolationItem> {
    const [row]: ViolationRow[] = await this.dataSource.query(`${SELECT} WHERE v.id = $1`, [id]);
    return toItem(row, await this.policy.profileAt(this.clock.today()));
  }
}

const VOIDED_SELECT = `SELECT v.id, v.enterprise_id, e.name AS enterprise_name, e.region_code, r.name AS region_name, v.subject, v.person_id,
       p.name AS person_name, v.type, v.accident_level, v.occurred_on::text AS occurred_on, v.source_document, v.description,
       v.status, v.status_note, v.recorded_role, v.recorded_at, v.voided_at, v.voided_role, v.void_reason
  FROM violation_voided v JOIN enterprise e ON e.id = v.enterprise_id JOIN region r ON r.code = e.region_code
  LEFT JOIN cqo_person p ON p.id = v.person_id`;

interface VoidedRow extends ViolationRow {
  voided_at: Date;
  voided_role: string;
  void_reason: string;
}

function toVoidedItem(r: VoidedRow): VoidedViolationItem {
  const item: Omit<ViolationItem, 'disqualifying'> & { disqualifying?: boolean } = toItem(r, null);
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

/** The column each violation sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const VIOLATION_SORT_SQL: Record<ViolationSortKey, string> = {
  enterprise: 'e.name',
  region: 'e.region_path',
  type: 'v.type',
  occurredOn: 'v.occurred_on',
  status: 'v.status',
  recordedAt: 'v.recorded_at',
};

