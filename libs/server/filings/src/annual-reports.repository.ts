import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnnualReportData, Page, ReportProgress, ReportStatus, Role, SoftRuleHit } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { inRegion } from '@cqo/server-auth';
import { queryPage, type Actor, type PageQueryFields } from '@cqo/server-common';
import { PoolRepository, preparedQuery } from '@cqo/server-database';
import { ACTIVE_ON, POLICY_REVISION_SQL } from '@cqo/server-eligibility';
import { OutboxService, type JobPayloads } from '@cqo/server-queue';
import type { EnterpriseRef } from '@cqo/server-enterprises';
import { YEAR_HOURS_SQL } from '@cqo/server-training';
import { FILING_SETTING_COLUMNS } from './region-figures';
import { actorUnitSql, eventInsertSelect } from './report-events';

/** An enterprise as a report shows it: name, 统一社会信用代码 and region. */
export type EnterpriseRow = Omit<EnterpriseRef, 'above_size'>;

/** An `annual_report` row with its reviewer's name. */
export interface ReportRow {
  id: string;
  enterprise_id: string;
  region_path: string;
  year: number;
  status: ReportStatus;
  version: number;
  data: AnnualReportData;
  soft_hits: SoftRuleHit[];
  explanation: string | null;
  submitted_at: Date | null;
  late: boolean;
  return_reason: string | null;
  reviewed_at: Date | null;
  reviewed_by_name: string | null;
}

/** The CQO in post on a date, as the prefill shows them. */
export interface CqoRow {
  person_id: string;
  name: string;
  position_title: string;
  appointed_on: string;
  term_end: string | null;
}

/** An appointment filed or ended in the year (the prefill's 变动情况). */
export interface ChangeRow {
  id: string;
  kind: string;
  on_date: string;
  name: string;
  note: string | null;
}

/** A step of a report's history as the submit's facts read gives it. */
export interface EventRow {
  at: string;
  actor_name: string | null;
  actor_unit: string | null;
  actor_role: Role | null;
  from_status: ReportProgress;
  to_status: ReportStatus;
  reason: string | null;
}

/** What `submitFacts` answers (one row, JSON columns). */
export interface SubmitFacts {
  enterprise: EnterpriseRow | null;
  policy_revision: string;
  settings: Record<string, unknown> | null;
  report: ReportRow | null;
  cqo: CqoRow | null;
  changes: ChangeRow[];
  hours: Record<string, number>;
  year_hours: { initial: number; first: number; second: number; activities: number } | null;
  violations: number;
  events: EventRow[];
  actor_name: string | null;
}

/** One submit's facts read, as queued for the group read. */
export interface FactsRead {
  enterpriseId: string;
  year: number | null;
  asOf: string;
  userId: string | null;
  province: string;
}

