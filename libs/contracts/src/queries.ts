// Query-string shapes of the list/stat endpoints, shared so the web client and the API DTOs agree.

/** GET /api/stats/overview */
export interface OverviewQuery {
  region: string;
  year: number;
}

/** GET /api/enterprises */
export interface EnterpriseListQuery {
  region?: string;
  q?: string;
  aboveSize?: boolean;
  page?: number;
  pageSize?: number;
}

/** GET /api/audit (admin and province only) */
export interface AuditListQuery {
  page?: number;
  pageSize?: number;
  action?: string;
}
