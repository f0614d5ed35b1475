import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { RegionNode } from '@cqo/contracts';
import { APP_CONFIG, AppException, type Actor, type AppConfig } from '@cqo/server-common';
import { RegionEntity } from './region.entity';

@Injectable()
export class RegionsService {
  constructor(
    @InjectRepository(RegionEntity) private readonly repo: Repository<RegionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Regions are reference data (GB/T 2260, loaded by a migration, never written by the product),
   * so each process keeps the ones it has read: the auth guard and every scoped read look them up.
   */
  private readonly byCode = new Map<string, Promise<RegionEntity | null>>();
  private readonly childrenOf = new Map<string, Promise<boolean>>();

  /**
   * The region of `code`, from the process's cache or read once; inside a transaction pass its
   * manager, so a first read uses the transaction's connection instead of waiting for a second one
   * (issue 16).
   */
  find(code: string, m?: EntityManager): Promise<RegionEntity | null> {
    let hit = this.byCode.get(code);
    if (!hit) {
      hit = (m ? m.getRepository(RegionEntity) : this.repo).findOneBy({ code });
      this.byCode.set(code, hit);
      // Only found regions are kept: an unknown code costs a query each time, as before.
      hit.then(
        (r) => r ?? this.byCode.delete(code),
        () => this.byCode.delete(code),
      );
    }
    return hit;
  }

  /** The configured province, which everything in this installation lives under (`m`: as for `find`). */
  async province(m?: EntityManager): Promise<RegionEntity> {
    const p = await this.find(this.config.provinceCode, m);
    if (!p) throw new Error(`province ${this.config.provinceCode} is not in the region table: run "cqo migrate"`);
    return p;
  }

  /** The region a user sees from: its own region, the province for admins, none for enterprises. */
  async scopeRoot(actor: Actor): Promise<RegionEntity> {
    if (actor.role === 'admin') return this.province();
    if (!actor.regionCode || actor.role === 'enterprise') throw AppException.notFound('地区');
    const r = await this.find(actor.regionCode);
    if (!r) throw AppException.notFound('地区');
    return r;
  }

  /** A region inside the actor's scope, or 404 — the same answer as for a code that does not exist. */
  async visible(actor: Actor, code: string): Promise<RegionEntity> {
    const root = await this.scopeRoot(actor);
    const r = await this.find(code);
    if (!r || !r.path.startsWith(root.path)) throw AppException.notFound('地区');
    return r;
  }

  async children(actor: Actor, code: string): Promise<RegionNode[]> {
    const parent = await this.visible(actor, code);
    const rows: (RegionEntity & { has_children: boolean })[] = await this.repo.query(
      `SELECT r.code, r.name, r.level, r.parent_code AS "parentCode", r.path,
              EXISTS (SELECT 1 FROM region c WHERE c.parent_code = r.code) AS has_children
         FROM region r WHERE r.parent_code = $1 ORDER BY r.code`,
      [parent.code],
    );
    return rows.map((r) => ({ ...toNode(r, r.has_children) }));
  }

  async node(r: RegionEntity): Promise<RegionNode> {
    let hasChildren = this.childrenOf.get(r.code);
    if (!hasChildren) {
      hasChildren = this.repo.exists({ where: { parentCode: r.code } });
      this.childrenOf.set(r.code, hasChildren);
      hasChildren.catch(() => this.childrenOf.delete(r.code));
    }
    return toNode(r, await hasChildren);
  }
}

function toNode(r: RegionEntity, hasChildren: boolean): RegionNode {
  return { code: r.code, name: r.name, level: Number(r.level) as RegionNode['level'], parentCode: r.parentCode, hasChildren };
}
