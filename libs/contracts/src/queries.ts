import type { SizeClass, OwnershipType } from './api';
import type { CqoFilter } from './cqo';
import type { AuditSortKey, EnterpriseSortKey, SortParam } from './lists';

// Query-string shapes of the list/stat endpoints, shared so the web client and the API DTOs agree.

/** GET /api/enterprises */
export interface EnterpriseListQuery {
  region?: string;
  q?: string;
  aboveSize?: boolean;
  sizeClass?: SizeClass;
  ownership?: OwnershipType;
  industry?: string;
  /** Has any award (中国/长江/市州质量奖 incl. 提名奖). */
  award?: boolean;
  cqo?: CqoFilter;
  /** A column of ENTERPRISE_SORT_KEYS, `-` first for descending (issue 20 item 3). */
  sort?: SortParam<EnterpriseSortKey>;
  page?: number;
  pageSize?: number;
}

/** GET /api/audit (admin and province only) */
export interface AuditListQuery {
  page?: number;
  pageSize?: number;
  action?: string;
  /** The acting account's username. */
  actor?: string;
  /** YYYY-MM-DD, China days, both inclusive. */
  from?: string;
  to?: string;
  /** A column of AUDIT_SORT_KEYS, `-` first for descending; default newest first. */
  sort?: SortParam<AuditSortKey>;
}