/** One submit's write, everything already checked: the report row as it is to be stored. */
export interface SubmitWrite {
  id: string;
  enterpriseId: string;
  regionPath: string;
  year: number;
  /** The report data and soft-rule hits as JSON text; the hits' ids for the audit row. */
  data: string;
  hits: string;
  softHitIds: string[];
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

/** A reviewer's decision on a submitted report, written only if the report still has `version`. */
export interface ReportDecision {
  id: string;
  version: number;
  to: ReportStatus;
  at: Date;
  by: string | null;
  returnReason: string | null;
}

const REPORT_SELECT = `SELECT r.id, r.enterprise_id, r.region_path, r.year, r.status, r.version, r.data, r.soft_hits, r.explanation,
       r.submitted_at, r.late, r.return_reason, r.reviewed_at, rv.display_name AS reviewed_by_name
  FROM annual_report r LEFT JOIN app_user rv ON rv.id = r.reviewed_by`;

const SUBMIT_ACTION = 'annual_report.submit';

/**
 * The annual reports' tables (issue 19 item 2): the one writer of `annual_report` (its history rows
 * go through `report-events.ts`), and the reads of the filer's page, the review queue and the
 * submit's facts. The service keeps the rules, the scope and the transactions; a write inside one
 * takes its manager.
 */
@Injectable()
export class AnnualReportsRepository extends PoolRepository {
  constructor(
    dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {
    super(dataSource);
  }

  // ------------------------------------------------------------------ reads

  async ofEnterpriseYear(enterpriseId: string, year: number): Promise<ReportRow | null> {
    const [row]: ReportRow[] = await this.dataSource.query(`${REPORT_SELECT} WHERE r.enterprise_id = $1 AND r.year = $2`, [enterpriseId, year]);
    return row ?? null;
  }

  async byId(id: string): Promise<ReportRow | null> {
    const [row]: ReportRow[] = await this.dataSource.query(`${REPORT_SELECT} WHERE r.id = $1`, [id]);
    return row ?? null;
  }

  byIds(ids: string[]): Promise<ReportRow[]> {
    return ids.length ? this.dataSource.query(`${REPORT_SELECT} WHERE r.id = ANY($1::uuid[])`, [ids]) : Promise.resolve([]);
  }

  /** The filer's row of an enterprise and year, locked for the rest of `m`'s transaction. */
  async lockOfEnterpriseYear(m: EntityManager, enterpriseId: string, year: number): Promise<ReportRow | null> {
    const [row]: ReportRow[] = await m.query(`${REPORT_SELECT} WHERE r.enterprise_id = $1 AND r.year = $2 FOR UPDATE OF r`, [enterpriseId, year]);
    return row ?? null;
  }

  async statusOf(m: EntityManager, id: string): Promise<ReportStatus | null> {
    const [row]: { status: ReportStatus }[] = await m.query(`SELECT status FROM annual_report WHERE id = $1`, [id]);
    return row?.status ?? null;
  }

  /** A page of the review queue: reports `r` with their enterprise `e` and its region `g`, filtered by `where`. */
  queue<R, T>(where: string[], params: unknown[], paging: PageQueryFields, map: (row: R) => T): Promise<Page<T>> {
    const sql = `FROM annual_report r JOIN enterprise e ON e.id = r.enterprise_id JOIN region g ON g.code = e.region_code WHERE ${where.join(' AND ')}`;
    const select = `SELECT r.id, r.enterprise_id, e.name AS enterprise_name, e.credit_code, e.region_code, g.name AS region_name, r.year, r.status,
                r.version, r.late, r.submitted_at, r.soft_hits, r.explanation
           ${sql} ORDER BY r.submitted_at NULLS LAST, e.name`;
    return queryPage(this.dataSource, { from: sql, select }, params, paging, map);
  }

  /** Enterprise reports of a region's subtree (`path`) for `year` submitted and not yet accepted or returned. */
  async unreviewedIn(m: EntityManager, path: string, year: number): Promise<number> {
    const params: unknown[] = [year];
    const [{ n }]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM annual_report WHERE year = $1 AND status = 'submitted' AND ${inRegion('', path, params)}`, params);
    return n;
  }

  /** The CQO in post on `asOf`. */
  async cqoOn(m: EntityManager, enterpriseId: string, asOf: string): Promise<CqoRow | null> {
    const [cqo]: CqoRow[] = await m.query(`${CQO_SQL('$1', '$2')}`, [enterpriseId, asOf]);
    return cqo ?? null;
  }

  /** The appointments filed and ended in `year`, by date. */
  changesIn(m: EntityManager, enterpriseId: string, year: number): Promise<ChangeRow[]> {
    return m.query(`SELECT id, kind, on_date, name, note FROM (${CHANGES_SQL('$1', '$2', '$3')}) c ORDER BY on_date, t`, [enterpriseId, `${year}-01-01`, `${year}-12-31`]);
  }

  /** A person's training hours of `year` by category (the ledger's live rows). */
  async hoursByCategory(m: EntityManager, personId: string, year: number): Promise<Record<string, number>> {
    const sums: { category: string; hours: number }[] = await m.query(
      `SELECT category, sum(hours)::float8 AS hours FROM training_live WHERE person_id = $1 AND extract(year FROM end_date) = $2 GROUP BY category`,
      [personId, year],
    );
    return Object.fromEntries(sums.map((x) => [x.category, x.hours]));
  }

  async violationsIn(m: EntityManager, enterpriseId: string, year: number): Promise<number> {
    const [{ n }]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM violation WHERE enterprise_id = $1 AND extract(year FROM occurred_on) = $2`, [enterpriseId, year]);
    return n;
  }

