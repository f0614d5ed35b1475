import type { DataSource } from 'typeorm';
import type { AuditService } from '@cqo/server-audit';
import type { Actor } from '@cqo/server-common';
import { GroupCommit, preparedQuery, submitBatchesInFlight } from '@cqo/server-database';
import type { JobPayloads, OutboxService } from '@cqo/server-queue';

/** One submit's write, everything already checked: the report row as it is to be stored. */
export interface SubmitWrite {
  id: string;
  enterpriseId: string;
  regionPath: string;
  year: number;
  /** The report data and soft-rule hits as JSON text. */
  data: string;
  hits: string;
  explanation: string | null;
  now: Date;
  by: string | null;
  late: boolean;
  /** The row as read (version and state); null for a new report. */
  expected: { version: number; status: string } | null;
  from: string;
  actor: Pick<Actor, 'userId' | 'username' | 'role'>;
  ip: string | null;
}

const AUDIT_ACTION = 'annual_report.submit';

/**
 * The annual-report submit write (issue 16): the report (if still as read), its event, audit row
 * and `stats.refresh` job in one statement; for a batch, one statement for all its reports over
 * `unnest` of parameter arrays, each report keeping its own conditions. Answers the new version
 * per report, or null where the report was not written (changed or created meanwhile: a 409).
 * The audit rows of a batch are chained by `audit_log_chain` row by row in the statement's lane.
 */
