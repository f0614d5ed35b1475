import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContinuingEducationYear, EvaluationApplicationRequest, EvaluationStatus, GradeResultView, ScoreMap } from '@cqo/contracts';

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

/**
 * The only writer of `evaluation_application`, `evaluation_event` and `evaluation_talent` (issue 19
 * item 2): the applications, certificates and talent-pool services write them through it. Every
 * method takes the caller's transaction manager first; the time comes from the caller's clock.
 */
@Injectable()
export class EvaluationRecordsRepository {
  // -------------------------------------------------------------------------------------------
  // evaluation_application
  // -------------------------------------------------------------------------------------------

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

  /** Appends a row to an application's history. */
  async addEvent(m: EntityManager, e: NewEvaluationEvent): Promise<void> {
    await m.query(
      `INSERT INTO evaluation_event (application_id, at, actor_id, actor_role, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.applicationId, e.at, e.actorId, e.actorRole, e.action, e.from, e.to, e.note],
    );
  }

  // -------------------------------------------------------------------------------------------
  // evaluation_talent
  // -------------------------------------------------------------------------------------------

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
