import { Injectable } from '@nestjs/common';
import { AuditService } from '@cqo/server-audit';
import { AppException, type Actor } from '@cqo/server-common';
import { inRegionNamed, inRegionOfCode } from './region-filter';

/** What an object must tell the scope service about itself. */
export interface ScopedObject {
  type: string;
  id: string;
  /** Materialised path of the object's region. */
  regionPath: string;
  /** The enterprise the object belongs to, if any. */
  enterpriseId?: string | null;
  /** The evaluation body (认定机构, its region code) the object belongs to, if any. */
  bodyCode?: string | null;
}

/** Which columns of a scoped table name its owners (defaults: `id` for the enterprise, no body). */
export interface ScopeColumns {
  /** The enterprise id column (`id` on `enterprise`, `enterprise_id` elsewhere). */
  enterpriseIdColumn?: string;
  /** The evaluation body column (`body_code` on applications and certificates): an evaluator reads its body's rows. */
  bodyColumn?: string;
}

export type Access = 'read' | 'write';

/**
 * Decides every read and write against the actor's scope (SPEC §1), for every role: the offices
 * their region's subtree (an evaluation body's objects there read-only), an enterprise itself, an
 * evaluator its body's (认定机构) applications and certificates (000 §7), admin reads everything.
 * Objects outside it answer 404, exactly as if they did not exist, and the denial is audited. The
 * one access lib (issue 19 item 3): provided once, by ScopeModule.
 */
@Injectable()
export class ScopeService {
  constructor(private readonly audit: AuditService) {}

  allows(actor: Actor, obj: Omit<ScopedObject, 'type' | 'id'>, access: Access): boolean {
    switch (actor.role) {
      case 'admin':
        return access === 'read' || obj.enterpriseId === undefined;
      case 'province':
      case 'city':
      case 'county':
        // An evaluation body's object (an application, a certificate) is the body's work: the
        // offices oversee it in their region, they never write it (SPEC §1, §6).
        return !!actor.regionPath && obj.regionPath.startsWith(actor.regionPath) && (access === 'read' || !obj.bodyCode);
      case 'enterprise':
        return !!actor.enterpriseId && obj.enterpriseId === actor.enterpriseId;
      case 'evaluator':
        // An evaluator's region code is its body's code; only objects of a body are its to see.
        return !!actor.regionCode && !!obj.bodyCode && obj.bodyCode === actor.regionCode;
    }
  }

  /** Throws 404 (and records the denial) unless the actor may do `access` on `obj`. */
  async assert(actor: Actor, obj: ScopedObject, access: Access, what = '对象'): Promise<void> {
    if (this.allows(actor, obj, access)) return;
    await this.audit.record({ actor, ip: actor.ip, action: `access.${access}`, objectType: obj.type, objectId: obj.id, result: 'denied' });
    throw AppException.notFound(what);
  }

  /**
   * A WHERE fragment limiting rows of a table with `region_path` and an enterprise id column to
   * the actor's scope. Use it in every list, search and aggregate.
   */
  where(actor: Actor, alias: string, columns: string | ScopeColumns = 'id'): { sql: string; params: Record<string, unknown> } {
    const { enterpriseIdColumn = 'id', bodyColumn } = typeof columns === 'string' ? { enterpriseIdColumn: columns } : columns;
    switch (actor.role) {
      case 'admin':
        return { sql: 'TRUE', params: {} };
      case 'province':
      case 'city':
      case 'county':
        return inRegionNamed(alias, actor.regionPath ?? '/none/', 'scopePath');
      case 'enterprise':
        return {
          sql: `${alias}.${enterpriseIdColumn} = :scopeEnterprise`,
          params: { scopeEnterprise: actor.enterpriseId ?? '00000000-0000-0000-0000-000000000000' },
        };
      case 'evaluator':
        return bodyColumn ? { sql: `${alias}.${bodyColumn} = :scopeBody`, params: { scopeBody: actor.regionCode ?? '-' } } : { sql: 'FALSE', params: {} };
    }
  }

  /** The same fragment for raw SQL with positional parameters: pushes its value onto `params`. */
  wherePositional(actor: Actor, alias: string, params: unknown[], columns: string | ScopeColumns = 'id'): string {
    const s = this.where(actor, alias, columns);
    const value = Object.values(s.params)[0];
    if (value === undefined) return s.sql;
    const placeholder = `$${params.push(value)}`;
    return s.sql.replace(/:scope\w+/, () => placeholder);
  }

  /**
   * The one list filter (issue 19 item 3): the actor's scope and, when the list asks for a region
   * (`?region=` / `?regionCode=`), that region's subtree. The region is looked up inside the same
   * statement, so no extra round trip; a code that does not exist or lies beside the scope
   * matches nothing, the same answer as an empty region (no hint that it exists, SPEC §1), and an
   * ancestor of the actor's own region leaves the scope as it is.
   */
  regionFilter(actor: Actor, alias: string, params: unknown[], opts: ScopeColumns & { region?: string | null } = {}): string {
    const scope = this.wherePositional(actor, alias, params, opts);
    if (!opts.region) return scope;
    const code = `$${params.push(opts.region)}`;
    return `${scope} AND ${inRegionOfCode(alias, code)}`;
  }
}
