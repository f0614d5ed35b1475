import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  isUuid,
  type ContinuingEducationYear,
  type CqoGrade,
  type EvaluationApplicationQuery,
  type EvaluationApplicationRequest,
  type EvaluationScheme,
  type EvaluationStatus,
  type GradeResultView,
  type Page,
  type ScoreMap,
  type TalentPoolItem,
} from '@cqo/contracts';
import type { ApplicantFacts } from '@cqo/policy';
import { inRegion, type ScopedObject } from '@cqo/server-auth';
import { listWhere, queryWherePage, type PageQueryFields, type ParamsSql, type SqlRunner } from '@cqo/server-common';
import { PoolRepository } from '@cqo/server-database';

/** What the enterprise files, first or again after a return (the texts trimmed by the service). */
export type ApplicationFiling = Omit<EvaluationApplicationRequest, 'statement'> & { statement: string | null };

/** A new application's row (status `submitted`): the filing, whose CQO it is, and who filed it when. */
export type NewApplication = ApplicationFiling & {
  bodyCode: string;
  enterpriseId: string;
  regionPath: string;
  personId: string;
  appointmentId: string;
  previousCertificateId: string | null;
  continuingEducation: ContinuingEducationYear[] | null;
  at: Date;
  createdBy: string;
};

/** What a resubmission (after a return) files again, and when. */
export type ResubmittedApplication = ApplicationFiling & { at: Date };

/** The leader's report on an application: the graded result, the consolidated scores and conclusion. */
export interface ApplicationReport {
  result: GradeResultView;
  scores: ScoreMap;
  conclusion: string | null;
  at: Date;
  by: string;
}

/** A row of an application's history (`evaluation_event`). */
export interface NewEvaluationEvent {
  applicationId: string;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  from: EvaluationStatus | null;
  to: EvaluationStatus | null;
  note: string | null;
}

/** A new 人才库 member, on a certificate. */
export interface NewTalent {
  personId: string;
  certificateId: string;
  note: string | null;
  at: Date;
  by: string;
}

/** Who took a member out of the 人才库, when and why. */
export interface TalentRemoval {
  at: Date;
  by: string | null;
  reason: string;
}

/** The row `select` gives for the evaluation id `id` (its `idColumn`) if it is in scope; null otherwise, or for a malformed id. */
export async function rowInScope<R>(db: SqlRunner, select: string, idColumn: string, id: string, scope: ParamsSql): Promise<R | null> {
  if (!isUuid(id)) return null;
  const params: unknown[] = [];
  const inScope = scope(params);
  const [row] = (await db.query(`${select} WHERE ${idColumn} = $${params.push(id)} AND ${inScope}`, params)) as R[];
  return row ?? null;
}

/**
 * What ScopeService needs to know of an application or a certificate row: its region, its
 * enterprise and the body (认定机构) it belongs to.
 */
export function scopeOf(row: { region_path: string; enterprise_id: string; body_code: string }): Omit<ScopedObject, 'type' | 'id'> {
  return { regionPath: row.region_path, enterpriseId: row.enterprise_id, bodyCode: row.body_code };
}

/** An application as the list and the detail read it: with its enterprise, region, person, leader and certificates. */
export interface ApplicationRow {
  id: string;
  body_code: string;
  enterprise_id: string;
  enterprise_name: string;
  region_path: string;
  region_code: string;
  region_name: string;
  person_id: string;
  person_name: string;
  scheme: EvaluationScheme;
  applied_grade: CqoGrade;
  experience_years: number;
  has_certificate: boolean;
  self_assessment: ScoreMap;
  statement: string | null;
  recommendation: string;
  status: EvaluationStatus;
  return_reasons: string | null;
  previous_certificate_id: string | null;
  previous_certificate_number: string | null;
  continuing_education: ContinuingEducationYear[] | null;
  interview_on: string | null;
  interview_notes: string | null;
  site_visit_on: string | null;
  site_visit_notes: string | null;
  report: GradeResultView | null;
  report_scores: ScoreMap | null;
  report_conclusion: string | null;
  reported_at: Date | null;
  leader_name: string | null;
  submitted_at: Date;
  updated_at: Date;
  version: number;
  certificate_id: string | null;
  certificate_number: string | null;
}

