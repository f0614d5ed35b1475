import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Bind } from '@cqo/server-audit';
import type { AppointmentStatus, CqoPersonFields, EducationLevel, FilingType, Gender, PositionLevel, QualificationLevel, QualificationType, Role, Verdict, VerdictResult } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import type { SqlRunner } from '@cqo/server-common';
import { PoolRepository } from '@cqo/server-database';
import { ACTIVE_ON, ACTIVE_TODAY } from './appointment-sql';


/**
 * A row of `appointment` as raw SQL reads it (snake_case; dates as text): the one description of
 * the table's columns, which readers in other features pick from.
 */
export interface AppointmentRecord {
  id: string;
  enterprise_id: string;
  person_id: string;
  region_path: string;
  name: string;
  gender: Gender;
  birth_month: string;
  phone: string;
  position_title: string;
  position_level: PositionLevel;
  concurrent_post: boolean;
  education: EducationLevel;
  qualification_type: QualificationType;
  qualification_level: QualificationLevel | null;
  quality_related: boolean;
  years_in_quality: number;
  declarations: string[];
  appointed_on: string;
  term_end: string | null;
  effective_from: string;
  authorisation_cert_no: string | null;
  initial_training_hours: number | null;
  initial_training_cert_no: string | null;
  initial_training_completed_on: string | null;
  explanation: string | null;
  verdict: Verdict | null;
  previous_id: string | null;
  filing_type: FilingType;
  status: AppointmentStatus;
  ended_on: string | null;
  end_reason: string | null;
  filed_at: Date;
  filed_by: string | null;
  late_filing: boolean;
  verdict_detail: VerdictResult | null;
  verdict_profile: string | null;
  evaluated_at: Date | null;
  disqualified: boolean;
}

/** Every column of `appointment` as an `AppointmentRecord` (dates as text, hours as a number). */
const RECORD_SELECT = `SELECT a.id, a.enterprise_id, a.person_id, a.region_path, a.name, a.gender, a.birth_month, a.phone, a.position_title,
       a.position_level, a.concurrent_post, a.education, a.qualification_type, a.qualification_level, a.quality_related,
       a.years_in_quality, a.declarations, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end,
       a.effective_from::text AS effective_from, a.authorisation_cert_no, a.initial_training_hours::float8 AS initial_training_hours,
       a.initial_training_cert_no, a.initial_training_completed_on::text AS initial_training_completed_on, a.explanation, a.verdict,
       a.previous_id, a.filing_type, a.status, a.ended_on::text AS ended_on, a.end_reason, a.filed_at, a.filed_by, a.late_filing,
       a.verdict_detail, a.verdict_profile, a.evaluated_at, a.disqualified
  FROM appointment a`;

/** The appointment columns a verdict's facts are built from, with its enterprise's name and 规上. */
export type AppointmentFactsRow = Pick<
  AppointmentRecord,
  | 'id'
  | 'enterprise_id'
  | 'person_id'
  | 'region_path'
  | 'name'
  | 'appointed_on'
  | 'term_end'
  | 'position_level'
  | 'education'
  | 'qualification_type'
  | 'qualification_level'
  | 'quality_related'
  | 'years_in_quality'
  | 'declarations'
  | 'authorisation_cert_no'
  | 'initial_training_hours'
  | 'initial_training_cert_no'
  | 'initial_training_completed_on'
  | 'verdict'
> & { enterprise_name: string; above_size: boolean };

/**
 * The columns of an `AppointmentFactsRow` (over `appointment a JOIN enterprise e`). With
 * `asOfParam`, 规上 is the enterprise's on that date (its dated state, `enterprise_state`), for
 * judging on a past date; else today's.
 */
const factsColumns = (asOfParam?: string) => `a.id, a.enterprise_id, a.person_id, a.region_path, e.name AS enterprise_name, a.name,
  ${
    asOfParam
      ? `coalesce((SELECT s.above_size FROM enterprise_state s WHERE s.enterprise_id = e.id AND s.valid_from <= ${asOfParam}::date
                   ORDER BY s.valid_from DESC LIMIT 1), e.above_size)`
      : 'e.above_size'
  } AS above_size,
  a.appointed_on::text AS appointed_on, a.term_end::text AS term_end, a.position_level, a.education, a.qualification_type,
  a.qualification_level, a.quality_related, a.years_in_quality, a.declarations, a.authorisation_cert_no,
  a.initial_training_hours::float8 AS initial_training_hours, a.initial_training_cert_no,
  a.initial_training_completed_on::text AS initial_training_completed_on, a.verdict`;

