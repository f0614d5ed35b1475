import { Injectable } from '@nestjs/common';
import { subtreePattern } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { AppException, type Actor } from '@cqo/server-common';

/** What an object must tell the scope service about itself. */
export interface ScopedObject {
  type: string;
  id: string;
  /** Materialised path of the object's region. */
  regionPath: string;
  /** The enterprise the object belongs to, if any. */
  enterpriseId?: string | null;
}

export type Access = 'read' | 'write';

/**
 * Decides every read and write against the actor's scope (SPEC §1). Objects outside it answer
 * 404, exactly as if they did not exist, and the denial is audited.
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
        return !!actor.regionPath && obj.regionPath.startsWith(actor.regionPath);
      case 'enterprise':
        return !!actor.enterpriseId && obj.enterpriseId === actor.enterpriseId;
      case 'evaluator':
        return false;
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
  where(actor: Actor, alias: string, enterpriseIdColumn = 'id'): { sql: string; params: Record<string, unknown> } {
    switch (actor.role) {
      case 'admin':
        return { sql: 'TRUE', params: {} };
      case 'province':
      case 'city':
      case 'county':
        return { sql: `${alias}.region_path LIKE :scopePath`, params: { scopePath: subtreePattern(actor.regionPath ?? '/none/') } };
      case 'enterprise':
        return { sql: `${alias}.${enterpriseIdColumn} = :scopeEnterprise`, params: { scopeEnterprise: actor.enterpriseId } };
      case 'evaluator':
        return { sql: 'FALSE', params: {} };
    }
  }

  /** The same fragment for raw SQL with positional parameters: pushes its value onto `params`. */
  wherePositional(actor: Actor, alias: string, params: unknown[], enterpriseIdColumn = 'id'): string {
    const s = this.where(actor, alias, enterpriseIdColumn);
    const value = Object.values(s.params)[0];
    if (value === undefined) return s.sql;
    const placeholder = `$${params.push(value)}`;
    return s.sql.replace(/:scope\w+/, () => placeholder);
  }
}
