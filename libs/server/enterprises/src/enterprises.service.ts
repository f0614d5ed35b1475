import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import type { EnterpriseDetail, EnterpriseListItem, Page } from '@cqo/contracts';
import { subtreePattern } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { OutboxService } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
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
    const s = this.scope.where(actor, 'e');
    const qb = this.repo
      .createQueryBuilder('e')
      .innerJoin('region', 'r', 'r.code = e.region_code')
      .select(['e.id', 'e.creditCode', 'e.name', 'e.regionCode', 'e.aboveSize', 'e.sizeClass', 'e.ownership', 'e.industry'])
      .addSelect('r.name', 'region_name')
      .where(s.sql, s.params);
    if (query.region) {
      const region = await this.regions.visible(actor, query.region).catch(() => null);
      // A region outside the scope is the same as an empty one: no rows, no hint that it exists.
      qb.andWhere('e.region_path LIKE :rp', { rp: region ? subtreePattern(region.path) : '/none/' });
    }
    if (query.q) qb.andWhere('(e.name LIKE :q OR e.credit_code = :code)', { q: `%${query.q.replace(/[\\%_]/g, '\\$&')}%`, code: query.q.toUpperCase() });
    if (query.aboveSize !== undefined) qb.andWhere('e.above_size = :ab', { ab: query.aboveSize });
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .orderBy('e.region_path')
      .addOrderBy('e.name')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawAndEntities();
    return {
      items: entities.map((e, i) => toListItem(e, (raw[i] as { region_name: string }).region_name)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async get(actor: Actor, id: string): Promise<EnterpriseDetail> {
    const e = await this.load(actor, id, 'read');
    return this.detail(e);
  }

  async update(actor: Actor, id: string, dto: UpdateEnterpriseDto): Promise<EnterpriseDetail> {
    const before = await this.load(actor, id, 'write');
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<EnterpriseEntity>;
    const saved = await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(EnterpriseEntity)
        .set({ ...changes, updatedAt: this.clock.now(), version: () => 'version + 1' })
        .where('id = :id AND version = :version', { id, version: before.version })
        .execute();
      if (result.affected !== 1) throw AppException.conflict('企业信息已被他人修改，请刷新后重试');
      await this.audit.record(
        { actor, ip: actor.ip, action: 'enterprise.update', objectType: 'enterprise', objectId: id, result: 'success', details: { changed: Object.keys(changes) } },
        m,
      );
      await this.outbox.enqueue(m, 'stats.refresh', { reason: 'enterprise.update', enterpriseId: id });
      return m.findOneByOrFail(EnterpriseEntity, { id });
    });
    return this.detail(saved);
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
    return {
      ...toListItem(e, region?.name ?? e.regionCode),
      awards: awards.map((a) => ({ award: a.award, year: a.year })),
      version: e.version,
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

function toListItem(e: EnterpriseEntity, regionName: string): EnterpriseListItem {
  return {
    id: e.id,
    creditCode: e.creditCode,
    name: e.name,
    regionCode: e.regionCode,
    regionName,
    aboveSize: e.aboveSize,
    sizeClass: e.sizeClass,
    ownership: e.ownership,
    industry: e.industry,
  };
}