const FACTS_COLUMNS = factsColumns();

/** Which active appointments a judging pass re-judges (`activeFacts`): the listed ones (any of the lists), or all. */
export interface JudgeScope {
  appointmentIds?: string[];
  enterpriseIds?: string[];
  personIds?: string[];
  all?: boolean;
}

/** The CQO in post in an enterprise on a date, as the award check names them. */
export interface InPostRow {
  id: string;
  name: string;
  person_id: string;
  appointed_on: string;
  term_end: string | null;
}

/** A new filing (聘任备案 or 变更) as `insert` writes it: the person's data as filed, checked by the caller. */
export interface NewAppointment extends CqoPersonFields {
  enterpriseId: string;
  regionPath: string;
  personId: string;
  previousId: string | null;
  filingType: 'appoint' | 'change';
  appointedOn: string;
  termEnd: string | null;
  effectiveFrom: string;
  authorisationCertNo: string | null;
  initialTrainingHours: number | null;
  initialTrainingCertNo: string | null;
  initialTrainingCompletedOn: string | null;
  explanation: string | null;
  filedAt: Date;
  filedBy: string | null;
  lateFiling: boolean;
}

/** The verdicts of one judging pass (`setVerdicts`), one entry per appointment. */
export interface VerdictWrite {
  id: string;
  verdict: Verdict;
  /** The whole verdict as JSON text. */
  detail: string;
  disqualified: boolean;
}

/** An enterprise's active appointment, as `activeOf` reads it: whom it is for, where, and since when. */
export type ActiveAppointment = Pick<AppointmentRecord, 'id' | 'person_id' | 'region_path' | 'effective_from'>;

/**
 * The one writer of `appointment` and `cqo_person` (STYLE.md "A repository owns its tables",
 * issue 19 item 2). It lives beneath both features that write them (appointments files and
 * changes, eligibility expires terms and judges, roster imports in bulk), so neither reaches the
 * tables on its own. Every method takes the caller's EntityManager first: it runs inside the
 * caller's transaction and never reaches the pool again. It is also where the features read the
 * tables (the facts a verdict is judged from, the filings of an enterprise).
 */
@Injectable()
export class AppointmentsRepository extends PoolRepository {
  constructor(
    dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    super(dataSource);
  }

  /** "In post on date D" (SPEC §7): the one predicate, as SQL over `alias` (see ACTIVE_ON). */
  static activeOn(alias: string, dateParam: string): string {
    return ACTIVE_ON(alias, dateParam);
  }

  /**
   * Ends every active appointment whose term ended before `date` (SPEC §2: 任期届满 stops it
   * counting), all of them or one enterprise's, and audits each as `appointment.expire` through
   * AuditService, in one statement (a data-modifying CTE: the update and its audit rows commit
   * together, chained by the audit_log trigger). Answers the ended appointments.
   */
  async expireTerms(m: EntityManager, date: string, opts: { enterpriseId?: string } = {}): Promise<{ id: string; enterprise_id: string }[]> {
    const params: unknown[] = [date];
    const bind: Bind = (v) => `$${params.push(v)}`;
    const only = opts.enterpriseId ? `AND enterprise_id = ${bind(opts.enterpriseId)}` : '';
    const audit = this.audit.insertSelectStatement(
      { username: 'system', action: 'appointment.expire', objectType: 'appointment', result: 'success', details: { reason: '任期届满', asOf: date } },
      bind,
      'expired',
      { objectId: 'expired.id::text' },
    );
    return m.query(
      `WITH expired AS (
         UPDATE appointment SET status = 'expired', ended_on = term_end + 1, end_reason = '任期届满'
          WHERE status = 'active' AND term_end < $1::date ${only}
          RETURNING id, enterprise_id
       ), audited AS (${audit})
       SELECT id, enterprise_id FROM expired ORDER BY id`,
      params,
    );
  }

