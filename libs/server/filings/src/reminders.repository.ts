import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { AnnualTrainingRule } from '@cqo/policy';
import { inRegion, regionSubtreePattern, regionsInSubtreeSql } from '@cqo/server-auth';
import { ACTIVE_TODAY } from '@cqo/server-eligibility';
import { shortfallJudgedSql } from '@cqo/server-training';
import { EXPECTED_SQL, OUTSTANDING, expectedParams, type FilingStatusScope } from './filing-status.repository';
import { PoolRepository } from '@cqo/server-database';

/** A chase to record: its subjects (`enterprise:<id>`, `city:<code>`), year, China day, kind and sender. */
export interface ChaseLog {
  subjects: string[];
  year: number;
  onDate: string;
  kind: string;
  by: string | null;
  at: Date;
}

/** An enterprise still to report, with its region's path (for the officers' digest). */
export interface OutstandingRow {
  id: string;
  region_path: string;
}

/** A CQO in post whose term ends soon. */
export interface TermEndingRow {
  id: string;
  enterprise_id: string;
  term_end: string;
  person: string;
}

/** A certificate's suspension or expiry, as still in force. */
export interface CertificateEventRow {
  event_id: string;
  to_status: 'suspended' | 'expired';
  enterprise_id: string;
  number: string;
  holder_name: string;
  reason: string;
  valid_until: string;
}

/** A CQO short of the year's training: hours and organised activities still missing. */
export interface ShortfallRow {
  enterprise_id: string;
  person_id: string;
  person_name: string;
  short_hours: number;
  short_activities: number;
}

/**
 * The only writer of `reminder_log` (one row per subject and China day, whoever chases), and the
 * reads of the reminders: who is still to report (SPEC §2) and whose term, certificate or training
 * is to be told of (issue 22). The chases run in the caller's transaction and take its manager.
 */
@Injectable()
export class RemindersRepository extends PoolRepository {
  /** Whether an enterprise lies in the subtree of `path`. */
  async enterpriseIn(enterpriseId: string, path: string): Promise<boolean> {
    const params: unknown[] = [enterpriseId];
    const [e]: { id: string }[] = await this.dataSource.query(`SELECT id FROM enterprise WHERE id = $1 AND ${inRegion('', path, params)}`, params);
    return !!e;
  }

  /** The outstanding enterprises of a subtree and year (of `ids` only, when given), with their region's path. */
  outstanding(m: EntityManager, s: FilingStatusScope, ids?: string[]): Promise<OutstandingRow[]> {
    const params = expectedParams(s);
    return m.query(`WITH x AS (${EXPECTED_SQL}) SELECT x.id, x.region_path FROM x WHERE ${OUTSTANDING} ${ids ? `AND x.id = ANY($${params.push(ids)}::uuid[])` : ''}`, params);
  }

  /** The 市州 of a subtree whose report of the year is not submitted (none, a draft or a returned one). */
  async citiesOutstanding(m: EntityManager, path: string, year: number): Promise<string[]> {
    const cities: { code: string }[] = await m.query(
      `SELECT g.code FROM region g LEFT JOIN city_report c ON c.region_code = g.code AND c.year = $2
        WHERE g.level = 2 AND ${regionsInSubtreeSql('g', '$1')} AND (c.id IS NULL OR c.status IN ('draft','returned'))`,
      [regionSubtreePattern(path), year],
    );
    return cities.map((c) => c.code);
  }

  /** Records a chase per subject for the day; the subjects not already chased that day. */
  async logChase(m: EntityManager, c: ChaseLog): Promise<string[]> {
    const rows: { subject: string }[] = await m.query(
      `INSERT INTO reminder_log (subject, year, on_date, kind, sent_by, created_at)
       SELECT s, $2, $3, $4, $5, $6 FROM unnest($1::text[]) AS s
       ON CONFLICT (subject, year, on_date) DO NOTHING RETURNING subject`,
      [c.subjects, c.year, c.onDate, c.kind, c.by, c.at],
    );
    return rows.map((r) => r.subject);
  }

  /** CQOs in post on `today` whose term ends by `until`, soonest first. */
  termsEnding(m: EntityManager, today: string, until: string): Promise<TermEndingRow[]> {
    return m.query(
      `SELECT a.id, a.enterprise_id, a.term_end::text AS term_end, p.name AS person
         FROM appointment a JOIN cqo_person p ON p.id = a.person_id
        WHERE ${ACTIVE_TODAY('a', '$1')} AND a.term_end <= $2::date
        ORDER BY a.term_end, a.id`,
      [today, until],
    );
  }

  /** Certificates suspended or expired in the `lookbackDays` before `today` and still so. */
  certificateEvents(m: EntityManager, today: string, lookbackDays: number): Promise<CertificateEventRow[]> {
    return m.query(
      `SELECT ev.id::text AS event_id, ev.to_status, c.enterprise_id, c.number, c.holder_name, ev.reason, c.valid_until::text AS valid_until
         FROM evaluation_certificate_event ev JOIN evaluation_certificate c ON c.id = ev.certificate_id
        WHERE ev.to_status IN ('suspended','expired') AND c.status = ev.to_status
          AND ev.at >= ($1::date - $2::int)::timestamp AT TIME ZONE 'Asia/Shanghai'
        ORDER BY ev.id`,
      [today, lookbackDays],
    );
  }

  /** CQOs short of `year`'s training under `rule` as of `today`. */
  trainingShortfall(m: EntityManager, rule: AnnualTrainingRule, year: number, today: string): Promise<ShortfallRow[]> {
    const params: unknown[] = [];
    const judged = shortfallJudgedSql(params, rule, year, today);
    return m.query(
      `SELECT enterprise_id, person_id, person_name, short_hours, short_activities FROM (${judged}) j
        WHERE short_hours > 0 OR short_activities > 0 ORDER BY enterprise_id, person_id`,
      params,
    );
  }
}
