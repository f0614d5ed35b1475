import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type {
  ApiErrorDetail,
  AwardType,
  ClosingReason,
  CqoFilter,
  EnterpriseAward,
  EnterpriseChangeRequest,
  EnterpriseDetail,
  EnterpriseListItem,
  OwnershipType,
  EnterpriseReviewedFields,
  Page,
  SizeClass,
  Verdict,
} from '@cqo/contracts';
import { ENTERPRISE_SORT_KEYS, type EnterpriseSortKey } from '@cqo/contracts';
import { maskName, maskPhone, readsPersonalData, validateCreditCode } from '@cqo/policy';
import { ScopeService, inRegion } from '@cqo/server-auth';
import { AppException, Clock, orderBySort, queryPage, type Actor } from '@cqo/server-common';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import type { CreateEnterpriseDto } from './dtos/create-enterprise.dto';
import type { EnterpriseQueryDto } from './dtos/enterprise-query.dto';
import type { UpdateEnterpriseDto } from './dtos/update-enterprise.dto';
import { EnterpriseChangeRequestsRepository, toChangeRequest } from './enterprise-change-requests.repository';
import { EnterpriseEntity } from './entities/enterprise.entity';

@Injectable()
export class EnterprisesService {
  constructor(
    @InjectRepository(EnterpriseEntity) private readonly repo: Repository<EnterpriseEntity>,
    private readonly dataSource: DataSource,
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
    if (query.q) {
      const q = query.q.trim();
      // The n-gram index finds candidates; LIKE keeps only names that hold the whole text.
      where.push(
        `((e.name_grams @> $${params.push(nameGrams(q))}::text[] AND e.name LIKE $${params.push(`%${q.replace(/[\\%_]/g, '\\$&')}%`)}) OR e.credit_code = $${params.push(q.toUpperCase())})`,
      );
    }
    if (query.aboveSize !== undefined) where.push(`e.above_size = $${params.push(query.aboveSize)}`);
    if (query.sizeClass) where.push(`e.size_class = $${params.push(query.sizeClass)}`);
    if (query.ownership) where.push(`e.ownership = $${params.push(query.ownership)}`);
    if (query.industry) where.push(`e.industry = $${params.push(query.industry)}`);
    if (query.award !== undefined) where.push(`${query.award ? '' : 'NOT '}EXISTS (SELECT 1 FROM enterprise_award w WHERE w.enterprise_id = e.id)`);
    if (query.cqo) where.push(CQO_FILTER_SQL[query.cqo]);
    // An appointment whose term has ended no longer counts, even before the nightly job marks it.
    const from = `FROM enterprise e
      LEFT JOIN appointment a ON a.enterprise_id = e.id AND a.status = 'active' AND (a.term_end IS NULL OR a.term_end >= $1::date)`;
    const clause = where.join(' AND ');
    const select =
      `SELECT e.id, e.credit_code, e.name, e.region_code, r.name AS region_name, e.above_size, e.size_class, e.ownership, e.industry,
              e.closed_on::text AS closed_on, e.closed_reason,
              EXISTS (SELECT 1 FROM enterprise_award w WHERE w.enterprise_id = e.id) AS has_award,
              a.id AS a_id, a.name AS a_name, a.phone AS a_phone, a.term_end::text AS a_term_end, a.verdict AS a_verdict,
              a.disqualified AS a_disqualified, ${DUPLICATE_SQL} AS a_duplicate
         ${from} JOIN region r ON r.code = e.region_code
        WHERE ${clause}
        ORDER BY ${orderBySort(query.sort, ENTERPRISE_SORT_KEYS, ENTERPRISE_SORT_SQL, 'e.region_path, e.name, e.id')}`;
    const personal = readsPersonalData(actor.role);
    return queryPage(this.dataSource, { from: `${from} WHERE ${clause}`, select }, params, query, (r: ListRow) => toListItem(r, personal));
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
      const [exists] = await m.query(`SELECT 1 FROM enterprise WHERE credit_code = $1`, [code]);
      if (exists) throw AppException.validation([{ field: 'creditCode', code: 'duplicate', message: '该统一社会信用代码已登记' }]);
      const result = await m.insert(EnterpriseEntity, {
        creditCode: code,
        name: dto.name.trim(),
        regionCode: region.code,
        regionPath: region.path,
        aboveSize: dto.aboveSize,
        sizeClass: dto.sizeClass ?? null,
        ownership: dto.ownership ?? null,
        industry: dto.industry ?? null,
      });
      const newId = (result.identifiers[0] as { id: string }).id;
      await this.replaceAwards(m, newId, dto.awards ?? []);
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
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<EnterpriseEntity>;
    if (region) Object.assign(changes, { regionCode: region.code, regionPath: region.path });
    const result = await m
      .createQueryBuilder()
      .update(EnterpriseEntity)
      .set({ ...changes, updatedAt: this.clock.now(), version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id: current.id, version: current.version })
      .execute();
    if (result.affected !== 1) throw AppException.conflict(STALE);
    if (awards) await this.replaceAwards(m, current.id, awards);
    if (region) {
      // Every row that copies the enterprise's region path follows it, so scope and lists agree.
      for (const table of REGION_PATH_COPIES) await m.query(`UPDATE ${table} SET region_path = $2 WHERE enterprise_id = $1`, [current.id, region.path]);
    }
    const changed = [...Object.keys(changes).filter((k) => k !== 'regionPath'), ...(awards ? ['awards'] : [])];
    await tx.audit({ action, objectType: 'enterprise', objectId: current.id, details: { changed, ...details } });
    // A moved enterprise leaves its old region too: refresh everywhere rather than only where it is now.
    await tx.enqueue('stats.refresh', region ? { reason: `${action}.region` } : { reason: action, enterpriseId: current.id });
    return m.findOneByOrFail(EnterpriseEntity, { id: current.id });
  }

