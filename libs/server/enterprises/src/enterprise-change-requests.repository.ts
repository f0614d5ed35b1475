import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { isUuid, type ChangeRequestStatus, type EnterpriseChangeRequest, type EnterpriseReviewedFields, type Page } from '@cqo/contracts';
import { enterpriseOfRow, queryWherePage, type PageQueryFields } from '@cqo/server-common';
import { PoolRepository } from '@cqo/server-database';

export interface ChangeRequestRow {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  credit_code: string;
  region_code: string;
  region_name: string;
  region_path: string;
  status: ChangeRequestStatus;
  changes: EnterpriseReviewedFields;
  before: EnterpriseReviewedFields;
  requested_at: Date;
  requested_by: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
}

const SELECT = `SELECT c.id, c.enterprise_id, e.name AS enterprise_name, e.credit_code, e.region_code, r.name AS region_name, e.region_path,
       c.status, c.changes, c.before, c.requested_at, coalesce(ru.display_name, ru.username) AS requested_by,
       c.decided_at, coalesce(du.display_name, du.username) AS decided_by, c.reason
  FROM enterprise_change_request c
  JOIN enterprise e ON e.id = c.enterprise_id
  JOIN region r ON r.code = e.region_code
  LEFT JOIN app_user ru ON ru.id = c.requested_by
  LEFT JOIN app_user du ON du.id = c.decided_by`;

/** The only writer of `enterprise_change_request`. Methods that run in a transaction take its manager first. */
@Injectable()
export class EnterpriseChangeRequestsRepository extends PoolRepository {
  /** Files a pending request, superseding the enterprise's earlier pending one (one pending at a time). Returns the id. */
  async file(
    m: EntityManager,
    r: { enterpriseId: string; changes: EnterpriseReviewedFields; before: EnterpriseReviewedFields; baseVersion: number; by: string | null; at: Date },
  ): Promise<{ id: string; superseded: string | null }> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [[old]]: [{ id: string }[], number] = await m.query(
      `UPDATE enterprise_change_request SET status = 'superseded', decided_at = $2 WHERE enterprise_id = $1 AND status = 'pending' RETURNING id`,
      [r.enterpriseId, r.at],
    );
    const [row] = await m.query(
      `INSERT INTO enterprise_change_request (enterprise_id, changes, before, base_version, requested_by, requested_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6) RETURNING id`,
      [r.enterpriseId, JSON.stringify(r.changes), JSON.stringify(r.before), r.baseVersion, r.by, r.at],
    );
    return { id: row.id, superseded: old?.id ?? null };
  }

  /** Decides a pending request; null when it is no longer pending (decided meanwhile). */
  async decide(m: EntityManager, id: string, d: { status: 'approved' | 'rejected'; by: string | null; at: Date; reason: string | null }): Promise<{ enterprise_id: string; changes: EnterpriseReviewedFields } | null> {
    // [rows, count], as above: with `const [row]` the rows array was taken for the row, never null,
    // so a request decided meanwhile was applied again (issue 16's concurrency sweep: 4 of 9 approvals).
    const [[row]]: [{ enterprise_id: string; changes: EnterpriseReviewedFields }[], number] = await m.query(
      `UPDATE enterprise_change_request SET status = $2, decided_by = $3, decided_at = $4, reason = $5
        WHERE id = $1 AND status = 'pending' RETURNING enterprise_id, changes`,
      [id, d.status, d.by, d.at, d.reason],
    );
    return row ?? null;
  }

  async find(id: string, m?: EntityManager): Promise<ChangeRequestRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await (m ?? this.dataSource).query(`${SELECT} WHERE c.id = $1`, [id]);
    return row ?? null;
  }

  /** `where` is a scope fragment on alias `e` (the enterprise) with positional `params`. */
  /** One page of requests matching `where` (conditions over `c` and `e`), newest first. */
  list(where: string[], params: unknown[], paging: PageQueryFields): Promise<Page<EnterpriseChangeRequest>> {
    return queryWherePage(
      this.dataSource,
      { count: 'FROM enterprise_change_request c JOIN enterprise e ON e.id = c.enterprise_id', select: SELECT, orderBy: 'c.requested_at DESC, c.id' },
      where,
      params,
      paging,
      toChangeRequest,
    );
  }
}

export function toChangeRequest(r: ChangeRequestRow): EnterpriseChangeRequest {
  return {
    id: r.id,
    ...enterpriseOfRow(r),
    status: r.status,
    changes: r.changes,
    before: r.before,
    requestedAt: new Date(r.requested_at).toISOString(),
    requestedBy: r.requested_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decidedBy: r.decided_by,
    reason: r.reason,
  };
}