/** The list's filters: status, scheme, and the panel member (an evaluator's "mine"). */
export type ApplicationFilters = Pick<EvaluationApplicationQuery, 'status' | 'scheme'> & { panelMemberId?: string };

/** An application locked FOR UPDATE for a workflow step: whose it is, what was applied for, where it stands. */
export interface LockedApplication {
  id: string;
  body_code: string;
  enterprise_id: string;
  region_path: string;
  person_id: string;
  /** The appointment the application was filed on. */
  appointment_id: string | null;
  scheme: EvaluationScheme;
  applied_grade: CqoGrade;
  experience_years: number;
  has_certificate: boolean;
  status: EvaluationStatus;
  version: number;
  /** The date of the interview; null before it is recorded. */
  interview_on: string | null;
}

/** A reported application locked for the issue of its certificate, with its holder's and enterprise's names. */
export interface ApplicationToCertify {
  id: string;
  body_code: string;
  status: EvaluationStatus;
  report: GradeResultView | null;
  scheme: EvaluationScheme;
  person_id: string;
  enterprise_id: string;
  region_path: string;
  previous_certificate_id: string | null;
  person_name: string;
  enterprise_name: string;
}

/** A row of an application's history as the detail shows it (`evaluation_event` with the actor's name). */
export interface EvaluationEventRow {
  at: Date;
  display_name: string | null;
  actor_role: string | null;
  action: string;
  from_status: EvaluationStatus | null;
  to_status: EvaluationStatus | null;
  note: string | null;
}

/** A seat on an application's panel, with the member's name and when their sheet came in. */
export interface PanelSeatRow {
  user_id: string;
  display_name: string;
  is_leader: boolean;
  submitted_at: Date | null;
}

/** A panel member's score sheet, with the member's name and seat. */
export interface SheetRow {
  user_id: string;
  display_name: string;
  is_leader: boolean;
  scores: ScoreMap;
  comment: string | null;
  result: GradeResultView;
  submitted_at: Date;
}

/** A panel member's sheet as filed (replacing their earlier one). */
export interface NewSheet {
  applicationId: string;
  userId: string;
  scores: ScoreMap;
  comment: string | null;
  result: GradeResultView;
  at: Date;
}

/** An evidence file as the application lists it. */
export interface EvidenceRow {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  uploaded_at: Date;
}

/** An evidence file for download: its bytes in the row (uploaded before issue 21) or in the file store. */
export interface EvidenceFileRow {
  file_name: string;
  content_type: string;
  content: Buffer | null;
  /** Set when `content` is not (the table's check). */
  storage_key: string | null;
}

/** A new evidence file, its bytes already in the file store under `storageKey`. */
export interface NewEvidence {
  id: string;
  applicationId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  at: Date;
  by: string;
}

/**
 * What the records on file say of an applicant (001 9.1, 000 7.2): the filed appointment, the
 * experience and 任职培训 of the appointment history and of the training ledger, the violations in force.
 */
export interface ApplicantRecords {
  current: { education: ApplicantFacts['education']; qualification_type: ApplicantFacts['qualificationType']; qualification_level: ApplicantFacts['qualificationLevel'] } | null;
  filed: { years: number | null; cert: boolean | null; hours: number } | null;
  ledger: { cert: boolean | null; hours: number } | null;
  violations: { type: ApplicantFacts['violations'][number]['type']; occurred_on: string }[];
}

/** One of the body's active evaluators. */
export interface EvaluatorRow {
  id: string;
  username: string;
  display_name: string;
}

/** A 人才库 member with the certificate, its holder's city and who added them. */
export interface TalentRow {
  id: string;
  person_id: string;
  holder_name: string;
  certificate_id: string;
  number: string;
  grade: TalentPoolItem['grade'];
  status: TalentPoolItem['certificateStatus'];
  organisation_name: string;
  city_code: string;
  city_name: string;
  note: string | null;
  added_at: Date;
  added_by_name: string | null;
}

