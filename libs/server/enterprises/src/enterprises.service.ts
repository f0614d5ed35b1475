import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import {
  isUuid,
  type ApiErrorDetail,
  type EnterpriseAward,
  type EnterpriseChangeRequest,
  type EnterpriseDetail,
  type EnterpriseListItem,
  type OwnershipType,
  type EnterpriseReviewedFields,
  type Page,
  type SizeClass,
} from '@cqo/contracts';
import { maskName, maskPhone, readsPersonalData, validateCreditCode } from '@cqo/policy';
import { ScopeService, inRegion } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import type { CreateEnterpriseDto } from './dtos/create-enterprise.dto';
import type { EnterpriseQueryDto } from './dtos/enterprise-query.dto';
import type { UpdateEnterpriseDto } from './dtos/update-enterprise.dto';
import { EnterpriseChangeRequestsRepository, toChangeRequest } from './enterprise-change-requests.repository';
import { EnterprisesRepository, type CqoCell, type EnterpriseChanges, type EnterpriseListRow } from './enterprises.repository';
import { EnterpriseEntity } from './entities/enterprise.entity';

@Injectable()
export class EnterprisesService {
  constructor(
    @InjectRepository(EnterpriseEntity) private readonly repo: Repository<EnterpriseEntity>,
    private readonly records: EnterprisesRepository,
    private readonly scope: ScopeService,
    private readonly regions: RegionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly changeRequests: EnterpriseChangeRequestsRepository,
  ) {}

  async list(actor: Actor, query: EnterpriseQueryDto): Promise<Page<EnterpriseListItem>> {
    const today = this.clock.today();
    const params: unknown[] = [today];
    const where = [this.scope.wherePositional(actor, 'e', params)];
    if (query.region) {
      const region = await this.regions.visible(actor, query.region).catch(() => null);
      // A region outside the scope is the same as an empty one: no rows, no hint that it exists.
      where.push(inRegion('e', region?.path ?? '/none/', params));
    }
    where.push(...this.records.filters(query, params));
    const personal = readsPersonalData(actor.role);
    return this.records.list(where, params, query, (r) => toListItem(r, personal));
  }

