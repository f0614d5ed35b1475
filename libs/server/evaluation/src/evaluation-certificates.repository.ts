import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  isUuid,
  type AccidentLevel,
  type CertificateDetail,
  type CertificateQuery,
  type CertificateStatus,
  type CqoGrade,
  type EvaluationScheme,
  type Page,
  type ViolationType,
  type YearlyReviewView,
} from '@cqo/contracts';
import { listWhere, queryWherePage, type PageQueryFields, type ParamsSql } from '@cqo/server-common';
import { rowInScope } from './evaluation-records.repository';
import { PoolRepository } from '@cqo/server-database';

/** A certificate as the list, the detail and the public verification read it: with its region, city and 人才库 place. */
export interface CertificateRow {
  id: string;
  number: string;
  body_code: string;
  application_id: string;
  person_id: string;
  enterprise_id: string;
  region_path: string;
  region_code: string;
  region_name: string;
  city_code: string;
  city_name: string;
  holder_name: string;
  organisation_name: string;
  scheme: EvaluationScheme;
  score: number;
  grade: CqoGrade;
  dimensions: Record<string, number>;
  issuing_body: string;
  issued_on: string;
  valid_until: string;
  status: CertificateStatus;
  status_changed_on: string;
  status_reason: string | null;
  review_flag: boolean;
  review_reason: string | null;
  in_talent_pool: boolean;
  revocation_pending_violation_id: string | null;
  revocation_pending_reason: string | null;
}

/** The list's filters: status, grade, review flag, and a fragment of the number or the holder's name. */
export type CertificateFilters = Pick<CertificateQuery, 'status' | 'grade' | 'reviewFlag' | 'q'>;

/** A certificate locked FOR UPDATE for a change by its body. */
export interface LockedCertificate {
  id: string;
  body_code: string;
  enterprise_id: string;
  region_path: string;
  status: CertificateStatus;
  issued_on: string;
  review_flag: boolean;
  review_reason: string | null;
  revocation_pending_violation_id: string | null;
  revocation_pending_reason: string | null;
}

/** A certificate locked FOR UPDATE for what a violation (or its void) does to it. */
export interface CertificateUnderViolation {
  id: string;
  status: CertificateStatus;
  revocation_pending_violation_id: string | null;
}

/** The facts of a violation in force (a voided one has left the table). */
export interface ViolationFacts {
  id: string;
  person_id: string | null;
  type: ViolationType;
  accident_level: AccidentLevel | null;
  occurred_on: string;
  source_document: string;
}

/** A new certificate (status `valid` from its issue date): what its detail shows, and its body's sequence, region and issuer. */
export type NewCertificate = Pick<
  CertificateDetail,
  | 'number'
  | 'applicationId'
  | 'personId'
  | 'enterpriseId'
  | 'holderName'
  | 'organisationName'
  | 'scheme'
  | 'score'
  | 'grade'
  | 'dimensions'
  | 'issuingBody'
  | 'issuedOn'
  | 'validUntil'
> & { bodyCode: string; year: number; seq: number; regionPath: string; issuedBy: string; at: Date };

/** A row of a certificate's history (`evaluation_certificate_event`). */
export interface NewCertificateEvent {
  certificateId: string;
  at: Date;
  from: CertificateStatus | null;
  to: CertificateStatus;
  reason: string;
  actorId: string | null;
  violationId: string | null;
}

/** A row of a certificate's history as the detail shows it, with the actor's name. */
export interface CertificateEventRow {
  at: Date;
  from_status: CertificateStatus | null;
  to_status: CertificateStatus;
  reason: string;
  display_name: string | null;
  violation_id: string | null;
}

/** What a certificate's latest status change was, and the violation it was for. */
export interface LastCertificateEvent {
  from_status: CertificateStatus | null;
  to_status: CertificateStatus;
  violation_id: string | null;
}

/** What a status change answers of the certificate, for the notice to its enterprise. */
export interface ChangedCertificate {
  enterprise_id: string;
  number: string;
  holder_name: string;
  valid_until: string;
}

/** A yearly review (履职评价) of a certificate's holder, with the reviewer's name. */
export interface YearlyReviewRow {
  id: string;
  year: number;
  rating: YearlyReviewView['rating'];
  summary: string;
  display_name: string | null;
  reviewed_at: Date;
}

/** A new yearly review. */
export interface NewYearlyReview {
  certificateId: string;
  year: number;
  rating: YearlyReviewView['rating'];
  summary: string;
  by: string;
  at: Date;
}