  /** The enterprise row as it is now, locked for the caller's transaction. */
  async lockForEdit(m: EntityManager, id: string): Promise<EnterpriseEntity> {
    const [row] = await m.query(`SELECT id FROM enterprise WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw AppException.notFound('企业');
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
    const [row] = await m.query(`SELECT version FROM enterprise WHERE id = $1 FOR UPDATE`, [e.id]);
    if (!row || row.version !== e.version) throw AppException.conflict(STALE);
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
      const current = await this.awardsOf(e.id);
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

  private async replaceAwards(m: EntityManager, enterpriseId: string, awards: EnterpriseAward[]): Promise<void> {
    await m.query(`DELETE FROM enterprise_award WHERE enterprise_id = $1`, [enterpriseId]);
    if (awards.length) {
      await m.query(`INSERT INTO enterprise_award (enterprise_id, award, year) SELECT $1, * FROM unnest($2::varchar[], $3::smallint[])`, [
        enterpriseId,
        awards.map((a) => a.award),
        awards.map((a) => a.year ?? null),
      ]);
    }
  }

  /** An enterprise's awards, latest year first (a year not known first of all, as PostgreSQL sorts NULL). */
  private awardsOf(enterpriseId: string): Promise<{ award: AwardType; year: number | null }[]> {
    return this.dataSource.query(`SELECT award, year FROM enterprise_award WHERE enterprise_id = $1 ORDER BY year DESC`, [enterpriseId]);
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseEntity> {
    const e = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.findOneBy({ id }) : null;
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id, regionPath: e.regionPath, enterpriseId: e.id }, access, '企业');
    return e;
  }

  private async detail(e: EnterpriseEntity, actor: Actor): Promise<EnterpriseDetail> {
    const [region, awards] = await Promise.all([
      this.regions.find(e.regionCode),
      this.awardsOf(e.id),
    ]);
    const [cell] = await this.dataSource.query(
      `SELECT a.id AS a_id, a.name AS a_name, a.phone AS a_phone, a.term_end::text AS a_term_end, a.verdict AS a_verdict,
              a.disqualified AS a_disqualified, ${DUPLICATE_SQL} AS a_duplicate
         FROM appointment a WHERE a.enterprise_id = $1 AND a.status = 'active'`,
      [e.id],
    );
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

interface ListRow {
  id: string;
  credit_code: string;
  name: string;
  region_code: string;
  region_name: string;
  above_size: boolean;
  size_class: SizeClass | null;
  ownership: OwnershipType | null;
  industry: string | null;
  closed_on: string | null;
  closed_reason: ClosingReason | null;
  has_award: boolean;
  a_id: string | null;
  a_name: string | null;
  a_phone: string | null;
  a_term_end: string | null;
  a_verdict: Verdict | null;
  a_disqualified: boolean | null;
  a_duplicate: boolean | null;
}

const NO_CQO = { a_id: null, a_name: null, a_phone: null, a_term_end: null, a_verdict: null, a_disqualified: null, a_duplicate: null };

/** The same person (name + phone) active as CQO of another enterprise. */
const DUPLICATE_SQL = `(a.id IS NOT NULL AND EXISTS (SELECT 1 FROM appointment a2 WHERE a2.person_id = a.person_id AND a2.status = 'active' AND a2.enterprise_id <> a.enterprise_id))`;

/** The CQO filters of the city and province lists; `$1` is today's date. */
const CQO_FILTER_SQL: Record<CqoFilter, string> = {
  none: 'a.id IS NULL',
  eligible: "a.verdict = 'eligible'",
  attention: "a.verdict = 'attention'",
  ineligible: "a.verdict = 'ineligible'",
  'term-ending': "a.term_end <= $1::date + 90",
  disqualified: 'a.disqualified',
  duplicate: DUPLICATE_SQL,
};

/** The grams `cqo_name_grams` indexes that a name containing `q` must have: each character if one, else each pair. */
function nameGrams(q: string): string[] {
  const t = [...q.toLowerCase()];
  if (t.length === 1) return t;
  return [...new Set(t.slice(0, -1).map((c, i) => c + t[i + 1]))];
}

export type EnterpriseUpdateOutcome = { kind: 'applied'; enterprise: EnterpriseDetail } | { kind: 'requested'; request: EnterpriseChangeRequest };

const STALE = '企业信息已被他人修改，请刷新后重试';

/** Tables that copy an enterprise's region path for scope filters (each has `enterprise_id`). */
const REGION_PATH_COPIES = ['appointment', 'violation', 'violation_voided', 'annual_report', 'evaluation_application', 'evaluation_certificate'] as const;

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
function toListItem(r: ListRow, personal: boolean): EnterpriseListItem {
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

/** The column each sort key orders by (issue 20 item 3); the DTO admits only these keys. */
const ENTERPRISE_SORT_SQL: Record<EnterpriseSortKey, string> = {
  name: 'e.name',
  region: 'e.region_path',
  creditCode: 'e.credit_code',
  aboveSize: 'e.above_size',
  sizeClass: 'e.size_class',
  ownership: 'e.ownership',
  industry: 'e.industry',
  termEnd: 'a.term_end',
  verdict: 'a.verdict',
};