  /** A county / city / province officer registers an enterprise inside their scope. */
  async create(actor: Actor, dto: CreateEnterpriseDto): Promise<EnterpriseDetail> {
    const code = dto.creditCode.trim().toUpperCase();
    const errors: ApiErrorDetail[] = [];
    const check = validateCreditCode(code);
    if (!check.valid) errors.push(...check.errors.map((x) => ({ field: 'creditCode', code: 'creditCode', message: x.message })));
    const region = await this.regions.visible(actor, dto.regionCode).catch(() => null);
    if (!region || region.level < 2) errors.push({ field: 'regionCode', code: 'outOfScope', message: '所在地区应为您管辖范围内的市州或县市区' });
    errors.push(...duplicateAwards(dto.awards ?? []));
    if (errors.length || !region) throw AppException.validation(errors);
    const id = await this.unitOfWork.run(actor, 'enterprise.create', async (m, tx) => {
      const newId = await this.records.insert(m, {
        creditCode: code,
        name: dto.name.trim(),
        regionCode: region.code,
        regionPath: region.path,
        aboveSize: dto.aboveSize,
        sizeClass: dto.sizeClass ?? null,
        ownership: dto.ownership ?? null,
        industry: dto.industry ?? null,
      });
      if (!newId) throw AppException.validation([{ field: 'creditCode', code: 'duplicate', message: '该统一社会信用代码已登记' }]);
      await this.records.replaceAwards(m, newId, dto.awards ?? []);
      await tx.audit({ objectType: 'enterprise', objectId: newId, details: { creditCode: code } });
      await tx.enqueue('stats.refresh', { reason: 'enterprise.create', enterpriseId: newId });
      return newId;
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<EnterpriseDetail> {
    const e = await this.load(actor, id, 'read');
    return this.detail(e, actor);
  }

  /**
   * An officer's edit applies at once. The enterprise's own edit of a reviewed field (规上, size,
   * awards, region: they move it between target categories and change which position rule is
   * hard) becomes a change request an officer approves (issue 18 item 4); its other fields still
   * apply at once, in the same transaction. The version is required (optimistic lock).
   */
  async update(actor: Actor, id: string, dto: UpdateEnterpriseDto): Promise<EnterpriseUpdateOutcome> {
    const before = await this.load(actor, id, 'write');
    const { awards, version, regionCode, aboveSize, sizeClass, ...direct } = dto;
    if (awards) {
      const errors = duplicateAwards(awards);
      if (errors.length) throw AppException.validation(errors);
    }
    if (version !== before.version) throw AppException.conflict(STALE);
    const reviewed: EnterpriseReviewedFields = Object.fromEntries(
      Object.entries({ aboveSize, sizeClass, awards, regionCode }).filter(([, v]) => v !== undefined),
    );
    if (actor.role === 'enterprise') {
      const asked = await this.askedChanges(before, reviewed);
      if (Object.keys(asked.changes).length) {
        const requestId = await this.unitOfWork.run(actor, 'enterprise.change_request.file', async (m, tx) => {
          if (hasValues(direct)) await this.applyEdit(m, tx, before, direct, 'enterprise.update');
          else await this.lockVersion(m, before);
          const filed = await this.changeRequests.file(m, {
            enterpriseId: id,
            changes: asked.changes,
            before: asked.before,
            baseVersion: before.version,
            by: actor.userId || null,
            at: this.clock.now(),
          });
          await tx.audit({ objectType: 'enterprise_change_request', objectId: filed.id, details: { enterpriseId: id, fields: Object.keys(asked.changes), supersedes: filed.superseded } });
          return filed.id;
        });
        const row = await this.changeRequests.find(requestId);
        return { kind: 'requested', request: toChangeRequest(row!) };
      }
    }
    const region = reviewed.regionCode !== undefined && reviewed.regionCode !== before.regionCode ? await this.movableTo(actor, reviewed.regionCode) : null;
    const saved = await this.unitOfWork.run(actor, 'enterprise.update', (m, tx) => this.applyEdit(m, tx, before, { ...direct, aboveSize, sizeClass, awards, region }, 'enterprise.update'));
    return { kind: 'applied', enterprise: await this.detail(saved, actor) };
  }

  /**
   * The one path an edit takes, an officer's own or an approved change request: a versioned
   * update of `current` (409 when it moved meanwhile), awards, a region move with the copies of
   * the region path, the audit row (`action`, the unit's actor) and the statistics refresh, all in
   * the caller's unit of work.
   */
  async applyEdit(
    m: EntityManager,
    tx: UnitOfWorkTx,
    current: EnterpriseEntity,
    edit: { name?: string; ownership?: OwnershipType; industry?: string; aboveSize?: boolean; sizeClass?: SizeClass | null; awards?: EnterpriseAward[]; region?: { code: string; path: string } | null },
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<EnterpriseEntity> {
    const { awards, region, ...fields } = edit;
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as EnterpriseChanges;
    if (region) Object.assign(changes, { regionCode: region.code, regionPath: region.path });
    if (!(await this.records.updateAt(m, current.id, current.version, changes, this.clock.now()))) throw AppException.conflict(STALE);
    if (awards) await this.records.replaceAwards(m, current.id, awards);
    if (region) await this.records.moveRegionPathCopies(m, current.id, region.path);
    const changed = [...Object.keys(changes).filter((k) => k !== 'regionPath'), ...(awards ? ['awards'] : [])];
    await tx.audit({ action, objectType: 'enterprise', objectId: current.id, details: { changed, ...details } });
    // A moved enterprise leaves its old region too: that one is marked with it (recounted when its
    // parts are not held; when they are, the drain takes the enterprise's held part out of it anyway).
    await tx.enqueue('stats.refresh', region ? { reason: `${action}.region`, enterpriseId: current.id, regions: [current.regionCode] } : { reason: action, enterpriseId: current.id });
    return m.findOneByOrFail(EnterpriseEntity, { id: current.id });
  }

  /** The enterprise row as it is now, locked for the caller's transaction. */
  async lockForEdit(m: EntityManager, id: string): Promise<EnterpriseEntity> {
    if ((await this.records.lockedVersion(m, id)) === null) throw AppException.notFound('企业');
    return m.findOneByOrFail(EnterpriseEntity, { id });
  }

  /** A 市州 or 县市区 inside the officer's scope, or a 400 naming the field. */
  async movableTo(actor: Actor, code: string): Promise<{ code: string; path: string }> {
    const region = await this.regions.visible(actor, code).catch(() => null);
    if (!region || region.level < 2) throw AppException.validation([{ field: 'regionCode', code: 'outOfScope', message: '所在地区应为您管辖范围内的市州或县市区' }]);
    return { code: region.code, path: region.path };
  }

  /** Holds the version the enterprise read while its request is filed: a stale form is a 409 here too. */
  private async lockVersion(m: EntityManager, e: EnterpriseEntity): Promise<void> {
    if ((await this.records.lockedVersion(m, e.id)) !== e.version) throw AppException.conflict(STALE);
  }

  /** The reviewed fields that differ from the enterprise as it is, with their current values; a region must exist in the province. */
  private async askedChanges(e: EnterpriseEntity, asked: EnterpriseReviewedFields): Promise<{ changes: EnterpriseReviewedFields; before: EnterpriseReviewedFields }> {
    const changes: EnterpriseReviewedFields = {};
    const before: EnterpriseReviewedFields = {};
    if (asked.aboveSize !== undefined && asked.aboveSize !== e.aboveSize) {
      changes.aboveSize = asked.aboveSize;
      before.aboveSize = e.aboveSize;
    }
    if (asked.sizeClass !== undefined && asked.sizeClass !== e.sizeClass) {
      changes.sizeClass = asked.sizeClass;
      before.sizeClass = e.sizeClass;
    }
    if (asked.awards) {
      const current = await this.records.awardsOf(e.id);
      const was = current.map((a) => ({ award: a.award, year: a.year ?? null }));
      const now = asked.awards.map((a) => ({ award: a.award, year: a.year ?? null }));
      if (awardKey(was) !== awardKey(now)) {
        changes.awards = now;
        before.awards = was;
      }
    }
    if (asked.regionCode !== undefined && asked.regionCode !== e.regionCode) {
      const [region, province, was] = await Promise.all([this.regions.find(asked.regionCode), this.regions.province(), this.regions.find(e.regionCode)]);
      if (!region || region.level < 2 || !region.path.startsWith(province.path)) {
        throw AppException.validation([{ field: 'regionCode', code: 'region', message: '所在地区应为本省的市州或县市区' }]);
      }
      Object.assign(changes, { regionCode: region.code, regionName: region.name });
      Object.assign(before, { regionCode: e.regionCode, regionName: was?.name ?? e.regionCode });
    }
    return { changes, before };
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseEntity> {
    const e = isUuid(id) ? await this.repo.findOneBy({ id }) : null;
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id, regionPath: e.regionPath, enterpriseId: e.id }, access, '企业');
    return e;
  }

  private async detail(e: EnterpriseEntity, actor: Actor): Promise<EnterpriseDetail> {
    const [region, awards] = await Promise.all([
      this.regions.find(e.regionCode),
      this.records.awardsOf(e.id),
    ]);
    const cell = await this.records.activeCqo(e.id);
    return {
      ...toListItem({
        id: e.id,
        credit_code: e.creditCode,
        name: e.name,
        region_code: e.regionCode,
        region_name: region?.name ?? e.regionCode,
        above_size: e.aboveSize,
        size_class: e.sizeClass,
        ownership: e.ownership,
        industry: e.industry,
        closed_on: e.closedOn,
        closed_reason: e.closedReason,
        has_award: awards.length > 0,
        ...(cell ?? NO_CQO),
      }, readsPersonalData(actor.role)),
      awards: awards.map((a) => ({ award: a.award, year: a.year ?? null })),
      version: e.version,
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

const NO_CQO: CqoCell = { a_id: null, a_name: null, a_phone: null, a_term_end: null, a_verdict: null, a_disqualified: null, a_duplicate: null };

export type EnterpriseUpdateOutcome = { kind: 'applied'; enterprise: EnterpriseDetail } | { kind: 'requested'; request: EnterpriseChangeRequest };

const STALE = '企业信息已被他人修改，请刷新后重试';

function hasValues(o: object): boolean {
  return Object.values(o).some((v) => v !== undefined);
}

function awardKey(awards: EnterpriseAward[]): string {
  return JSON.stringify(awards.map((a) => `${a.year ?? ''}|${a.award}`).sort());
}

function duplicateAwards(awards: EnterpriseAward[]): ApiErrorDetail[] {
  const seen = new Set<string>();
  for (const a of awards) {
    const key = `${a.award}/${a.year ?? ''}`;
    if (seen.has(key)) return [{ field: 'awards', code: 'duplicate', message: `获奖情况重复：${a.year ? `${a.year}年` : ''}${a.award}` }];
    seen.add(key);
  }
  return [];
}

/** `personal`: whether the reader sees the CQO's name (admin does not, SPEC §1); the phone is masked for every list reader. */
function toListItem(r: EnterpriseListRow, personal: boolean): EnterpriseListItem {
  return {
    id: r.id,
    creditCode: r.credit_code,
    name: r.name,
    regionCode: r.region_code,
    regionName: r.region_name,
    aboveSize: r.above_size,
    sizeClass: r.size_class,
    ownership: r.ownership,
    industry: r.industry,
    hasAward: r.has_award,
    closed: r.closed_on ? { closedOn: r.closed_on, reason: r.closed_reason ?? '其他' } : null,
    cqo: r.a_id
      ? {
          appointmentId: r.a_id,
          name: personal ? (r.a_name ?? '') : maskName(r.a_name ?? ''),
          phone: maskPhone(r.a_phone) ?? '',
          termEnd: r.a_term_end,
          verdict: r.a_verdict,
          disqualified: !!r.a_disqualified,
          duplicate: !!r.a_duplicate,
        }
      : null,
  };
}