/** A person's valid certificate, as a re-evaluation names it. */
export interface CurrentCertificate {
  id: string;
  number: string;
  issued_on: string;
  valid_until: string;
}

/** A revoked certificate nothing has replaced, for the one-year wait before a new application. */
export interface RevokedCertificate {
  number: string;
  scheme: EvaluationScheme;
  status: CertificateStatus;
  status_changed_on: string;
}

/** A valid certificate whose continuing education is due for a year's review. */
export interface CertificateDueForReview {
  id: string;
  person_id: string;
  scheme: EvaluationScheme;
  issued_on: string;
  valid_until: string;
}

/** Valid certificates of one grade (null: none) in one child region. */
export interface GradeCountRow {
  code: string;
  name: string;
  grade: string | null;
  n: number;
}

const SELECT = `SELECT c.id, c.number, c.body_code, c.application_id, c.person_id, c.enterprise_id, c.region_path, e.region_code, r.name AS region_name,
       coalesce(city.code, e.region_code) AS city_code, coalesce(city.name, r.name) AS city_name, c.holder_name, c.organisation_name, c.scheme,
       c.score::float8 AS score, c.grade, c.dimensions, c.issuing_body, c.issued_on::text AS issued_on, c.valid_until::text AS valid_until,
       c.status, c.status_changed_on::text AS status_changed_on, c.status_reason, c.review_flag, c.review_reason,
       c.revocation_pending_violation_id, c.revocation_pending_reason,
       EXISTS (SELECT 1 FROM evaluation_talent t WHERE t.certificate_id = c.id AND t.removed_at IS NULL) AS in_talent_pool
  FROM evaluation_certificate c JOIN enterprise e ON e.id = c.enterprise_id JOIN region r ON r.code = e.region_code
  LEFT JOIN region city ON city.code = split_part(c.region_path, '/', 3)`;

/** The facts of a violation in force (a voided one has left the table). */
const VIOLATION_FACTS = `SELECT id, person_id, type, accident_level, occurred_on::text AS occurred_on, source_document FROM violation`;

/**
 * The only reader and writer of `evaluation_certificate`, `evaluation_certificate_event`,
 * `evaluation_cert_counter` and `evaluation_yearly_review` (issue 19 item 2): the certificates,
 * applications and talent-pool services reach them through it; it also reads what a certificate
 * needs of other features' tables (the violations in force and the
 * holder's phone). A method used inside a transaction takes its manager first; reads outside a
 * transaction use the pool. A scope comes from the caller as a `ParamsSql`.
 */