const APPLICATION_SELECT = `SELECT a.id, a.body_code, a.enterprise_id, e.name AS enterprise_name, a.region_path, e.region_code, r.name AS region_name,
       a.person_id, p.name AS person_name, a.scheme, a.applied_grade, a.experience_years, a.has_certificate, a.self_assessment,
       a.statement, a.recommendation, a.status, a.return_reasons, a.previous_certificate_id, pc.number AS previous_certificate_number,
       a.continuing_education, a.interview_on::text AS interview_on, a.interview_notes, a.site_visit_on::text AS site_visit_on,
       a.site_visit_notes, a.report, a.report_scores, a.report_conclusion, a.reported_at, ru.display_name AS leader_name,
       a.submitted_at, a.updated_at, a.version, c.id AS certificate_id, c.number AS certificate_number
  FROM evaluation_application a JOIN enterprise e ON e.id = a.enterprise_id JOIN region r ON r.code = e.region_code
  JOIN cqo_person p ON p.id = a.person_id LEFT JOIN app_user ru ON ru.id = a.reported_by
  LEFT JOIN evaluation_certificate pc ON pc.id = a.previous_certificate_id
  LEFT JOIN evaluation_certificate c ON c.application_id = a.id`;

const TALENT_SELECT = `SELECT t.id, t.person_id, c.holder_name, t.certificate_id, c.number, c.grade, c.status, c.organisation_name,
       coalesce(city.code, e.region_code) AS city_code, coalesce(city.name, r.name) AS city_name, t.note, t.added_at, u.display_name AS added_by_name
  FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id JOIN enterprise e ON e.id = c.enterprise_id
  JOIN region r ON r.code = e.region_code LEFT JOIN region city ON city.code = split_part(c.region_path, '/', 3)
  LEFT JOIN app_user u ON u.id = t.added_by`;

/**
 * The only reader and writer of `evaluation_application`, `evaluation_event`, `evaluation_evidence`,
 * `evaluation_panel_member`, `evaluation_sheet` and `evaluation_talent` (issue 19 item 2): the
 * applications, certificates and talent-pool services reach them through it, and read here what
 * they need of other features' tables for an application (the applicant's records, the body's
 * evaluators). A method used inside a transaction takes its manager first (nothing in a
 * transaction asks the pool for a second connection); the time comes from the caller's clock.
 * Reads outside a transaction use the pool. A scope comes from the caller as a `ParamsSql`.
 */
@Injectable()
export class EvaluationRecordsRepository extends PoolRepository {
  // -------------------------------------------------------------------------------------------
  // evaluation_application
  // -------------------------------------------------------------------------------------------

  /** A page of the applications in scope matching the filters, latest changed first. */
  listApplications<T>(scope: ParamsSql, f: ApplicationFilters, paging: PageQueryFields, map: (r: ApplicationRow) => T): Promise<Page<T>> {
    const { where, params } = listWhere(scope, { 'a.status': f.status, 'a.scheme': f.scheme });
    if (f.panelMemberId) {
      where.push(`EXISTS (SELECT 1 FROM evaluation_panel_member pm WHERE pm.application_id = a.id AND pm.user_id = $${params.push(f.panelMemberId)})`);
    }
    return queryWherePage(this.dataSource, { count: 'FROM evaluation_application a', select: APPLICATION_SELECT, orderBy: 'a.updated_at DESC' }, where, params, paging, map);
  }

  /** The application, if it is in scope; null otherwise (or for a malformed id). */
  applicationInScope(id: string, scope: ParamsSql): Promise<ApplicationRow | null> {
    return rowInScope(this.dataSource, APPLICATION_SELECT, 'a.id', id, scope);
  }

  /** The application locked FOR UPDATE for a workflow step; null when there is none (or the id is malformed). */
  async lockApplication(m: EntityManager, id: string): Promise<LockedApplication | null> {
    const [row]: LockedApplication[] = isUuid(id)
      ? await m.query(
          `SELECT id, body_code, enterprise_id, region_path, person_id, appointment_id, scheme, applied_grade, experience_years, has_certificate, status,
                  version, interview_on::text AS interview_on
             FROM evaluation_application WHERE id = $1 FOR UPDATE`,
          [id],
        )
      : [];
    return row ?? null;
  }

