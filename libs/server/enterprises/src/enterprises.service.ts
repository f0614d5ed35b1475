import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type {
  ApiErrorDetail,
  CqoFilter,
  EnterpriseAward,
  EnterpriseDetail,
  EnterpriseListItem,
  OwnershipType,
  Page,
  SizeClass,
  Verdict,
} from '@cqo/contracts';
import { chinaDate, maskPhone, subtreePattern, validateCreditCode } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { OutboxService } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import type { CreateEnterpriseDto } from './dtos/create-enterprise.dto';
import type { EnterpriseQueryDto } from './dtos/enterprise-query.dto';
import type { UpdateEnterpriseDto } from './dtos/update-enterprise.dto';
import { EnterpriseAwardEntity } from './entities/enterprise-award.entity';
import { EnterpriseEntity } from './entities/enterprise.entity';

@Injectable()
export class EnterprisesService {
  constructor(
    @InjectRepository(EnterpriseEntity) private readonly repo: Repository<EnterpriseEntity>,
    private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, query: EnterpriseQueryDto): Promise<Page<EnterpriseListItem>> {
    const today = chinaDate(this.clock.now());
    const params: unknown[] = [today];
    const where = [this.scope.wherePositional(actor, 'e', params)];
    if (query.region) {
      const region = await this.regions.visible(actor, query.region).catch(() => null);
      // A region outside the scope is the same as an empty one: no rows, no hint that it exists.
      where.push(`e.region_path LIKE $${params.push(region ? subtreePattern(region.path) : '/none/')}`);
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
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total ${from} WHERE ${clause}`, params);
    const rows: ListRow[] = await this.dataSource.query(
      `SELECT e.id, e.credit_code, e.name, e.region_code, r.name AS region_name, e.above_size, e.size_class, e.ownership, e.industry,
              EXISTS (SELECT 1 FROM enterprise_award w WHERE w.enterprise_id = e.id) AS has_award,
              a.id AS a_id, a.name AS a_name, a.phone AS a_phone, a.term_end::text AS a_term_end, a.verdict AS a_verdict,
              a.disqualified AS a_disqualified, ${DUPLICATE_SQL} AS a_duplicate
         ${from} JOIN region r ON r.code = e.region_code
        WHERE ${clause}
        ORDER BY e.region_path, e.name
        LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
      params,
    );
    return { items: rows.map(toListItem), total, page: query.page, pageSize: query.pageSize };
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
    const id = await this.dataSource.transaction(async (m) => {
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
      await this.audit.record({ actor, ip: actor.ip, action: 'enterprise.create', objectType: 'enterprise', objectId: newId, result: 'success', details: { creditCode: code } }, m);
      await this.outbox.enqueue(m, 'stats.refresh', { reason: 'enterprise.create', enterpriseId: newId });
      return newId;
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<EnterpriseDetail> {
    const e = await this.load(actor, id, 'read');
    return this.detail(e);
  }

  async update(actor: Actor, id: string, dto: UpdateEnterpriseDto): Promise<EnterpriseDetail> {
    const before = await this.load(actor, id, 'write');
    const { awards, version, ...fields } = dto;
    if (awards) {
      const errors = duplicateAwards(awards);
      if (errors.length) throw AppException.validation(errors);
    }
    if (version !== undefined && version !== before.version) throw AppException.conflict('企业信息已被他人修改，请刷新后重试');
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<EnterpriseEntity>;
    const saved = await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(EnterpriseEntity)
        .set({ ...changes, updatedAt: this.clock.now(), version: () => 'version + 1' })
        .where('id = :id AND version = :version', { id, version: before.version })
        .execute();
      if (result.affected !== 1) throw AppException.conflict('企业信息已被他人修改，请刷新后重试');
      if (awards) await this.replaceAwards(m, id, awards);
      await this.audit.record(
        { actor, ip: actor.ip, action: 'enterprise.update', objectType: 'enterprise', objectId: id, result: 'success', details: { changed: [...Object.keys(changes), ...(awards ? ['awards'] : [])] } },
        m,
      );
      await this.outbox.enqueue(m, 'stats.refresh', { reason: 'enterprise.update', enterpriseId: id });
      return m.findOneByOrFail(EnterpriseEntity, { id });
    });
    return this.detail(saved);
  }

  private async replaceAwards(m: EntityManager, enterpriseId: string, awards: EnterpriseAward[]): Promise<void> {
    await m.delete(EnterpriseAwardEntity, { enterpriseId });
    if (awards.length) await m.insert(EnterpriseAwardEntity, awards.map((a) => ({ enterpriseId, award: a.award, year: a.year ?? null })));
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseEntity> {
    const e = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.findOneBy({ id }) : null;
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id, regionPath: e.regionPath, enterpriseId: e.id }, access, '企业');
    return e;
  }

  private async detail(e: EnterpriseEntity): Promise<EnterpriseDetail> {
    const [region, awards] = await Promise.all([
      this.regions.find(e.regionCode),
      this.dataSource.getRepository(EnterpriseAwardEntity).find({ where: { enterpriseId: e.id }, order: { year: 'DESC' } }),
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
        has_award: awards.length > 0,
        ...(cell ?? NO_CQO),
      }),
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

function duplicateAwards(awards: EnterpriseAward[]): ApiErrorDetail[] {
  const seen = new Set<string>();
  for (const a of awards) {
    const key = `${a.award}/${a.year ?? ''}`;
    if (seen.has(key)) return [{ field: 'awards', code: 'duplicate', message: `获奖情况重复：${a.year ? `${a.year}年` : ''}${a.award}` }];
    seen.add(key);
  }
  return [];
}

function toListItem(r: ListRow): EnterpriseListItem {
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
    cqo: r.a_id
      ? {
          appointmentId: r.a_id,
          name: r.a_name ?? '',
          phone: maskPhone(r.a_phone) ?? '',
          termEnd: r.a_term_end,
          verdict: r.a_verdict,
          disqualified: !!r.a_disqualified,
          duplicate: !!r.a_duplicate,
        }
      : null,
  };
}