@Injectable()
export class EvaluationCertificatesRepository extends PoolRepository {
  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  /** A page of the certificates in scope matching the filters, latest issued first. */
  listCertificates<T>(scope: ParamsSql, f: CertificateFilters, paging: PageQueryFields, map: (r: CertificateRow) => T): Promise<Page<T>> {
    const { where, params } = listWhere(scope, { 'c.status': f.status, 'c.grade': f.grade });
    if (f.reviewFlag !== undefined) where.push(`c.review_flag = $${params.push(f.reviewFlag)}`);
    if (f.q?.trim()) {
      const like = `%${f.q.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      where.push(`(c.number ILIKE $${params.push(like)} OR c.holder_name ILIKE $${params.length})`);
    }
    return queryWherePage(this.dataSource, { count: 'FROM evaluation_certificate c', select: SELECT, orderBy: 'c.issued_on DESC, c.number DESC' }, where, params, paging, map);
  }

  /** The certificate, if it is in scope; null otherwise (or for a malformed id). */
  certificateInScope(id: string, scope: ParamsSql): Promise<CertificateRow | null> {
    return rowInScope(this.dataSource, SELECT, 'c.id', id, scope);
  }

  /** The certificate with this (normalised) number, or null. */
  async byNumber(number: string): Promise<CertificateRow | null> {
    const [row]: CertificateRow[] = await this.dataSource.query(`${SELECT} WHERE c.number = $1`, [number]);
    return row ?? null;
  }

  /** A certificate's history, oldest first, with the actors' names. */
  eventsOf(id: string): Promise<CertificateEventRow[]> {
    return this.dataSource.query(
      `SELECT ev.at, ev.from_status, ev.to_status, ev.reason, u.display_name, ev.violation_id
           FROM evaluation_certificate_event ev LEFT JOIN app_user u ON u.id = ev.actor_id WHERE ev.certificate_id = $1 ORDER BY ev.id`,
      [id],
    );
  }

  /** A certificate's yearly reviews, by year, with the reviewers' names. */
  reviewsOf(id: string): Promise<YearlyReviewRow[]> {
    return this.dataSource.query(
      `SELECT r.id, r.year, r.rating, r.summary, u.display_name, r.reviewed_at FROM evaluation_yearly_review r LEFT JOIN app_user u ON u.id = r.reviewed_by
        WHERE r.certificate_id = $1 ORDER BY r.year`,
      [id],
    );
  }

  /** The holder's phone (`cqo_person`), or null. */
  async holderPhone(personId: string): Promise<string | null> {
    const person: { phone: string | null }[] = await this.dataSource.query(`SELECT phone FROM cqo_person WHERE id = $1`, [personId]);
    return person[0]?.phone ?? null;
  }

  /** Valid certificates by grade in each child region of `parentCode`; `depth` is the `split_part` index of the child's code in a region path. */
  validGradesByChildRegion(parentCode: string, depth: number): Promise<GradeCountRow[]> {
    return this.dataSource.query(
      `SELECT ch.code, ch.name, c.grade, count(c.id)::int AS n
         FROM region ch
         LEFT JOIN evaluation_certificate c ON c.status = 'valid' AND split_part(c.region_path, '/', ${depth}) = ch.code
        WHERE ch.parent_code = $1
        GROUP BY ch.code, ch.name, c.grade ORDER BY ch.code`,
      [parentCode],
    );
  }

  /** Valid certificates whose continuing education has not been reviewed for `year` yet. */
  dueForReview(year: number): Promise<CertificateDueForReview[]> {
    return this.dataSource.query(
      `SELECT id, person_id, scheme, issued_on::text AS issued_on, valid_until::text AS valid_until FROM evaluation_certificate
        WHERE status = 'valid' AND (review_year IS NULL OR review_year < $1) ORDER BY id`,
      [year],
    );
  }

  /** The person's valid certificate of `scheme` (the latest issued), or null. */
  async currentValidOf(m: EntityManager, personId: string, scheme: EvaluationScheme): Promise<CurrentCertificate | null> {
    const [row]: CurrentCertificate[] = await m.query(
      `SELECT id, number, issued_on::text AS issued_on, valid_until::text AS valid_until FROM evaluation_certificate
        WHERE person_id = $1 AND status = 'valid' AND scheme = $2 ORDER BY issued_on DESC LIMIT 1`,
      [personId, scheme],
    );
    return row ?? null;
  }

  /** The person's revoked certificates that nothing replaced, latest revoked first. */
  revokedOf(m: EntityManager, personId: string): Promise<RevokedCertificate[]> {
    return m.query(
      `SELECT number, scheme, status, status_changed_on::text AS status_changed_on FROM evaluation_certificate
        WHERE person_id = $1 AND status = 'revoked' AND replaced_by IS NULL ORDER BY status_changed_on DESC`,
      [personId],
    );
  }

  /** The id of the certificate's yearly review of `year`, if there is one. */
  async reviewOfYear(m: EntityManager, id: string, year: number): Promise<string | null> {
    const [dup]: { id: string }[] = await m.query(`SELECT id FROM evaluation_yearly_review WHERE certificate_id = $1 AND year = $2`, [id, year]);
    return dup?.id ?? null;
  }

  /** The certificate's latest status change, or null. */
  async lastEvent(m: EntityManager, id: string): Promise<LastCertificateEvent | null> {
    const [last]: LastCertificateEvent[] = await m.query(
      `SELECT from_status, to_status, violation_id FROM evaluation_certificate_event WHERE certificate_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    return last ?? null;
  }

  /** Whether the violation has already changed the certificate (its event is there). */
  async hasViolationEvent(m: EntityManager, id: string, violationId: string): Promise<boolean> {
    const [seen]: unknown[] = await m.query(`SELECT 1 FROM evaluation_certificate_event WHERE certificate_id = $1 AND violation_id = $2`, [id, violationId]);
    return !!seen;
  }

  /** A violation in force (`violation`), or null (never recorded, or voided). */
  async violationInForce(m: EntityManager, violationId: string): Promise<ViolationFacts | null> {
    const [v]: ViolationFacts[] = await m.query(`${VIOLATION_FACTS} WHERE id = $1`, [violationId]);
    return v ?? null;
  }

  /** The person's other violations in force, in the order they were recorded. */
  otherViolationsOf(m: EntityManager, personId: string, violationId: string): Promise<ViolationFacts[]> {
    return m.query(`${VIOLATION_FACTS} WHERE person_id = $1 AND id <> $2 ORDER BY recorded_at, id`, [personId, violationId]);
  }

  // -------------------------------------------------------------------------------------------
  // Locks
  // -------------------------------------------------------------------------------------------

  /** The certificate locked FOR UPDATE for a change by its body; null when there is none (or the id is malformed). */
  async lockCertificate(m: EntityManager, id: string): Promise<LockedCertificate | null> {
    const [c]: LockedCertificate[] = isUuid(id)
      ? await m.query(
          `SELECT id, body_code, enterprise_id, region_path, status, issued_on::text AS issued_on, review_flag, review_reason, revocation_pending_violation_id, revocation_pending_reason
             FROM evaluation_certificate WHERE id = $1 FOR UPDATE`,
          [id],
        )
      : [];
    return c ?? null;
  }

  /** The certificate's status, locked FOR UPDATE; null when there is none. */
  async lockStatus(m: EntityManager, id: string): Promise<{ id: string; status: CertificateStatus } | null> {
    const [prev]: { id: string; status: CertificateStatus }[] = await m.query(`SELECT id, status FROM evaluation_certificate WHERE id = $1 FOR UPDATE`, [id]);
    return prev ?? null;
  }

  /** The certificate, if it is in scope (alias `c`), locked FOR UPDATE; null otherwise. */
  async lockCertificateInScope(m: EntityManager, id: string, scope: ParamsSql): Promise<{ id: string; person_id: string; status: CertificateStatus } | null> {
    const params: unknown[] = [id];
    const [c]: { id: string; person_id: string; status: CertificateStatus }[] = await m.query(
      `SELECT c.id, c.person_id, c.status FROM evaluation_certificate c WHERE c.id = $1 AND ${scope(params)} FOR UPDATE`,
      params,
    );
    return c ?? null;
  }

  /** The person's valid, suspended and terminated certificates (those a violation can still change), locked FOR UPDATE. */
  lockActingCertificatesOf(m: EntityManager, personId: string): Promise<CertificateUnderViolation[]> {
    return m.query(
      `SELECT c.id, c.status, c.revocation_pending_violation_id FROM evaluation_certificate c WHERE c.person_id = $1 AND c.status IN ('valid','suspended','terminated')
          ORDER BY c.id FOR UPDATE`,
      [personId],
    );
  }

  /** All the person's certificates, locked FOR UPDATE. */
  lockCertificatesOf(m: EntityManager, personId: string): Promise<CertificateUnderViolation[]> {
    return m.query(`SELECT c.id, c.status, c.revocation_pending_violation_id FROM evaluation_certificate c WHERE c.person_id = $1 ORDER BY c.id FOR UPDATE`, [personId]);
  }

  /** The valid and suspended certificates past their validity on `today`, locked FOR UPDATE. */
  lockExpiring(m: EntityManager, today: string): Promise<{ id: string; status: CertificateStatus; valid_until: string }[]> {
    return m.query(
      `SELECT id, status, valid_until::text AS valid_until FROM evaluation_certificate WHERE status IN ('valid','suspended') AND valid_until < $1::date ORDER BY id FOR UPDATE`,
      [today],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Writes
  // -------------------------------------------------------------------------------------------

  /** The body's next certificate sequence number of the year (the counter kept in `evaluation_cert_counter`). */
  async nextSeq(m: EntityManager, bodyCode: string, year: number): Promise<number> {
    const [{ last_seq }]: { last_seq: number }[] = await m.query(
      `INSERT INTO evaluation_cert_counter (body_code, year, last_seq) VALUES ($1, $2, 1)
         ON CONFLICT (body_code, year) DO UPDATE SET last_seq = evaluation_cert_counter.last_seq + 1 RETURNING last_seq`,
      [bodyCode, year],
    );
    return last_seq;
  }

  /** Issues a certificate (status `valid` since its issue date); returns its id. */
  async createCertificate(m: EntityManager, c: NewCertificate): Promise<string> {
    const [cert]: { id: string }[] = await m.query(
      `INSERT INTO evaluation_certificate (number, body_code, year, seq, application_id, person_id, enterprise_id, region_path, holder_name, organisation_name,
           scheme, score, grade, dimensions, issuing_body, issued_on, valid_until, status, status_changed_on, issued_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'valid', $16, $18, $19) RETURNING id`,
      [
        c.number,
        c.bodyCode,
        c.year,
        c.seq,
        c.applicationId,
        c.personId,
        c.enterpriseId,
        c.regionPath,
        c.holderName,
        c.organisationName,
        c.scheme,
        c.score,
        c.grade,
        JSON.stringify(c.dimensions),
        c.issuingBody,
        c.issuedOn,
        c.validUntil,
        c.issuedBy,
        c.at,
      ],
    );
    return cert.id;
  }

  /** Ends a certificate that a re-evaluation replaced: terminated on `on`, naming the new one. */
  async terminateReplaced(m: EntityManager, id: string, on: string, reason: string, replacedBy: string): Promise<void> {
    await m.query(
      `UPDATE evaluation_certificate SET status = 'terminated', status_changed_on = $2, status_reason = $3, replaced_by = $4, version = version + 1 WHERE id = $1`,
      [id, on, reason, replacedBy],
    );
  }

  /**
   * Moves a certificate to `status` on `on`, a new version; a pending revocation survives a move to
   * suspended or terminated only. Answers what the notice to its enterprise needs.
   */
  async setStatus(m: EntityManager, id: string, status: CertificateStatus, on: string, reason: string): Promise<ChangedCertificate> {
    const [[cert]]: [ChangedCertificate[], number] = await m.query(
      `UPDATE evaluation_certificate SET status = $2::varchar, status_changed_on = $3, status_reason = $4,
              revocation_pending_violation_id = CASE WHEN $2::varchar IN ('suspended','terminated') THEN revocation_pending_violation_id END,
              revocation_pending_reason = CASE WHEN $2::varchar IN ('suspended','terminated') THEN revocation_pending_reason END,
              version = version + 1 WHERE id = $1
       RETURNING enterprise_id, number, holder_name, valid_until::text AS valid_until`,
      [id, status, on, reason],
    );
    return cert;
  }

  /** Appends a row to a certificate's history; returns its id. */
  async addEvent(m: EntityManager, e: NewCertificateEvent): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO evaluation_certificate_event (certificate_id, at, from_status, to_status, reason, actor_id, violation_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
      [e.certificateId, e.at, e.from, e.to, e.reason, e.actorId, e.violationId],
    );
    return row.id;
  }

  /** Leaves a revocation pending an officer's confirmation, for the violation that calls for it. */
  async setPendingRevocation(m: EntityManager, id: string, violationId: string, reason: string): Promise<void> {
    await m.query(`UPDATE evaluation_certificate SET revocation_pending_violation_id = $2, revocation_pending_reason = $3, version = version + 1 WHERE id = $1`, [id, violationId, reason]);
  }

  /** Drops the certificate's pending revocation. */
  async clearPendingRevocation(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE evaluation_certificate SET revocation_pending_violation_id = NULL, revocation_pending_reason = NULL, version = version + 1 WHERE id = $1`, [id]);
  }

  /** Clears the continuing-education review flag. */
  async clearReviewFlag(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE evaluation_certificate SET review_flag = false, version = version + 1 WHERE id = $1`, [id]);
  }

  /** Flags a valid certificate for review of `year` (once a year); false when it was not flagged (no longer valid, or already reviewed). */
  async flagForReview(m: EntityManager, id: string, reason: string, year: number): Promise<boolean> {
    const r = await m.query(
      `UPDATE evaluation_certificate SET review_flag = true, review_reason = $2, review_year = $3, version = version + 1
              WHERE id = $1 AND status = 'valid' AND (review_year IS NULL OR review_year < $3)`,
      [id, reason, year],
    );
    return rowCount(r) === 1;
  }

  /** Records that the certificate's continuing education of `year` was reviewed (and found no shortfall). */
  async markReviewed(m: EntityManager, id: string, year: number): Promise<void> {
    await m.query(`UPDATE evaluation_certificate SET review_year = $2 WHERE id = $1 AND (review_year IS NULL OR review_year < $2)`, [id, year]);
  }

  /** Records a yearly review of the holder; returns its id. */
  async addYearlyReview(m: EntityManager, r: NewYearlyReview): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO evaluation_yearly_review (certificate_id, year, rating, summary, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [r.certificateId, r.year, r.rating, r.summary, r.by, r.at],
    );
    return row.id;
  }
}

/** TypeORM's raw UPDATE result is [rows, count] for postgres. */
function rowCount(r: unknown): number {
  return Array.isArray(r) && typeof r[1] === 'number' ? r[1] : 0;
}