export class SubmitBatcher {
  private readonly group: GroupCommit<SubmitWrite, number | null>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    maxInFlight = submitBatchesInFlight(),
  ) {
    this.group = new GroupCommit({
      writeOne: (w) => this.writeOne(w),
      writeMany: (ws) => this.writeMany(ws),
      key: (w) => `${w.enterpriseId}:${w.year}`,
      maxInFlight,
      maxBatch: 200,
    });
  }

  write(w: SubmitWrite): Promise<number | null> {
    return this.group.write(w);
  }

  private auditDetails(w: SubmitWrite): string {
    return JSON.stringify({ enterpriseId: w.enterpriseId, year: w.year, from: w.from, to: 'submitted', late: w.late, softHits: (JSON.parse(w.hits) as { id: string }[]).map((h) => h.id) });
  }

  private jobPayload(w: SubmitWrite): string {
    return JSON.stringify({ reason: AUDIT_ACTION, enterpriseId: w.enterpriseId, years: [w.year] });
  }

  /** One report: the statement the submit sent before group commit. */
  async writeOne(w: SubmitWrite): Promise<number | null> {
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const [$id, $data, $hits, $explanation, $now, $by, $late] = [w.id, w.data, w.hits, w.explanation, w.now, w.by, w.late].map(bind);
    const report = w.expected
      ? `UPDATE annual_report SET status = 'submitted', data = ${$data}::jsonb, soft_hits = ${$hits}::jsonb, explanation = ${$explanation}, submitted_at = ${$now},
                submitted_by = ${$by}, late = ${$late}, return_reason = NULL, reviewed_at = NULL, reviewed_by = NULL, version = version + 1, updated_at = ${$now}
          WHERE id = ${$id} AND version = ${bind(w.expected.version)} AND status = ${bind(w.expected.status)} RETURNING version`
      : `INSERT INTO annual_report (id, enterprise_id, region_path, year, status, version, data, soft_hits, explanation, submitted_at, submitted_by, late, created_at, updated_at)
         VALUES (${$id}, ${bind(w.enterpriseId)}, ${bind(w.regionPath)}, ${bind(w.year)}, 'submitted', 2, ${$data}::jsonb, ${$hits}::jsonb, ${$explanation}, ${$now}, ${$by}, ${$late}, ${$now}, ${$now})
         ON CONFLICT (enterprise_id, year) DO NOTHING RETURNING version`;
    const event = `INSERT INTO report_event (report_type, report_id, from_status, to_status, actor_id, actor_role, reason, at)
                   SELECT 'annual', ${$id}::uuid, ${bind(w.from)}, 'submitted', ${$by}::uuid, ${bind(w.actor.role)}, ${$explanation}, ${$now}::timestamptz FROM report`;
    const audit = this.audit.insertStatement(
      { actor: w.actor, ip: w.ip, action: AUDIT_ACTION, objectType: 'annual_report', objectId: w.id, result: 'success', details: JSON.parse(this.auditDetails(w)) as Record<string, unknown> },
      bind,
      'report',
    );
    const job = this.outbox.insertStatement('stats.refresh', JSON.parse(this.jobPayload(w)) as JobPayloads['stats.refresh'], bind, 'report');
    // One statement, so one transaction of its own: the report, its event, audit row and job commit together or not at all.
    const rows = await preparedQuery<{ version: number }>(
      this.dataSource,
      w.expected ? 'cqo.annual-report.submit-update' : 'cqo.annual-report.submit-insert',
      `WITH report AS (${report}), event AS (${event}), audit AS (${audit}), job AS (${job}) SELECT version FROM report`,
      params,
    );
    return rows.length ? rows[0].version : null;
  }

  /** Many reports (distinct enterprise-years) in one statement; the answer in the order of `ws`. */
  async writeMany(ws: SubmitWrite[]): Promise<(number | null)[]> {
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const col = (f: (w: SubmitWrite) => unknown, type: string) => `${bind(ws.map(f))}::${type}[]`;
    const input = `SELECT * FROM unnest(${[
      col((w) => w.id, 'uuid'),
      col((w) => w.enterpriseId, 'uuid'),
      col((w) => w.regionPath, 'text'),
      col((w) => w.year, 'int'),
      col((w) => w.data, 'jsonb'),
      col((w) => w.hits, 'jsonb'),
      col((w) => w.explanation, 'text'),
      col((w) => w.now, 'timestamptz'),
      col((w) => w.by, 'uuid'),
      col((w) => w.late, 'boolean'),
      col((w) => w.expected?.version ?? null, 'int'),
      col((w) => w.expected?.status ?? null, 'text'),
      col((w) => w.from, 'text'),
      col((w) => w.actor.userId || null, 'uuid'),
      col((w) => w.actor.username, 'text'),
      col((w) => w.actor.role, 'text'),
      col((w) => w.ip, 'text'),
      col((w) => this.auditDetails(w), 'jsonb'),
      col((w) => this.jobPayload(w), 'jsonb'),
    ].join(', ')}) AS i(id, enterprise_id, region_path, year, data, soft_hits, explanation, now, by, late, version, status, from_status,
                        actor_id, actor_username, actor_role, ip, audit_details, job_payload)`;
    // Each report keeps its own condition: an update only if still at the version and state read,
    // an insert only if no report of that enterprise and year exists (DO NOTHING otherwise).
    const inserted = `INSERT INTO annual_report (id, enterprise_id, region_path, year, status, version, data, soft_hits, explanation, submitted_at, submitted_by, late, created_at, updated_at)
         SELECT i.id, i.enterprise_id, i.region_path, i.year, 'submitted', 2, i.data, i.soft_hits, i.explanation, i.now, i.by, i.late, i.now, i.now
           FROM i WHERE i.version IS NULL ORDER BY i.enterprise_id
         ON CONFLICT (enterprise_id, year) DO NOTHING RETURNING id, version`;
    const updated = `UPDATE annual_report r SET status = 'submitted', data = i.data, soft_hits = i.soft_hits, explanation = i.explanation, submitted_at = i.now,
                submitted_by = i.by, late = i.late, return_reason = NULL, reviewed_at = NULL, reviewed_by = NULL, version = r.version + 1, updated_at = i.now
           FROM i WHERE i.version IS NOT NULL AND r.id = i.id AND r.version = i.version AND r.status = i.status RETURNING r.id, r.version`;
    const event = `INSERT INTO report_event (report_type, report_id, from_status, to_status, actor_id, actor_role, reason, at)
                   SELECT 'annual', w.id, w.from_status, 'submitted', w.by, w.actor_role, w.explanation, w.now FROM w`;
    const audit = this.audit.insertSelectStatement(
      { action: AUDIT_ACTION, objectType: 'annual_report', result: 'success' },
      bind,
      'w',
      { at: 'w.now', actorId: 'w.actor_id', actorUsername: 'w.actor_username', actorRole: 'w.actor_role', ip: 'w.ip', objectId: 'w.id::text', details: 'w.audit_details' },
    );
    const job = this.outbox.insertSelectStatement('stats.refresh', 'w.job_payload', 'w', bind);
    const rows = await preparedQuery<{ id: string; version: number }>(
      this.dataSource,
      'cqo.annual-report.submit-batch',
      `WITH i AS (${input}), ins AS (${inserted}), upd AS (${updated}),
            w AS (SELECT i.*, x.version AS new_version FROM i JOIN (SELECT id, version FROM ins UNION ALL SELECT id, version FROM upd) x ON x.id = i.id),
            event AS (${event}), audit AS (${audit}), job AS (${job})
       SELECT id, new_version AS version FROM w`,
      params,
    );
    const written = new Map(rows.map((r) => [r.id, r.version]));
    return ws.map((w) => written.get(w.id) ?? null);
  }
}