  /** The application locked FOR UPDATE (of its row) for the issue of a certificate; null when there is none. */
  async lockApplicationToCertify(m: EntityManager, id: string): Promise<ApplicationToCertify | null> {
    const [row]: ApplicationToCertify[] = isUuid(id)
      ? await m.query(
          `SELECT a.id, a.body_code, a.status, a.report, a.scheme, a.person_id, a.enterprise_id, a.region_path, a.previous_certificate_id,
                    p.name AS person_name, e.name AS enterprise_name
               FROM evaluation_application a JOIN cqo_person p ON p.id = a.person_id JOIN enterprise e ON e.id = a.enterprise_id
              WHERE a.id = $1 FOR UPDATE OF a`,
          [id],
        )
      : [];
    return row ?? null;
  }

  /** The id of the person's application still in progress (submitted, returned, accepted or scoring), if any. */
  async openApplicationOf(m: EntityManager, personId: string): Promise<string | null> {
    const [open]: { id: string }[] = await m.query(
      `SELECT id FROM evaluation_application WHERE person_id = $1 AND status IN ('submitted','returned','accepted','scoring')`,
      [personId],
    );
    return open?.id ?? null;
  }

  /** Files an application (status `submitted`, updated when submitted); returns its id. */
  async createApplication(m: EntityManager, a: NewApplication): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO evaluation_application (body_code, enterprise_id, region_path, person_id, appointment_id, scheme, applied_grade, experience_years,
         has_certificate, self_assessment, statement, recommendation, status, previous_certificate_id, continuing_education, submitted_at, created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'submitted', $13, $14, $15, $16, $15) RETURNING id`,
      [
        a.bodyCode,
        a.enterpriseId,
        a.regionPath,
        a.personId,
        a.appointmentId,
        a.scheme,
        a.appliedGrade,
        a.experienceYears,
        a.hasCertificate,
        JSON.stringify(a.selfAssessment),
        a.statement,
        a.recommendation,
        a.previousCertificateId,
        a.continuingEducation ? JSON.stringify(a.continuingEducation) : null,
        a.at,
        a.createdBy,
      ],
    );
    return row.id;
  }

  /** Files a returned application again: the new fields, status `submitted`, a new version. */
  async resubmitApplication(m: EntityManager, id: string, a: ResubmittedApplication): Promise<void> {
    await m.query(
      `UPDATE evaluation_application SET scheme = $2, applied_grade = $3, experience_years = $4, has_certificate = $5, self_assessment = $6,
              statement = $7, recommendation = $8, status = 'submitted', submitted_at = $9, updated_at = $9, version = version + 1 WHERE id = $1`,
      [id, a.scheme, a.appliedGrade, a.experienceYears, a.hasCertificate, JSON.stringify(a.selfAssessment), a.statement, a.recommendation, a.at],
    );
  }

  /** Marks an application as changed at `at` (evidence or a sheet came in); status and version stay. */
  async touchApplication(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE evaluation_application SET updated_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Moves an application to `status`, a new version. */
  async setApplicationStatus(m: EntityManager, id: string, status: EvaluationStatus, at: Date): Promise<void> {
    await m.query(`UPDATE evaluation_application SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1`, [id, status, at]);
  }

  /** Returns an application for completion with the body's reasons, a new version. */
  async returnApplication(m: EntityManager, id: string, reasons: string, at: Date): Promise<void> {
    await m.query(`UPDATE evaluation_application SET status = 'returned', return_reasons = $2, updated_at = $3, version = version + 1 WHERE id = $1`, [id, reasons, at]);
  }

  /** Records the interview or the site visit (its date and notes); status and version stay. */
  async recordVisit(m: EntityManager, id: string, kind: 'interview' | 'site_visit', date: string, notes: string, at: Date): Promise<void> {
    await m.query(`UPDATE evaluation_application SET ${kind}_on = $2, ${kind}_notes = $3, updated_at = $4 WHERE id = $1`, [id, date, notes, at]);
  }

  /** The leader's report: status `reported`, the result, scores and conclusion, a new version. */
  async reportApplication(m: EntityManager, id: string, r: ApplicationReport): Promise<void> {
    await m.query(
      `UPDATE evaluation_application SET status = 'reported', report = $2, report_scores = $3, report_conclusion = $4, reported_at = $5, reported_by = $6,
              updated_at = $5, version = version + 1 WHERE id = $1`,
      [id, JSON.stringify(r.result), JSON.stringify(r.scores), r.conclusion, r.at, r.by],
    );
  }

  // -------------------------------------------------------------------------------------------
  // evaluation_event
  // -------------------------------------------------------------------------------------------

  /** An application's history, oldest first, with the actors' names. */
  eventsOf(applicationId: string): Promise<EvaluationEventRow[]> {
    return this.dataSource.query(
      `SELECT ev.at, u.display_name, ev.actor_role, ev.action, ev.from_status, ev.to_status, ev.note
           FROM evaluation_event ev LEFT JOIN app_user u ON u.id = ev.actor_id WHERE ev.application_id = $1 ORDER BY ev.id`,
      [applicationId],
    );
  }

  /** Appends a row to an application's history. */
  async addEvent(m: EntityManager, e: NewEvaluationEvent): Promise<void> {
    await m.query(
      `INSERT INTO evaluation_event (application_id, at, actor_id, actor_role, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.applicationId, e.at, e.actorId, e.actorRole, e.action, e.from, e.to, e.note],
    );
  }

  // -------------------------------------------------------------------------------------------
  // evaluation_evidence
  // -------------------------------------------------------------------------------------------

  /** An application's evidence files, in the order they came in. */
  evidenceOf(applicationId: string): Promise<EvidenceRow[]> {
    return this.dataSource.query(
      `SELECT id, file_name, content_type, size, uploaded_at FROM evaluation_evidence WHERE application_id = $1 ORDER BY uploaded_at, id`,
      [applicationId],
    );
  }

  /** One evidence file of an application, for download; null when the application has no such file (or the id is malformed). */
  async evidenceFile(applicationId: string, fileId: string): Promise<EvidenceFileRow | null> {
    const [f]: EvidenceFileRow[] = isUuid(fileId)
      ? await this.dataSource.query(`SELECT file_name, content_type, content, storage_key FROM evaluation_evidence WHERE id = $1 AND application_id = $2`, [fileId, applicationId])
      : [];
    return f ?? null;
  }

  /** How many evidence files an application has. */
  async countEvidence(m: EntityManager, applicationId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM evaluation_evidence WHERE application_id = $1`, [applicationId]);
    return n;
  }

  /** Names an evidence file (its bytes in the file store) on an application. */
  async addEvidence(m: EntityManager, e: NewEvidence): Promise<void> {
    await m.query(
      `INSERT INTO evaluation_evidence (id, application_id, file_name, content_type, size, sha256, storage_key, uploaded_at, uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [e.id, e.applicationId, e.fileName, e.contentType, e.size, e.sha256, e.storageKey, e.at, e.by],
    );
  }

  // -------------------------------------------------------------------------------------------
  // evaluation_panel_member, evaluation_sheet
  // -------------------------------------------------------------------------------------------

  /** An application's panel, the leader first, with when each member's sheet came in. */
  panelOf(applicationId: string): Promise<PanelSeatRow[]> {
    return this.dataSource.query(
      `SELECT pm.user_id, u.display_name, pm.is_leader, s.submitted_at
           FROM evaluation_panel_member pm JOIN app_user u ON u.id = pm.user_id
           LEFT JOIN evaluation_sheet s ON s.application_id = pm.application_id AND s.user_id = pm.user_id
          WHERE pm.application_id = $1 ORDER BY pm.is_leader DESC, u.display_name`,
      [applicationId],
    );
  }

  /** The user's seat on an application's panel (whether they lead it); null when they have none. */
  async panelSeat(m: EntityManager, applicationId: string, userId: string): Promise<{ is_leader: boolean } | null> {
    const [pm]: { is_leader: boolean }[] = await m.query(`SELECT is_leader FROM evaluation_panel_member WHERE application_id = $1 AND user_id = $2`, [applicationId, userId]);
    return pm ?? null;
  }

  /** Empties an application's panel (before it is appointed again). */
  async clearPanel(m: EntityManager, applicationId: string): Promise<void> {
    await m.query(`DELETE FROM evaluation_panel_member WHERE application_id = $1`, [applicationId]);
  }

  /** Seats a user on an application's panel, as its leader or a member. */
  async addPanelMember(m: EntityManager, applicationId: string, userId: string, leader: boolean): Promise<void> {
    await m.query(`INSERT INTO evaluation_panel_member (application_id, user_id, is_leader) VALUES ($1, $2, $3)`, [applicationId, userId, leader]);
  }

  /** How many panel members of an application have not filed their sheet. */
  async countPendingSheets(m: EntityManager, applicationId: string): Promise<number> {
    const [{ pending }]: { pending: number }[] = await m.query(
      `SELECT count(*)::int AS pending FROM evaluation_panel_member pm
          WHERE pm.application_id = $1 AND NOT EXISTS (SELECT 1 FROM evaluation_sheet s WHERE s.application_id = pm.application_id AND s.user_id = pm.user_id)`,
      [applicationId],
    );
    return pending;
  }

  /** An application's sheets, the leader's first, with the members' names. */
  sheetsOf(applicationId: string): Promise<SheetRow[]> {
    return this.dataSource.query(
      `SELECT s.user_id, u.display_name, pm.is_leader, s.scores, s.comment, s.result, s.submitted_at
         FROM evaluation_sheet s JOIN app_user u ON u.id = s.user_id
         JOIN evaluation_panel_member pm ON pm.application_id = s.application_id AND pm.user_id = s.user_id
        WHERE s.application_id = $1 ORDER BY pm.is_leader DESC, u.display_name`,
      [applicationId],
    );
  }

  /** How many sheets have come in for an application. */
  async countSheets(m: EntityManager, applicationId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM evaluation_sheet WHERE application_id = $1`, [applicationId]);
    return n;
  }

  /** Files a member's sheet, replacing the one they filed before. */
  async saveSheet(m: EntityManager, s: NewSheet): Promise<void> {
    await m.query(
      `INSERT INTO evaluation_sheet (application_id, user_id, scores, comment, result, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (application_id, user_id) DO UPDATE SET scores = EXCLUDED.scores, comment = EXCLUDED.comment, result = EXCLUDED.result, submitted_at = EXCLUDED.submitted_at`,
      [s.applicationId, s.userId, JSON.stringify(s.scores), s.comment, JSON.stringify(s.result), s.at],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Other features' tables, read for an application
  // -------------------------------------------------------------------------------------------

  /** Locks the `cqo_person` row: applications of one person are filed one at a time. */
  async lockPerson(m: EntityManager, personId: string): Promise<void> {
    await m.query(`SELECT id FROM cqo_person WHERE id = $1 FOR UPDATE`, [personId]);
  }

  /**
   * The applicant's records as of `today`: the appointment filed on (none without one), the
   * appointment history's experience and 任职培训, the ledger's 任职培训 and the violations in force.
   */
  async applicantRecords(m: EntityManager, appointmentId: string | null, personId: string, today: string): Promise<ApplicantRecords> {
    const [current]: NonNullable<ApplicantRecords['current']>[] = appointmentId
      ? await m.query(`SELECT education, qualification_type, qualification_level FROM appointment WHERE id = $1`, [appointmentId])
      : [];
    const [filed]: NonNullable<ApplicantRecords['filed']>[] = await m.query(
      `SELECT max(years_in_quality + extract(year FROM age($2::date, appointed_on))::int)::int AS years,
              bool_or(coalesce(btrim(initial_training_cert_no), '') <> '') AS cert,
              coalesce(max(initial_training_hours), 0)::float8 AS hours
         FROM appointment WHERE person_id = $1 AND appointed_on <= $2::date`,
      [personId, today],
    );
    const [ledger]: NonNullable<ApplicantRecords['ledger']>[] = await m.query(
      `SELECT bool_or(coalesce(btrim(certificate_no), '') <> '') AS cert, coalesce(sum(hours), 0)::float8 AS hours
         FROM training_live WHERE person_id = $1 AND category = '任职培训'`,
      [personId],
    );
    const violations: ApplicantRecords['violations'] = await m.query(
      `SELECT type, occurred_on::text AS occurred_on FROM violation WHERE person_id = $1 ORDER BY occurred_on`,
      [personId],
    );
    return { current: current ?? null, filed: filed ?? null, ledger: ledger ?? null, violations };
  }

  /** Which of `ids` are active evaluators of the body (`app_user` of role evaluator in its region). */
  async activeEvaluatorIds(ids: string[], bodyCode: string | null): Promise<string[]> {
    const found: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM app_user WHERE id = ANY($1::uuid[]) AND role = 'evaluator' AND is_active AND region_code = $2`,
      [ids, bodyCode],
    );
    return found.map((f) => f.id);
  }

  /** The body's active evaluators, by name. */
  evaluatorsOf(bodyCode: string | null): Promise<EvaluatorRow[]> {
    return this.dataSource.query(
      `SELECT id, username, display_name FROM app_user WHERE role = 'evaluator' AND is_active AND region_code = $1 ORDER BY display_name, username`,
      [bodyCode],
    );
  }

  // -------------------------------------------------------------------------------------------
  // evaluation_talent
  // -------------------------------------------------------------------------------------------

  /** A page of the current 人才库 members whose certificate is in scope (alias `c`), of `grade` when given, latest added first. */
  listTalent<T>(scope: ParamsSql, grade: CqoGrade | undefined, paging: PageQueryFields, map: (r: TalentRow) => T): Promise<Page<T>> {
    const { where, params } = listWhere(scope, { 'c.grade': grade });
    where.push('t.removed_at IS NULL');
    const count = 'FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id';
    return queryWherePage(this.dataSource, { count, select: TALENT_SELECT, orderBy: 't.added_at DESC' }, where, params, paging, map);
  }

  /** One membership, as the list shows it. */
  async talentById(id: string): Promise<TalentRow> {
    const [row]: TalentRow[] = await this.dataSource.query(`${TALENT_SELECT} WHERE t.id = $1`, [id]);
    return row;
  }

  /** The id of the person's current membership, if any. */
  async currentTalentOf(m: EntityManager, personId: string): Promise<string | null> {
    const [dup]: { id: string }[] = await m.query(`SELECT id FROM evaluation_talent WHERE person_id = $1 AND removed_at IS NULL`, [personId]);
    return dup?.id ?? null;
  }

  /** A current membership whose certificate is in scope (alias `c`), locked FOR UPDATE (of its row); null otherwise. */
  async lockCurrentTalentInScope(m: EntityManager, id: string, scope: ParamsSql): Promise<{ id: string; person_id: string } | null> {
    const params: unknown[] = [id];
    const [t]: { id: string; person_id: string }[] = isUuid(id)
      ? await m.query(
          `SELECT t.id, t.person_id FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id
              WHERE t.id = $1 AND t.removed_at IS NULL AND ${scope(params)} FOR UPDATE OF t`,
          params,
        )
      : [];
    return t ?? null;
  }

  /** How many current members hold a valid certificate in the region subtree at `path`. */
  async countValidTalentIn(path: string): Promise<number> {
    const params: unknown[] = [];
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM evaluation_talent t JOIN evaluation_certificate c ON c.id = t.certificate_id
        WHERE t.removed_at IS NULL AND c.status = 'valid' AND ${inRegion('c', path, params)}`,
      params,
    );
    return n;
  }

  /** Adds a holder to the 人才库 on a certificate; returns the membership's id. */
  async addTalent(m: EntityManager, t: NewTalent): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO evaluation_talent (person_id, certificate_id, note, added_at, added_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [t.personId, t.certificateId, t.note, t.at, t.by],
    );
    return row.id;
  }

  /** Takes one membership out of the 人才库 (the row stays, with who removed it, when and why). */
  async removeTalent(m: EntityManager, id: string, r: TalentRemoval): Promise<void> {
    await m.query(`UPDATE evaluation_talent SET removed_at = $2, removed_by = $3, removal_reason = $4 WHERE id = $1`, [id, r.at, r.by, r.reason]);
  }

  /** A current member keeps the place on the certificate that replaced theirs. */
  async moveTalent(m: EntityManager, fromCertificateId: string, toCertificateId: string): Promise<void> {
    await m.query(`UPDATE evaluation_talent SET certificate_id = $2 WHERE certificate_id = $1 AND removed_at IS NULL`, [fromCertificateId, toCertificateId]);
  }

  /** Takes the current member on a certificate (if any) out of the 人才库. */
  async removeTalentOfCertificate(m: EntityManager, certificateId: string, r: TalentRemoval): Promise<void> {
    await m.query(
      `UPDATE evaluation_talent SET removed_at = $2, removed_by = $3, removal_reason = $4 WHERE certificate_id = $1 AND removed_at IS NULL`,
      [certificateId, r.at, r.by, r.reason],
    );
  }
}
