import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { AccidentLevel, Verdict, ViolationStatus, ViolationType } from '@cqo/contracts';
import { inRegionSql, regionSubtreePattern, regionsInSubtreeSql } from '@cqo/server-auth';
import { ACTIVE_ON } from './appointment-sql';
import { IN_REGION_ON, MOVED_SINCE } from './register-sql';
import { PoolRepository } from '@cqo/server-database';

/** A `verdict_on` row as read back (`judged_at` as the driver gives it). */
export interface KeptVerdictRow {
  verdict: Verdict;
  disqualified: boolean;
  profile: string;
  judged_at: Date;
}

/** One appointment's verdict on a past date, to keep. */
export interface VerdictOnWrite {
  id: string;
  verdict: Verdict;
  disqualified: boolean;
}

/** Where the appointments of a past date lie: a region's subtree (`pathLike`, a path prefix) or listed region paths. */
export type RegionOn = { pathLike: string } | { paths: string[] };

/** A person's continuing-education hours and activities in one year (from `training_live`). */
export interface YearTrainingRow {
  person_id: string;
  year: number;
  first: number;
  second: number;
  activities: number;
}

/** A person's violation as the verdict weighs it. */
export interface ViolationFactRow {
  person_id: string;
  type: ViolationType;
  accident_level: AccidentLevel | null;
  occurred_on: string;
  status: ViolationStatus;
  source_document: string;
}

/** A person's 任职培训 in the ledger. */
export interface InitialTrainingRow {
  person_id: string;
  hours: number;
  end_date: string;
  certificate_no: string | null;
}

/**
 * The one writer of `verdict_on` (the verdicts kept for past dates, issue 17 item 1) and the
 * eligibility service's reads besides the appointments themselves (the training ledger and the
 * violations a verdict weighs, the 市州 of a what-if). Every method takes the caller's
 * EntityManager first: inside a transaction it never reaches the pool.
 */
@Injectable()
export class VerdictsRepository extends PoolRepository {
  /** Keeps one appointment's verdict on `asOf`, unless one is kept already. */
  async keep(m: EntityManager, asOf: string, v: VerdictOnWrite, profile: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO verdict_on (as_of, appointment_id, verdict, disqualified, profile, judged_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [asOf, v.id, v.verdict, v.disqualified, profile, at],
    );
  }

  /** Keeps a batch of verdicts on `asOf` in one statement, leaving those kept already. */
  async keepMany(m: EntityManager, asOf: string, verdicts: VerdictOnWrite[], profile: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO verdict_on (as_of, appointment_id, verdict, disqualified, profile, judged_at)
         SELECT $1, v.id, v.verdict, v.disqualified, $5, $6
           FROM unnest($2::uuid[], $3::varchar[], $4::boolean[]) AS v(id, verdict, disqualified)
         ON CONFLICT DO NOTHING`,
      [asOf, verdicts.map((v) => v.id), verdicts.map((v) => v.verdict), verdicts.map((v) => v.disqualified), profile, at],
    );
  }

  /** The kept verdict of an appointment on `asOf`, or null. */
  async kept(m: EntityManager, appointmentId: string, asOf: string): Promise<KeptVerdictRow | null> {
    const [row]: KeptVerdictRow[] = await m.query(
      `SELECT verdict, disqualified, profile, judged_at FROM verdict_on WHERE as_of = $1 AND appointment_id = $2`,
      [asOf, appointmentId],
    );
    return row ?? null;
  }

  /**
   * The appointments in post on `asOf` in the enterprises that lay in `where` on that date (moved
   * since: their region then, issue 17) that have no kept verdict for it, by id: one anti-join (on a
   * date already judged: none, at the cost of one scan).
   */
  async unjudged(m: EntityManager, asOf: string, where: RegionOn): Promise<string[]> {
    const region = IN_REGION_ON('a', 'enterprise_id', `(${MOVED_SINCE('$1')})`, (x) => ('pathLike' in where ? inRegionSql(x, '$2') : `${x}.region_path = ANY($2::text[])`));
    const missing: { id: string }[] = await m.query(
      `SELECT a.id FROM appointment a
        WHERE ${ACTIVE_ON('a', '$1')} AND ${region}
          AND NOT EXISTS (SELECT 1 FROM verdict_on v WHERE v.as_of = $1::date AND v.appointment_id = a.id)
        ORDER BY a.id`,
      [asOf, 'pathLike' in where ? where.pathLike : where.paths],
    );
    return missing.map((r) => r.id);
  }

  /** The people's continuing education per year that ended between `from` and `to` (inclusive). */
  async yearTraining(m: EntityManager, personIds: string[], from: string, to: string): Promise<YearTrainingRow[]> {
    return m.query(
      `SELECT person_id, extract(year FROM end_date)::int AS year,
                coalesce(sum(hours) FILTER (WHERE category = '继续教育(第一类)'), 0)::float8 AS first,
                coalesce(sum(hours) FILTER (WHERE category = '第二类'), 0)::float8 AS second,
                count(*) FILTER (WHERE category = '组织培训活动')::int AS activities
           FROM training_live WHERE person_id = ANY($1) AND end_date BETWEEN $2::date AND $3::date
          GROUP BY 1, 2`,
      [personIds, from, to],
    );
  }

  /** The people's violations, every status. */
  async violations(m: EntityManager, personIds: string[]): Promise<ViolationFactRow[]> {
    return m.query(
      `SELECT person_id, type, accident_level, occurred_on::text AS occurred_on, status, source_document
           FROM violation WHERE person_id = ANY($1)`,
      [personIds],
    );
  }

  /** The people's 任职培训 in the ledger. */
  async initialTraining(m: EntityManager, personIds: string[]): Promise<InitialTrainingRow[]> {
    return m.query(
      `SELECT person_id, hours::float8 AS hours, end_date::text AS end_date, certificate_no
           FROM training_live WHERE person_id = ANY($1) AND category = '任职培训'`,
      [personIds],
    );
  }

  /** The 市州 of the province (`provinceCode`) that `regionPath` lies in or above; all of them for null. */
  async cities(m: EntityManager, provinceCode: string, regionPath: string | null): Promise<{ code: string; name: string }[]> {
    return m.query(
      `SELECT code, name FROM region WHERE level = 2 AND parent_code = $1 AND ($2::text IS NULL OR ${regionsInSubtreeSql('', '$3')} OR $2 LIKE path || '%') ORDER BY code`,
      [provinceCode, regionPath, regionPath && regionSubtreePattern(regionPath)],
    );
  }
}
