import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type Bind } from '@cqo/server-audit';
import { AppointmentsRepository, type AppointmentRecord, type NewAppointment as FiledAppointment } from '@cqo/server-eligibility';
import { EnterprisesRepository } from '@cqo/server-enterprises';
import type { Role } from '@cqo/contracts';
import { copyField, copyIn } from '@cqo/server-database';

/** Rows per statement: big enough to amortise the round trip, small enough for the parameter arrays. */
export const BATCH = 5000;

export interface RegionRow {
  code: string;
  path: string;
  level: number;
  leaf: boolean;
}

export interface EnterpriseRow {
  id: string;
  credit_code: string;
  name: string;
  region_code: string;
  region_path: string;
  above_size: boolean;
  size_class: string | null;
  ownership: string | null;
  industry: string | null;
  /** `award/year` sorted (undated first, as `award/`), joined by `;`. */
  awards: string;
  /** The open closing's first day (注销/吊销/迁出, issue 17), null while open. */
  closed_on: string | null;
}

/** The filed columns of an active appointment, as the roster compares them with a row. */
export type ActiveAppointmentRow = Omit<
  AppointmentRecord,
  | 'region_path'
  | 'verdict'
  | 'previous_id'
  | 'filing_type'
  | 'status'
  | 'ended_on'
  | 'end_reason'
  | 'filed_at'
  | 'filed_by'
  | 'late_filing'
  | 'verdict_detail'
  | 'verdict_profile'
  | 'evaluated_at'
  | 'disqualified'
>;

/** The enterprise columns a roster row writes. */
export interface EnterpriseFields {
  creditCode: string;
  name: string;
  regionCode: string;
  regionPath: string;
  aboveSize: boolean;
  sizeClass: string | null;
  ownership: string | null;
  industry: string | null;
}

/** A roster row's new appointment: the form's `NewAppointment` less who filed it and when (the import's). */
export type NewAppointment = Omit<FiledAppointment, 'filedAt' | 'filedBy' | 'lateFiling'>;

export interface EndedAppointment {
  id: string;
  status: 'superseded' | 'replaced' | 'expired';
  endedOn: string;
  reason: string;
}

/**
 * One written row of the import, as the service planned it (unchanged rows are not staged): what
 * the set-based statements of `applyStage` need, copied into the `roster_stage` temp table (read by
 * EnterprisesRepository.writeStaged and AppointmentsRepository.writeStaged).
 */
export interface StageRow extends EnterpriseFields {
  row: number;
  outcome: 'insert' | 'update';
  /** The enterprise on record, or the id of the new one. */
  enterpriseId: string;
  /** Name, 是否规上, 规模, 类型 or 行业 differ from the record (an update of the enterprise row). */
  enterpriseChanged: boolean;
  /** The awards are replaced by `awards` (filled 获奖情况 that differs, or any award of a new enterprise). */
  awardsChanged: boolean;
  /** `year` null: the roster named the award without its year (SPEC §8). */
  awards: { award: string; year: number | null }[];
  /** The active appointment this row ends, and how. */
  ended: EndedAppointment | null;
  /** The person whose phone the row changes (信息变更 with a new phone). */
  phonePersonId: string | null;
  /** The id of the new appointment (time-ordered, see orderedIds). */
  appointmentId: string | null;
  /** The appointment to insert, without its person (found or created by name + phone). */
  appointment: Omit<NewAppointment, 'enterpriseId' | 'personId'> | null;
  audit: { action: string; details: Record<string, unknown> } | null;
}

/** The staged columns, in COPY order. */
const STAGE_COLUMNS = `row int, outcome text, enterprise_id uuid, credit_code varchar(18), name varchar(100), region_code varchar(6), region_path text,
  above_size boolean, size_class varchar(8), ownership varchar(8), industry varchar(1), enterprise_changed boolean, awards_changed boolean,
  award_names text[], award_years smallint[], ended_id uuid, ended_status text, ended_on date, ended_reason text, phone_person_id uuid,
  has_cqo boolean, previous_id uuid, filing_type text, cqo_name varchar(32), gender varchar(1), birth_month varchar(7), phone varchar(11),
  position_title varchar(32), position_level varchar(8), concurrent_post boolean, education varchar(8), qualification_type varchar(16),
  qualification_level varchar(4), quality_related boolean, years_in_quality smallint, declarations text[], appointed_on date, term_end date,
  effective_from date, authorisation_cert_no varchar(64), initial_training_hours numeric, initial_training_cert_no varchar(64),
  initial_training_completed_on date, explanation text, audit_action text, audit_details jsonb, appointment_id uuid`;


