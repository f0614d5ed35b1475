import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  CreateTrainingRecordRequest,
  Page,
  ShortfallItem,
  ShortfallPage,
  ShortfallQuery,
  TrainingProgress,
  TrainingRecordItem,
  TrainingRecordQuery,
  TrainingYearHours,
} from '@cqo/contracts';
import { TRAINING_LIMITS } from '@cqo/contracts';
import {
  annualTrainingRule,
  emptyYearHours,
  initialTrainingRequired,
  maskName,
  normaliseCertificateNo,
  readsPersonalData,
  validateTrainingRecord,
  yearlyCompliance,
  yearOf,
} from '@cqo/policy';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { STATS_REFRESH_MAX_ENTERPRISES, UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { LedgerService } from './ledger.service';
import { toYearHours, TrainingRecordsRepository, type EnterpriseCqo, type TrainingRecordRow } from './training-records.repository';

/**
 * Training records (SPEC §4): enterprises add their own CQO's, providers' come by import; every
 * write goes through the ledger and re-judges the person's active appointments in the same
 * transaction, since yearly hours are a (soft) eligibility rule.
 */
@Injectable()
export class TrainingService {
  constructor(
    private readonly records: TrainingRecordsRepository,
    private readonly ledger: LedgerService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly eligibility: EligibilityService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: TrainingRecordQuery): Promise<Page<TrainingRecordItem>> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    let of: Parameters<TrainingRecordsRepository['list']>[0];
    if (q.enterpriseId) {
      const e = await this.enterprise(actor, q.enterpriseId, 'read');
      // The ledger is the person's: the enterprise sees its current CQO's records wherever they were earned.
      if (!e.person_id) return { items: [], total: 0, page, pageSize };
      of = { personId: e.person_id };
    } else if (q.personId) {
      await this.assertPerson(actor, q.personId, 'read');
      of = { personId: q.personId };
    } else {
      of = { scope: (alias, params) => this.scope.wherePositional(actor, alias, params) };
    }
    return this.records.list(of, q.year, { page, pageSize }, toItem);
  }

  /** The enterprise's active CQO in `year`: hours by category and progress toward each threshold. */
  async progress(actor: Actor, enterpriseId: string | undefined, year: number | undefined): Promise<TrainingProgress> {
    const id = enterpriseId ?? actor.enterpriseId;
    if (!id) throw AppException.validation([{ field: 'enterpriseId', code: 'required', message: '请选择企业' }]);
    const e = await this.enterprise(actor, id, 'read');
    const today = this.clock.today();
    const y = year ?? yearOf(today);
    const profile = await this.profiles.profileAt(y < yearOf(today) ? `${y}-12-31` : today);
    const base = { enterpriseId: e.id, enterpriseName: e.name, year: y };
    const required = initialTrainingRequired(profile);
    if (!e.person_id || !e.appointed_on) {
      return { ...base, person: null, hours: emptyYearHours(), compliance: null, initialTraining: { hours: 0, required, certificateNo: null } };
    }
    const { hours, initial } = await this.records.progressHours(e.person_id, y, e.appointed_on);
    return {
      ...base,
      person: { id: e.person_id, name: e.person_name ?? '', appointedOn: e.appointed_on, termEnd: e.term_end },
      hours,
      compliance: yearlyCompliance(profile, { appointedOn: e.appointed_on, termEnd: e.term_end }, y, hours),
      initialTraining: { hours: initial.hours, required, certificateNo: initial.certificate_no },
    };
  }

  /** An enterprise records a course its current CQO took. */
  async create(actor: Actor, dto: CreateTrainingRecordRequest): Promise<TrainingRecordItem> {
    const enterpriseId = actor.role === 'enterprise' ? actor.enterpriseId : dto.enterpriseId;
    if (!enterpriseId) throw AppException.validation([{ field: 'enterpriseId', code: 'required', message: '请选择企业' }]);
    const e = await this.enterprise(actor, enterpriseId, 'write');
    if (!e.person_id) {
      throw AppException.validation([{ field: 'enterpriseId', code: 'noCqo', message: '该企业没有在任首席质量官，请先备案首席质量官' }]);
    }
    const errors = validateTrainingRecord(dto, this.clock.today());
    if (errors.length) throw AppException.validation(errors);
    const certificateNo = normaliseCertificateNo(dto.certificateNo);
    const id = await this.unitOfWork.run(actor, 'training.record', async (m, tx) => {
      await this.ledger.lock(m);
      if (certificateNo && (await this.records.certificatesTaken(m, [certificateNo])).has(certificateNo)) {
        throw AppException.validation([{ field: 'certificateNo', code: 'duplicate', message: `证书编号 ${certificateNo} 已登记，不能重复登记` }]);
      }
      const [rec] = await this.ledger.append(m, [
        {
          kind: 'entry',
          personId: e.person_id!,
          enterpriseId: e.id,
          category: dto.category,
          course: dto.course.trim(),
          provider: dto.provider.trim(),
          startDate: dto.startDate,
          endDate: dto.endDate,
          hours: Number(dto.hours),
          certificateNo,
          source: 'enterprise',
          reverses: null,
          reason: null,
          importId: null,
          recordedAt: this.clock.now(),
          recordedBy: actor.userId || null,
        },
      ]);
      await this.afterWrite(m, tx, [e.person_id!], [e.id], 'training.record', rec.id, { category: dto.category, hours: Number(dto.hours) });
      return rec.id;
    });
    return this.item(id);
  }

  /** A correction: a reversal record cancels the entry; the entry itself is never touched. */
  async reverse(actor: Actor, id: string, reason: string): Promise<TrainingRecordItem> {
    const t = await this.records.forReversal(id);
    if (!t) throw AppException.notFound('培训记录');
    const obj = { type: 'training_record', id, regionPath: t.region_path ?? '/none/', enterpriseId: t.enterprise_id };
    await this.scope.assert(actor, obj, 'read', '培训记录');
    // An enterprise corrects what it reported; a provider's record is corrected by the office.
    const mayWrite = actor.role === 'enterprise' ? t.source === 'enterprise' && this.scope.allows(actor, obj, 'write') : actor.role !== 'admin' && this.scope.allows(actor, obj, 'write');
    if (!mayWrite) throw AppException.forbidden(actor.role === 'enterprise' ? '培训机构导入的记录只能由主管部门冲销' : '无权冲销该培训记录');
    if (t.kind !== 'entry') throw AppException.validation([{ field: 'id', code: 'reversal', message: '冲销记录不能再次冲销' }]);
    const text = reason?.trim() ?? '';
    if (!text) throw AppException.validation([{ field: 'reason', code: 'required', message: '请填写冲销原因' }]);
    if (text.length > TRAINING_LIMITS.reverseReason) throw AppException.validation([{ field: 'reason', code: 'length', message: `冲销原因不能超过${TRAINING_LIMITS.reverseReason}个字符` }]);
    const newId = await this.unitOfWork.run(actor, 'training.reverse', async (m, tx) => {
      await this.ledger.lock(m);
      if (await this.records.reversalOf(m, id)) throw AppException.conflict('该培训记录已被冲销');
      const [rec] = await this.ledger.append(m, [
        {
          kind: 'reversal',
          personId: t.person_id,
          enterpriseId: t.enterprise_id,
          category: t.category,
          course: t.course,
          provider: t.provider,
          startDate: t.start_date,
          endDate: t.end_date,
          hours: -t.hours,
          certificateNo: t.certificate_no,
          source: t.source,
          reverses: id,
          reason: text,
          importId: null,
          recordedAt: this.clock.now(),
          recordedBy: actor.userId || null,
        },
      ]);
      await this.afterWrite(m, tx, [t.person_id], t.enterprise_id ? [t.enterprise_id] : [], 'training.reverse', rec.id, { reverses: id, reason: text });
      return rec.id;
    });
    return this.item(newId);
  }

  /** CQOs in scope short of the year's hours, most hours short first (SPEC §3 applicability). */
  async shortfall(actor: Actor, q: ShortfallQuery): Promise<ShortfallPage> {
    const today = this.clock.today();
    const year = q.year ?? yearOf(today);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const profile = await this.profiles.profileAt(year < yearOf(today) ? `${year}-12-31` : today);
    const rule = annualTrainingRule(profile);
    const empty: ShortfallPage = {
      items: [],
      total: 0,
      page,
      pageSize,
      year,
      profile: `${profile.name}@${profile.version}`,
      clause: rule?.clause ?? null,
      summary: { applicable: 0, compliant: 0, short: 0 },
    };
    if (!rule) return empty;
    const scope = (alias: string, params: unknown[]) => this.scope.regionFilter(actor, alias, params, { region: q.region });
    const { summary, rows } = await this.records.shortfall({ rule, year, today, scope }, { page, pageSize, sort: q.sort });
    const items: ShortfallItem[] = rows.map((r) => {
      const hours = toYearHours(r);
      const c = yearlyCompliance(profile, { appointedOn: r.appointed_on, termEnd: r.term_end }, year, hours);
      return {
        enterpriseId: r.enterprise_id,
        enterpriseName: r.enterprise_name,
        regionCode: r.region_code,
        regionName: r.region_name,
        personId: r.person_id,
        // admin keeps the system's ledger check on this page but reads no names (SPEC §1, issue 18 item 8).
        personName: readsPersonalData(actor.role) ? r.person_name : maskName(r.person_name),
        appointedOn: r.appointed_on,
        hours,
        parts: c.parts,
        shortHours: c.shortHours,
        shortActivities: c.shortActivities,
      };
    });
    return { ...empty, items, total: summary.applicable - summary.compliant, summary: { ...summary, short: summary.applicable - summary.compliant } };
  }

  async item(id: string): Promise<TrainingRecordItem> {
    const row = await this.records.byId(id);
    if (!row) throw AppException.notFound('培训记录');
    return toItem(row);
  }

  /** A person's counted hours in one calendar year. */
  async yearHours(m: EntityManager, personId: string, year: number): Promise<TrainingYearHours> {
    return this.records.yearHours(m, personId, year);
  }

  /** Re-judge the people's appointments, audit, and let the statistics know — inside the write's unit of work. */
  async afterWrite(
    m: EntityManager,
    tx: UnitOfWorkTx,
    personIds: string[],
    enterpriseIds: string[],
    action: string,
    objectId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    if (personIds.length) await this.eligibility.refresh(m, { personIds: [...new Set(personIds)] });
    await tx.audit({ action, objectType: 'training_record', objectId, details });
    // Each enterprise's county is moved by that enterprise; none named (a record of no enterprise),
    // or more than a drain counts one by one (a huge import), is the whole province rebuilt.
    const ids = [...new Set(enterpriseIds)];
    const [only] = ids;
    await tx.enqueue(
      'stats.refresh',
      ids.length === 1 ? { reason: action, enterpriseId: only } : ids.length && ids.length <= STATS_REFRESH_MAX_ENTERPRISES ? { reason: action, enterpriseIds: ids } : { reason: action },
    );
  }

  /** The enterprise (in the actor's scope for `access`) with its CQO whose term is running today. */
  async enterprise(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseCqo> {
    const e = await this.records.enterpriseCqo(id, this.clock.today());
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id: e.id, regionPath: e.region_path, enterpriseId: e.id }, access, '企业');
    return e;
  }

  /** A person is visible to whoever sees an enterprise that ever appointed them. */
  async assertPerson(actor: Actor, personId: string, access: 'read' | 'write'): Promise<{ name: string; enterpriseId: string; regionPath: string }> {
    const rows = await this.records.personAppointments(personId);
    const visible = rows.find((r) => this.scope.allows(actor, { regionPath: r.region_path, enterpriseId: r.enterprise_id }, access));
    if (!visible) {
      await this.scope.assert(actor, { type: 'cqo_person', id: personId, regionPath: '/none/', enterpriseId: null }, access, '首席质量官');
      throw AppException.notFound('首席质量官');
    }
    return { name: visible.name, enterpriseId: visible.enterprise_id, regionPath: visible.region_path };
  }
}

function toItem(r: TrainingRecordRow): TrainingRecordItem {
  return {
    id: r.id,
    seq: Number(r.seq),
    kind: r.kind,
    personId: r.person_id,
    personName: r.person_name,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    category: r.category,
    course: r.course,
    provider: r.provider,
    startDate: r.start_date,
    endDate: r.end_date,
    hours: r.hours,
    certificateNo: r.certificate_no,
    source: r.source,
    reverses: r.reverses,
    reversedBy: r.reversed_by,
    reason: r.reason,
    recordedAt: r.recorded_at.toISOString(),
    recordedByName: r.recorded_by_name,
    hash: r.hash,
  };
}
