import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUDIT_SORT_KEYS, type AuditEntry, type AuditSortKey, type Page } from '@cqo/contracts';
import { Clock, listWhere, orderBySort, pickCamel, queryWherePage, type Actor } from '@cqo/server-common';

/** Adds a value to a statement's parameters and answers its placeholder (`$n`). */
export type Bind = (value: unknown) => string;

export interface AuditRecord {
  actor?: Pick<Actor, 'userId' | 'username' | 'role'> | null;
  /** For events before sign-in (a failed login), the name that was tried. */
  username?: string;
  ip?: string | null;
  action: string;
  objectType?: string;
  objectId?: string | null;
  result: 'success' | 'denied' | 'failure';
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Pass the transaction's manager for writes, so the audit row commits with the change. The
   * database chains the row (trigger `audit_log_chain`, see audit-hash.ts in server-database) on
   * the same connection, inside that transaction.
   */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<void> {
    const params: unknown[] = [];
    await (manager ?? this.dataSource).query(this.insertStatement(entry, (v) => `$${params.push(v)}`), params);
  }

  /**
   * The audit row as an INSERT for the caller to send inside its own statement (a data-modifying
   * CTE), so a write and its audit row cost one round trip. Same row as `record`. With `when`
   * (the name of a CTE of the same statement), the row is written only if that CTE returned a row.
   * Chained by the same trigger as any other insert: still one round trip.
   */
  insertStatement(entry: AuditRecord, bind: Bind, when?: string): string {
    const values = [
      this.clock.now(),
      // The command line acts with an empty user id (no account): NULL, as recordMany writes it.
      entry.actor?.userId || null,
      entry.actor?.username ?? entry.username ?? null,
      entry.actor?.role ?? null,
      entry.ip ?? null,
      entry.action,
      entry.objectType ?? null,
      entry.objectId ?? null,
      entry.result,
      entry.details ? JSON.stringify(entry.details) : null,
    ].map(bind);
    const row = `${values[0]}::timestamptz, ${values[1]}::uuid, ${values.slice(2, 9).join(', ')}, ${values[9]}::jsonb`;
    return `INSERT INTO audit_log (at, actor_id, actor_username, actor_role, ip, action, object_type, object_id, result, details)
            ${when ? `SELECT ${row} FROM ${when}` : `VALUES (${row})`}`;
  }

  /**
   * The set-based form, one audit row per row of `from` (a FROM clause: a table, a CTE of the same
   * statement, an `unnest(...)`), for bulk writes (a roster import, the nightly term expiry) that
   * must not cost a round trip per row. `columns` are SQL expressions over `from` that replace the
   * entry's constant of the same name (e.g. `objectId: 'x.id::text'`). Same row as `record`,
   * chained by the same trigger (`audit_log_chain`) row by row.
   */
  insertSelectStatement(
    entry: AuditRecord,
    bind: Bind,
    from: string,
    columns: { at?: string; actorId?: string; actorUsername?: string; actorRole?: string; ip?: string; action?: string; objectType?: string; objectId?: string; details?: string } = {},
  ): string {
    const b = (v: unknown) => bind(v);
    const row = [
      columns.at ?? `${b(this.clock.now())}::timestamptz`,
      columns.actorId ?? `${b(entry.actor?.userId || null)}::uuid`,
      columns.actorUsername ?? b(entry.actor?.username ?? entry.username ?? null),
      columns.actorRole ?? b(entry.actor?.role ?? null),
      columns.ip ?? b(entry.ip ?? null),
      columns.action ?? b(entry.action),
      columns.objectType ?? b(entry.objectType ?? null),
      columns.objectId ?? b(entry.objectId ?? null),
      b(entry.result),
      columns.details ?? `${b(entry.details ? JSON.stringify(entry.details) : null)}::jsonb`,
    ];
    return `INSERT INTO audit_log (at, actor_id, actor_username, actor_role, ip, action, object_type, object_id, result, details)
            SELECT ${row.join(', ')} FROM ${from}`;
  }

  /**
   * Many audit rows of one actor in one statement per 5,000 rows, committed with `m`'s
   * transaction (the bulk twin of `record`).
   */
  async recordMany(
    m: EntityManager,
    base: Omit<AuditRecord, 'action' | 'objectType' | 'objectId' | 'details'>,
    rows: { action: string; objectType: string | null; objectId: string | null; details?: Record<string, unknown> | null }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      const part = rows.slice(i, i + 5000);
      const params: unknown[] = [
        part.map((r) => r.action),
        part.map((r) => r.objectType),
        part.map((r) => r.objectId),
        part.map((r) => (r.details ? JSON.stringify(r.details) : null)),
      ];
      const bind: Bind = (v) => `$${params.push(v)}`;
      await m.query(
        this.insertSelectStatement({ ...base, action: '' }, bind, `unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::jsonb[]) AS v(action, object_type, object_id, details)`, {
          action: 'v.action',
          objectType: 'v.object_type',
          objectId: 'v.object_id',
          details: 'v.details',
        }),
        params,
      );
    }
  }

  async list(query: { page: number; pageSize: number; action?: string; actor?: string; from?: string; to?: string; sort?: string }): Promise<Page<AuditEntry>> {
    const { where, params } = listWhere('true', { 'a.action': query.action, 'a.actor_username': query.actor });
    // Days are China days (UTC+8), as the officers read them (issue 20 item 6).
    if (query.from) where.push(`a.at >= ($${params.push(query.from)}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
    if (query.to) where.push(`a.at < ($${params.push(query.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
    // Issue 20 item 3: a whitelisted column first, then newest first (the id), so pages never overlap.
    const orderBy = orderBySort(query.sort, AUDIT_SORT_KEYS, AUDIT_SORT_SQL, 'id DESC');
    return queryWherePage(
      this.dataSource,
      { count: 'FROM audit_log a', select: 'SELECT a.id::text AS id, a.at, a.actor_id, a.actor_username, a.ip, a.action, a.object_type, a.object_id, a.result FROM audit_log a', orderBy },
      where,
      params,
      query,
      (r: AuditRow): AuditEntry => ({
        ...pickCamel(r, ['id', 'actor_id', 'actor_username', 'ip', 'action', 'object_type', 'object_id', 'result']),
        at: new Date(r.at).toISOString(),
      }),
    );
  }
}

/** The column (of audit_log, the list's one table) each audit sort key orders by. */
const AUDIT_SORT_SQL: Record<AuditSortKey, string> = { at: 'at', actor: 'actor_username', action: 'action', result: 'result' };

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_username: string | null;
  ip: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  result: AuditEntry['result'];
}