/** An array literal (`{"a","b"}`), each element quoted; COPY escaping is applied on top by copyField. */
function arrayLiteral(items: (string | number | null)[]): string {
  return `{${items.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

function stageLine(r: StageRow): string {
  const a = r.appointment;
  const e = r.ended;
  const fields = [
    r.row,
    r.outcome,
    r.enterpriseId,
    r.creditCode,
    r.name,
    r.regionCode,
    r.regionPath,
    r.aboveSize,
    r.sizeClass,
    r.ownership,
    r.industry,
    r.enterpriseChanged,
    r.awardsChanged,
    arrayLiteral(r.awards.map((w) => w.award)),
    arrayLiteral(r.awards.map((w) => w.year)),
    e?.id,
    e?.status,
    e?.endedOn,
    e?.reason,
    r.phonePersonId,
    !!a,
    a?.previousId,
    a?.filingType,
    a?.name,
    a?.gender,
    a?.birthMonth,
    a?.phone,
    a?.positionTitle,
    a?.positionLevel,
    a?.concurrentPost,
    a?.education,
    a?.qualificationType,
    a?.qualificationLevel,
    a?.qualityRelated,
    a?.yearsInQuality,
    a ? arrayLiteral(a.declarations) : null,
    a?.appointedOn,
    a?.termEnd,
    a?.effectiveFrom,
    a?.authorisationCertNo,
    a?.initialTrainingHours,
    a?.initialTrainingCertNo,
    a?.initialTrainingCompletedOn,
    a?.explanation,
    r.audit?.action,
    r.audit ? JSON.stringify(r.audit.details) : null,
    r.appointmentId,
  ];
  return fields.map(copyField).join('\t') + '\n';
}

/**
 * Time-ordered UUIDs (the version 7 layout: milliseconds, a counter, 62 random bits), ascending
 * across every `take` of one source: an import that writes batch after batch keeps appending. A bulk
 * insert with ascending ids appends to the right edge of the primary key's btree instead of
 * splitting random pages (about 15 % off a 100k-row enterprise insert, measured).
 */
export class OrderedIds {
  private taken = 0;

  constructor(private readonly start = Date.now()) {}

  take(n: number): string[] {
    const random = randomBytes(8 * n).toString('hex');
    const out = new Array<string>(n);
    for (let k = 0; k < n; k += 1) {
      const i = this.taken + k;
      const ms = (this.start + Math.floor(i / 4096)).toString(16).padStart(12, '0');
      const seq = (i % 4096).toString(16).padStart(3, '0');
      const r = random.slice(16 * k, 16 * k + 16);
      const variant = ((parseInt(r[0], 16) & 0x3) | 0x8).toString(16);
      out[k] = `${ms.slice(0, 8)}-${ms.slice(8)}-7${seq}-${variant}${r.slice(1, 4)}-${r.slice(4, 16)}`;
    }
    this.taken += n;
    return out;
  }
}

/** `n` ascending time-ordered UUIDs from a source of their own (see OrderedIds). */
export function orderedIds(n: number, now = Date.now()): string[] {
  return new OrderedIds(now).take(n);
}

function chunks<T>(list: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Every query of the roster import: batched (= ANY) or set-based from the staged rows, never one
 * statement per row. The tables it fills belong to other features and are written by their
 * repositories (issue 19): enterprises and awards by EnterprisesRepository, people and
 * appointments by AppointmentsRepository, audit rows by AuditService; this file writes only its own
 * temp table.
 */
@Injectable()
export class RosterImportRepository {
  constructor(
    private readonly registry: EnterprisesRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly auditLog: AuditService,
  ) {}

  /** Serialises roster imports: two files naming the same new credit code cannot both insert it. */
  async lock(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('cqo.roster-import'))`);
  }

  /**
   * Copies one batch of planned rows into a temp table of the transaction's own connection (`COPY …
   * FROM STDIN`; dropped at commit or rollback). Must run inside the import's transaction.
   */
  async stage(m: EntityManager, rows: StageRow[], first: boolean): Promise<void> {
    // One table for the run: created by the first batch, emptied for each next one.
    await m.query(first ? `CREATE TEMP TABLE roster_stage (${STAGE_COLUMNS}) ON COMMIT DROP` : `TRUNCATE roster_stage`);
    await copyIn(m, `COPY roster_stage FROM STDIN`, rows, stageLine);
  }

  /**
   * Writes the staged rows set-based, one statement per step (never one per row): changed enterprises, awards, phone changes, people, ended and new appointments,
   * the audit rows of the updates. Returns the new appointments' ids when `ids` (for the inline
   * eligibility refresh), with their count either way.
   */
  async applyStage(m: EntityManager, actor: { userId: string; username: string; role: Role; ip: string | null }, now: Date, ids: boolean): Promise<{ appointments: number; appointmentIds: string[] }> {
    // Enterprises and awards, then people and appointments, each written by its owner (issue 19 item 2), from the same staged rows.
    await this.registry.writeStaged(m, 'roster_stage', now);
    const inserted = await this.appointments.writeStaged(m, 'roster_stage', now, actor, ids);
    // Each update audited with the fields it changed (the inserts by the run's summary row).
    const params: unknown[] = [];
    const bind: Bind = (v) => `$${params.push(v)}`;
    await m.query(
      this.auditLog.insertSelectStatement({ actor, ip: actor.ip, action: '', result: 'success' }, bind, 'roster_stage WHERE audit_action IS NOT NULL ORDER BY row', {
        action: 'audit_action',
        objectType: `'enterprise'`,
        objectId: 'enterprise_id::text',
        details: 'audit_details',
      }),
      params,
    );
    const records = (inserted.records ?? []) as { id: string }[];
    return { appointments: inserted.affected ?? records.length, appointmentIds: ids ? records.map((r) => r.id) : [] };
  }

  async regions(m: EntityManager): Promise<Map<string, RegionRow>> {
    const rows: RegionRow[] = await m.query(
      `SELECT r.code, r.path, r.level::int AS level, NOT EXISTS (SELECT 1 FROM region c WHERE c.parent_code = r.code) AS leaf FROM region r`,
    );
    return new Map(rows.map((r) => [r.code, r]));
  }

  async enterprises(m: EntityManager, codes: string[]): Promise<Map<string, EnterpriseRow>> {
    const out = new Map<string, EnterpriseRow>();
    for (const part of chunks(codes)) {
      const rows: EnterpriseRow[] = await m.query(
        `SELECT e.id, e.credit_code, e.name, e.region_code, e.region_path, e.above_size, e.size_class, e.ownership, e.industry, e.closed_on::text AS closed_on,
                COALESCE((SELECT string_agg(w.award || '/' || coalesce(w.year::text, ''), ';' ORDER BY w.year NULLS FIRST, w.award) FROM enterprise_award w WHERE w.enterprise_id = e.id), '') AS awards
           FROM enterprise e WHERE e.credit_code = ANY($1)`,
        [part],
      );
      for (const r of rows) out.set(r.credit_code, r);
    }
    return out;
  }

  /** The active appointment of each enterprise (term over or not: the caller decides). */
  async activeAppointments(m: EntityManager, enterpriseIds: string[]): Promise<Map<string, ActiveAppointmentRow>> {
    const out = new Map<string, ActiveAppointmentRow>();
    for (const part of chunks(enterpriseIds)) {
      const rows: ActiveAppointmentRow[] = await m.query(
        `SELECT a.id, a.enterprise_id, a.person_id, a.name, a.gender, a.birth_month, a.phone, a.position_title, a.position_level,
                a.concurrent_post, a.education, a.qualification_type, a.qualification_level, a.quality_related, a.years_in_quality::int AS years_in_quality,
                a.declarations, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end, a.effective_from::text AS effective_from,
                a.authorisation_cert_no, a.initial_training_hours::float8 AS initial_training_hours, a.initial_training_cert_no,
                a.initial_training_completed_on::text AS initial_training_completed_on, a.explanation
           FROM appointment a WHERE a.enterprise_id = ANY($1) AND a.status = 'active'`,
        [part],
      );
      for (const r of rows) out.set(r.enterprise_id, r);
    }
    return out;
  }
}