  /** Files a new appointment, active from `effectiveFrom`; its verdict is judged afterwards (`setVerdicts`). Answers its id. */
  async insert(m: EntityManager, a: NewAppointment): Promise<string> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO appointment (enterprise_id, region_path, person_id, previous_id, filing_type, status, name, gender, birth_month, phone,
                                position_title, position_level, concurrent_post, education, qualification_type, qualification_level,
                                quality_related, years_in_quality, declarations, appointed_on, term_end, effective_from,
                                authorisation_cert_no, initial_training_hours, initial_training_cert_no, initial_training_completed_on,
                                explanation, filed_at, filed_by, late_filing, disqualified)
       VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::text[], $19, $20, $21,
               $22, $23, $24, $25, $26, $27, $28, $29, false)
       RETURNING id`,
      [
        a.enterpriseId, a.regionPath, a.personId, a.previousId, a.filingType, a.name, a.gender, a.birthMonth, a.phone,
        a.positionTitle, a.positionLevel, a.concurrentPost, a.education, a.qualificationType, a.qualificationLevel,
        a.qualityRelated, a.yearsInQuality, a.declarations, a.appointedOn, a.termEnd, a.effectiveFrom,
        a.authorisationCertNo, a.initialTrainingHours, a.initialTrainingCertNo, a.initialTrainingCompletedOn,
        a.explanation, a.filedAt, a.filedBy, a.lateFiling,
      ],
    );
    return id;
  }

  /** The stored verdicts (judged today under `profile`, at `at`), one statement for a batch. */
  async setVerdicts(m: EntityManager, verdicts: VerdictWrite[], profile: string, at: Date): Promise<void> {
    if (!verdicts.length) return;
    await m.query(
      `UPDATE appointment a SET verdict = v.verdict, verdict_detail = v.detail, verdict_profile = $6::varchar,
              disqualified = v.disqualified, evaluated_at = $5
         FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[], $4::boolean[]) AS v(id, verdict, detail, disqualified)
        WHERE a.id = v.id`,
      [verdicts.map((v) => v.id), verdicts.map((v) => v.verdict), verdicts.map((v) => v.detail), verdicts.map((v) => v.disqualified), at, profile],
    );
  }

  /** One appointment, whole; null when there is none of that id. */
  async byId(db: SqlRunner, id: string): Promise<AppointmentRecord | null> {
    if (!isUuid(id)) return null;
    const [row] = (await db.query(`${RECORD_SELECT} WHERE a.id = $1`, [id])) as AppointmentRecord[];
    return row ?? null;
  }

  /** An enterprise's filings, newest first (by effective date, then filing time). */
  async ofEnterprise(db: SqlRunner, enterpriseId: string): Promise<AppointmentRecord[]> {
    return (await db.query(`${RECORD_SELECT} WHERE a.enterprise_id = $1 ORDER BY a.effective_from DESC, a.filed_at DESC`, [enterpriseId])) as AppointmentRecord[];
  }

  /** The enterprise's active appointment (at most one), or null. */
  async activeOf(m: EntityManager, enterpriseId: string): Promise<ActiveAppointment | null> {
    const [row]: ActiveAppointment[] = await m.query(
      `SELECT id, person_id, region_path, effective_from::text AS effective_from FROM appointment WHERE enterprise_id = $1 AND status = 'active'`,
      [enterpriseId],
    );
    return row ?? null;
  }

  /** One person per name + phone, shared by every enterprise that files them (form and import alike). */
  async upsertPerson(m: EntityManager, name: string, phone: string): Promise<string> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO cqo_person (name, phone) VALUES ($1, $2) ON CONFLICT (name, phone) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [name.trim(), phone],
    );
    return rows[0].id;
  }

  /**
   * Ends an active appointment (变更: superseded / replaced, 解聘: dismissed) on `endedOn`. False
   * when it is no longer active (someone else changed it first: the caller answers 409).
   */
  async end(m: EntityManager, id: string, status: 'superseded' | 'replaced' | 'dismissed', endedOn: string, reason: string): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE appointment SET status = $2, ended_on = $3, end_reason = $4 WHERE id = $1 AND status = 'active' RETURNING id`,
      [id, status, endedOn, reason],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  /**
   * A person's new phone (变更, same person): the person keeps their id (and training ledger),
   * unless someone of that name already has that phone, who is then the person. Answers the id.
   */
  async changePhone(m: EntityManager, personId: string, name: string, phone: string): Promise<string> {
    const clash: { id: string }[] = await m.query(`SELECT id FROM cqo_person WHERE name = $1 AND phone = $2 AND id <> $3`, [name, phone, personId]);
    if (clash.length) return clash[0].id;
    await m.query(`UPDATE cqo_person SET phone = $2 WHERE id = $1`, [personId, phone]);
    return personId;
  }

  /** The stored verdict of an appointment (null when not judged, or when there is none of that id). */
  async storedVerdict(m: EntityManager, id: string): Promise<Verdict | null> {
    const [stored]: { verdict: Verdict | null }[] = await m.query(`SELECT verdict FROM appointment WHERE id = $1`, [id]);
    return stored?.verdict ?? null;
  }

  /** The CQO in post in an enterprise today (`ACTIVE_TODAY`, `today` today's date), or null. */
  async inPostOf(db: SqlRunner, enterpriseId: string, today: string): Promise<InPostRow | null> {
    const [a] = (await db.query(
      `SELECT a.id, a.name, a.person_id, a.appointed_on::text AS appointed_on, a.term_end::text AS term_end FROM appointment a
        WHERE a.enterprise_id = $1 AND ${ACTIVE_TODAY('a', '$2')}`,
      [enterpriseId, today],
    )) as InPostRow[];
    return a ?? null;
  }

  /** The other enterprises where a person is the active CQO (id and name, by name). */
  async activeElsewhere(db: SqlRunner, personId: string, enterpriseId: string): Promise<{ enterprise_id: string; name: string }[]> {
    return (await db.query(
      `SELECT a.enterprise_id, e.name FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id
        WHERE a.person_id = $1 AND a.status = 'active' AND a.enterprise_id <> $2 ORDER BY e.name`,
      [personId, enterpriseId],
    )) as { enterprise_id: string; name: string }[];
  }

  /** The id of the person of that name + phone, or null (no one filed them yet). */
  async personId(db: SqlRunner, name: string, phone: string): Promise<string | null> {
    const [person] = (await db.query(`SELECT id FROM cqo_person WHERE name = $1 AND phone = $2`, [name, phone])) as { id: string }[];
    return person?.id ?? null;
  }

  /** One appointment's facts, 规上 as on `asOf`; null when there is none of that id. */
  async factsOf(m: EntityManager, id: string, asOf: string): Promise<AppointmentFactsRow | null> {
    const [row]: AppointmentFactsRow[] = await m.query(
      `SELECT ${factsColumns('$2')} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.id = $1`,
      [id, asOf],
    );
    return row ?? null;
  }

  /** The facts of the listed appointments, 规上 as on `asOf` (in no particular order). */
  async factsOn(m: EntityManager, asOf: string, ids: string[]): Promise<AppointmentFactsRow[]> {
    return m.query(
      `SELECT ${factsColumns('$1')} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.id = ANY($2::uuid[])`,
      [asOf, ids],
    );
  }

  /**
   * One page (by id, after `after`, at most `limit`) of the facts of the active appointments in
   * `where`, with today's 规上; none, and no read, when `where` names nothing (no ids and not `all`).
   */
  async activeFacts(m: EntityManager, where: JudgeScope, after: string, limit: number): Promise<AppointmentFactsRow[]> {
    if (!where.all && !where.appointmentIds?.length && !where.enterpriseIds?.length && !where.personIds?.length) return [];
    const conds: string[] = [];
    const params: unknown[] = [];
    if (where.appointmentIds?.length) conds.push(`a.id = ANY($${params.push(where.appointmentIds)})`);
    if (where.enterpriseIds?.length) conds.push(`a.enterprise_id = ANY($${params.push(where.enterpriseIds)})`);
    if (where.personIds?.length) conds.push(`a.person_id = ANY($${params.push(where.personIds)})`);
    const filter = where.all ? 'TRUE' : `(${conds.join(' OR ')})`;
    return m.query(
      `SELECT ${FACTS_COLUMNS} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id
          WHERE a.status = 'active' AND ${filter} AND a.id > $${params.length + 1} ORDER BY a.id LIMIT ${limit}`,
      [...params, after],
    );
  }

  /** The facts of the active appointments matching `inScope` (a condition over `a`, positional in `params`), by region and enterprise name. */
  async activeFactsWhere(m: EntityManager, inScope: string, params: unknown[]): Promise<AppointmentFactsRow[]> {
    return m.query(
      `SELECT ${FACTS_COLUMNS} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id
        WHERE a.status = 'active' AND ${inScope} ORDER BY a.region_path, e.name`,
      params,
    );
  }

  /**
   * A roster import's people and appointments (SPEC §8), set-based from its staged rows (`stage`,
   * the roster_stage temp table: cqo_name, phone, has_cqo, phone_person_id, ended_*,
   * appointment_id and the appointment's columns; see RosterImportRepository): phone changes, one
   * person per name + phone (as `upsertPerson`), the appointments it ends, then the new ones. A
   * term ended by the import is audited as `appointment.expire`, as `expireTerms` does.
   * Answers the insert's result (`RETURNING id` when `ids`).
   */
  async writeStaged(
    m: EntityManager,
    stage: 'roster_stage',
    now: Date,
    actor: { userId: string; username: string; role: Role; ip: string | null },
    ids: boolean,
  ): Promise<{ records?: unknown[]; affected?: number }> {
    // A person whose phone changed keeps their id (and training ledger), unless someone else
    // already has that name + phone; of two rows naming the same person the later one counts, of
    // two people moving to the same name + phone the first (as row-by-row updates would leave it).
    await m.query(
      `UPDATE cqo_person p SET phone = v.phone
         FROM (SELECT DISTINCT ON (x.name, x.phone) x.id, x.name, x.phone
                 FROM (SELECT DISTINCT ON (phone_person_id) phone_person_id AS id, cqo_name AS name, phone, row
                         FROM ${stage} WHERE phone_person_id IS NOT NULL ORDER BY phone_person_id, row DESC) x
                ORDER BY x.name, x.phone, x.row) v
        WHERE p.id = v.id AND NOT EXISTS (SELECT 1 FROM cqo_person o WHERE o.name = v.name AND o.phone = v.phone)`,
    );
    // One person per name + phone (as upsertPerson does for the form).
    // The insert below finds each row's person by name + phone in the same statement (no UPDATE of the staged rows first).
    await m.query(`INSERT INTO cqo_person (name, phone) SELECT DISTINCT cqo_name, phone FROM ${stage} WHERE has_cqo ON CONFLICT (name, phone) DO NOTHING`);
    // End what is replaced, superseded or over, then insert the new rows (one active per enterprise).
    const params: unknown[] = [];
    const bind: Bind = (v) => `$${params.push(v)}`;
    const audit = this.audit.insertSelectStatement(
      { actor, ip: actor.ip, action: 'appointment.expire', objectType: 'appointment', result: 'success', details: { reason: '任期届满', source: 'roster' } },
      bind,
      `ended WHERE ended.status = 'expired'`,
      { objectId: 'ended.id::text' },
    );
    await m.query(
      `WITH ended AS (
         UPDATE appointment a SET status = s.ended_status, ended_on = s.ended_on, end_reason = s.ended_reason
           FROM ${stage} s WHERE s.ended_id IS NOT NULL AND a.id = s.ended_id AND a.status = 'active'
         RETURNING a.id, a.status
       ), audited AS (${audit})
       SELECT count(*) FROM ended`,
      params,
    );
    return m.queryRunner!.query(
      `INSERT INTO appointment (id, enterprise_id, region_path, person_id, previous_id, filing_type, status, name, gender, birth_month, phone,
                                position_title, position_level, concurrent_post, education, qualification_type, qualification_level,
                                quality_related, years_in_quality, declarations, appointed_on, term_end, effective_from,
                                authorisation_cert_no, initial_training_hours, initial_training_cert_no, initial_training_completed_on,
                                explanation, filed_at, filed_by, late_filing, disqualified)
       SELECT s.appointment_id, s.enterprise_id, s.region_path, p.id, s.previous_id, s.filing_type, 'active', s.cqo_name, s.gender, s.birth_month, s.phone,
              s.position_title, s.position_level, s.concurrent_post, s.education, s.qualification_type, s.qualification_level,
              s.quality_related, s.years_in_quality, s.declarations, s.appointed_on, s.term_end, s.effective_from,
              s.authorisation_cert_no, s.initial_training_hours, s.initial_training_cert_no, s.initial_training_completed_on,
              s.explanation, $1, $2, false, false
         FROM ${stage} s JOIN cqo_person p ON p.name = s.cqo_name AND p.phone = s.phone
        WHERE s.has_cqo ORDER BY s.appointment_id
       ${ids ? 'RETURNING id' : ''}`,
      [now, actor.userId || null],
      true,
    );
  }
}