  /** One submit's facts read on its own (an idle api, or a batch read that failed). */
  async submitFacts(r: FactsRead): Promise<SubmitFacts> {
    const [row] = await preparedQuery<SubmitFacts>(
      this.dataSource,
      'cqo.annual-report.submit-facts',
      SUBMIT_FACTS_SQL({ enterprise: '$1', year: '$2', asOf: '$3', from: '$4', to: '$5', user: '$6', province: '$7' }),
      [r.enterpriseId, r.year, r.asOf, `${r.year ?? 2000}-01-01`, `${r.year ?? 2000}-12-31`, r.userId, r.province],
    );
    return row;
  }

  /**
   * The facts of several concurrent submits in one statement (group commit of the read, issue 16):
   * the same select per submit, as a LATERAL over `unnest` of the parameter arrays, in their order.
   */
  async submitFactsMany(rs: FactsRead[]): Promise<SubmitFacts[]> {
    const rows = await preparedQuery<SubmitFacts & { n: string }>(
      this.dataSource,
      'cqo.annual-report.submit-facts-many',
      `SELECT i.n, f.* FROM unnest($1::uuid[], $2::int[], $3::date[], $4::uuid[], $5::text[]) WITH ORDINALITY AS i(e, y, as_of, u, p, n)
         CROSS JOIN LATERAL (${SUBMIT_FACTS_SQL({
           enterprise: 'i.e',
           year: 'i.y',
           asOf: 'i.as_of',
           from: `make_date(coalesce(i.y, 2000), 1, 1)`,
           to: `make_date(coalesce(i.y, 2000), 12, 31)`,
           user: 'i.u',
           province: 'i.p',
         })}) f ORDER BY i.n`,
      [rs.map((r) => r.enterpriseId), rs.map((r) => r.year), rs.map((r) => r.asOf), rs.map((r) => r.userId), rs.map((r) => r.province)],
    );
    if (rows.length !== rs.length) throw new Error(`submit facts: ${rows.length} rows for ${rs.length} reads`);
    return rows.map(({ n: _n, ...f }) => f as SubmitFacts);
  }

  // ------------------------------------------------------------------ writes

