import { Injectable, Module } from '@nestjs/common';
import { ScopeModule, ScopeService } from '@cqo/server-auth';
import { AppException, type Actor } from '@cqo/server-common';
import { PoolRepository } from '@cqo/server-database';
import { isUuid } from '@cqo/contracts';

/** An enterprise as the other features name it: 统一社会信用代码, region (code, name, path) and 规上. */
export interface EnterpriseRef {
  id: string;
  name: string;
  credit_code: string;
  region_code: string;
  region_name: string;
  region_path: string;
  above_size: boolean;
}


/** The register's one read of an enterprise by id for the other features (issue 19 item 2). */
@Injectable()
export class EnterpriseRefsRepository extends PoolRepository {
  /** The enterprise of `id`, or null (also for text that is no id). */
  async byId(id: string): Promise<EnterpriseRef | null> {
    if (!isUuid(id)) return null;
    const [e]: EnterpriseRef[] = await this.dataSource.query(
      `SELECT e.id, e.name, e.credit_code, e.region_code, g.name AS region_name, e.region_path, e.above_size
         FROM enterprise e JOIN region g ON g.code = e.region_code WHERE e.id = $1`,
      [id],
    );
    return e ?? null;
  }
}

/**
 * "The enterprise a request names", as appointments, annual reports and violations check it: 404
 * when there is none, and the actor's scope asserted for `access` (404 or 403 as `ScopeService`
 * answers), before any transaction opens.
 */
@Injectable()
export class EnterpriseRefsService {
  constructor(
    private readonly refs: EnterpriseRefsRepository,
    private readonly scope: ScopeService,
  ) {}

  async inScope(actor: Actor, id: string, access: 'read' | 'write'): Promise<EnterpriseRef> {
    const e = await this.get(id);
    await this.scope.assert(actor, { type: 'enterprise', id: e.id, regionPath: e.region_path, enterpriseId: e.id }, access, '企业');
    return e;
  }

  /** The enterprise of `id` without a scope check (the caller has checked the object that names it), or 404. */
  async get(id: string): Promise<EnterpriseRef> {
    const e = await this.refs.byId(id);
    if (!e) throw AppException.notFound('企业');
    return e;
  }
}

/** The register's reads for the other features, without its controllers and writes. */
@Module({ imports: [ScopeModule], providers: [EnterpriseRefsRepository, EnterpriseRefsService], exports: [EnterpriseRefsService] })
export class EnterpriseRefsModule {}