  /** A new report of an enterprise and year; null when one was created meanwhile. */
  async insert(m: EntityManager, e: Pick<EnterpriseRow, 'id' | 'region_path'>, year: number, status: ReportStatus, data: AnnualReportData, at: Date): Promise<string | null> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (enterprise_id, year) DO NOTHING RETURNING id`,
      [e.id, e.region_path, year, status, data, at],
    );
    return row?.id ?? null;
  }

  async saveData(m: EntityManager, id: string, data: AnnualReportData, at: Date): Promise<void> {
    await m.query(`UPDATE annual_report SET data = $2, version = version + 1, updated_at = $3 WHERE id = $1`, [id, data, at]);
  }

  /**
   * Moves a submitted report to the decision's state if it still has the version; the new version,
   * or null when someone else got there first (the UPDATE waits for their row lock, then finds the
   * version changed).
   */
  async decide(m: EntityManager, d: ReportDecision): Promise<number | null> {
    const [updated]: [{ id: string; version: number }[], number] = await m.query(
      `UPDATE annual_report SET status = $3, version = version + 1, reviewed_at = $4, reviewed_by = $5, return_reason = $6, updated_at = $4
        WHERE id = $1 AND version = $2 AND status = 'submitted' RETURNING id, version`,
      [d.id, d.version, d.to, d.at, d.by, d.returnReason],
    );
    return updated.length === 1 ? updated[0].version : null;
  }

  /**
   * The submit write of one report (issue 16): the report (if still as read), its event, audit row
   * and `stats.refresh` job in one statement, so one transaction of its own. The new version, or
   * null where the report was not written (changed or created meanwhile: a 409).
   */
  async submitOne(w: SubmitWrite): Promise<number | null> {
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
    const event = eventInsertSelect('report', {
      type: `'annual'`,
      reportId: `${$id}::uuid`,
      from: bind(w.from),
      to: `'submitted'`,
      actorId: `${$by}::uuid`,
      actorRole: bind(w.actor.role),
      reason: $explanation,
      at: `${$now}::timestamptz`,
    });
    const audit = this.audit.insertStatement(
      { actor: w.actor, ip: w.ip, action: SUBMIT_ACTION, objectType: 'annual_report', objectId: w.id, result: 'success', details: submitAuditDetails(w) },
      bind,
      'report',
    );
    const job = this.outbox.insertStatement('stats.refresh', submitJob(w), bind, 'report');
    const rows = await preparedQuery<{ version: number }>(
      this.dataSource,
      w.expected ? 'cqo.annual-report.submit-update' : 'cqo.annual-report.submit-insert',
      `WITH report AS (${report}), event AS (${event}), audit AS (${audit}), job AS (${job}) SELECT version FROM report`,
      params,
    );
    return rows.length ? rows[0].version : null;
  }

  /**
   * The submit writes of many reports (distinct enterprise-years) in one statement over `unnest`
   * of parameter arrays, each report keeping its own conditions; the answer in the order of `ws`.
   * The audit rows are chained by `audit_log_chain` row by row in the statement's lane.
   */
  async submitMany(ws: SubmitWrite[]): Promise<(number | null)[]> {
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
      col((w) => JSON.stringify(submitAuditDetails(w)), 'jsonb'),
      col((w) => JSON.stringify(submitJob(w)), 'jsonb'),
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
    const event = eventInsertSelect('w', {
      type: `'annual'`,
      reportId: 'w.id',
      from: 'w.from_status',
      to: `'submitted'`,
      actorId: 'w.by',
      actorRole: 'w.actor_role',
      reason: 'w.explanation',
      at: 'w.now',
    });
    const audit = this.audit.insertSelectStatement(
      { action: SUBMIT_ACTION, objectType: 'annual_report', result: 'success' },
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

function submitAuditDetails(w: SubmitWrite): Record<string, unknown> {
  return { enterpriseId: w.enterpriseId, year: w.year, from: w.from, to: 'submitted', late: w.late, softHits: w.softHitIds };
}

function submitJob(w: SubmitWrite): JobPayloads['stats.refresh'] {
  return { reason: SUBMIT_ACTION, enterpriseId: w.enterpriseId, years: [w.year] };
}

/** The CQO in post on date `asOf` (SQL placeholders for enterprise and date). */
const CQO_SQL = (enterprise: string, asOf: string) => `SELECT a.person_id, a.name, a.position_title, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end
   FROM appointment a WHERE a.enterprise_id = ${enterprise} AND ${ACTIVE_ON('a', asOf)}
  ORDER BY a.effective_from DESC LIMIT 1`;

/** Appointments filed and ended between two dates (the prefill's 变动情况), unordered; order by on_date, t. */
const CHANGES_SQL = (enterprise: string, from: string, to: string) => `
  SELECT a.id, a.filing_type AS kind, a.effective_from::text AS on_date, a.name, a.end_reason AS note, a.filed_at AS t
    FROM appointment a WHERE a.enterprise_id = ${enterprise} AND a.effective_from BETWEEN ${from}::date AND ${to}::date
  UNION ALL
  SELECT a.id, CASE a.status WHEN 'dismissed' THEN 'dismiss' ELSE 'expire' END, a.ended_on::text, a.name, a.end_reason, a.filed_at
    FROM appointment a WHERE a.enterprise_id = ${enterprise} AND a.status IN ('dismissed','expired') AND a.ended_on BETWEEN ${from}::date AND ${to}::date`;

/** Where `SUBMIT_FACTS_SQL` takes each submit's values from: parameters for one, `unnest` columns for a batch. */
interface FactsParams {
  enterprise: string;
  year: string;
  asOf: string;
  from: string;
  to: string;
  user: string;
  province: string;
}

/**
 * One submit's facts read, one row of JSON columns: the enterprise and its region, the policy
 * revision, the year's calendar row, the filer's report row, the CQO, the year's appointment
 * changes, training hours, violations, the report's history so far and the actor's display name.
 */
const SUBMIT_FACTS_SQL = (p: FactsParams) => `WITH cqo AS (${CQO_SQL(p.enterprise, p.asOf)})
       SELECT (SELECT to_jsonb(x) FROM (SELECT e.id, e.name, e.credit_code, e.region_code, g.name AS region_name, e.region_path
                 FROM enterprise e JOIN region g ON g.code = e.region_code WHERE e.id = ${p.enterprise}) x) AS enterprise,
              ${POLICY_REVISION_SQL} AS policy_revision,
              (SELECT to_jsonb(s) FROM (SELECT ${FILING_SETTING_COLUMNS} FROM filing_setting WHERE province_code = ${p.province} AND year = ${p.year}) s) AS settings,
              (SELECT to_jsonb(x) FROM (${REPORT_SELECT} WHERE r.enterprise_id = ${p.enterprise} AND r.year = ${p.year}) x) AS report,
              (SELECT to_jsonb(c) FROM cqo c) AS cqo,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind, 'on_date', c.on_date, 'name', c.name, 'note', c.note) ORDER BY c.on_date, c.t), '[]')
                 FROM (${CHANGES_SQL(p.enterprise, p.from, p.to)}) c) AS changes,
              (SELECT coalesce(jsonb_object_agg(h.category, h.hours), '{}') FROM (
                 SELECT category, sum(hours)::float8 AS hours FROM training_live
                  WHERE person_id = (SELECT person_id FROM cqo) AND end_date BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY category) h) AS hours,
              (SELECT to_jsonb(y) FROM (SELECT ${YEAR_HOURS_SQL} FROM training_live t
                  WHERE t.person_id = (SELECT person_id FROM cqo) AND t.end_date BETWEEN ${p.from}::date AND ${p.to}::date) y) AS year_hours,
              (SELECT count(*)::int FROM violation WHERE enterprise_id = ${p.enterprise} AND occurred_on BETWEEN ${p.from}::date AND ${p.to}::date) AS violations,
              (SELECT coalesce(jsonb_agg(to_jsonb(ev) ORDER BY ev.id), '[]') FROM (
                 SELECT ev.id, ev.at, u.display_name AS actor_name, ev.actor_role, ev.from_status, ev.to_status, ev.reason,
                        ${actorUnitSql(`(SELECT region_path FROM enterprise WHERE id = ${p.enterprise})`, `(SELECT name FROM enterprise WHERE id = ${p.enterprise})`)} AS actor_unit
                   FROM report_event ev LEFT JOIN app_user u ON u.id = ev.actor_id
                  WHERE ev.report_type = 'annual' AND ev.report_id = (SELECT id FROM annual_report WHERE enterprise_id = ${p.enterprise} AND year = ${p.year})) ev) AS events,
              (SELECT display_name FROM app_user WHERE id = ${p.user}) AS actor_name`;
