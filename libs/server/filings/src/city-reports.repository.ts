import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { CityReportSnapshot, ReportStatus } from '@cqo/contracts';
import { regionsInSubtreeSql } from '@cqo/server-auth';
import { PoolRepository } from '@cqo/server-database';

/** A row of `city_report` with its reviewer's name, as the detail and the writes read it. */
export interface CityReportRow {
  id: string;
  region_code: string;
  year: number;
  status: ReportStatus;
  version: number;
  narrative: string;
  snapshot: CityReportSnapshot | null;
  unreviewed_at_submission: number | null;
  submitted_at: Date | null;
  late: boolean;
  return_reason: string | null;
  reviewed_at: Date | null;
  reviewed_by_name: string | null;
  attachment_sha256: string | null;
  attachment_as_of: string | null;
  /** The kept 统计表 belongs to the current submission (see `CURRENT_ATTACHMENT`). */
  attachment_current: boolean;
}

/** A 市州 of the list with its report of the year, if it has one (the report's columns are null otherwise). */
export interface CityReportListRow {
  code: string;
  name: string;
  id: string | null;
  status: ReportStatus | null;
  version: number | null;
  late: boolean | null;
  submitted_at: Date | null;
  unreviewed_at_submission: number | null;
}

/** The 统计表 kept with a report's submission. */
export interface KeptAttachment {
  id: string;
  attachment_path: string;
  attachment_name: string | null;
  attachment_sha256: string;
  attachment_size: string;
}

/** What the worker reads of a report before it makes the 统计表 of a submission. */
export interface CityReportSubmission {
  id: string;
  region_code: string;
  year: number;
  submitted_at: Date | null;
  attachment_path: string | null;
  attachment_submitted_at: Date | null;
}

/** A kept 统计表 is the current one when it was made for the report's latest submission. */
const CURRENT_ATTACHMENT = `(c.attachment_path IS NOT NULL AND c.attachment_submitted_at = c.submitted_at)`;

const SELECT = `SELECT c.id, c.region_code, c.year, c.status, c.version, c.narrative, c.snapshot, c.unreviewed_at_submission, c.submitted_at,
       c.late, c.return_reason, c.reviewed_at, u.display_name AS reviewed_by_name,
       c.attachment_sha256, c.attachment_as_of::text AS attachment_as_of, coalesce(${CURRENT_ATTACHMENT}, false) AS attachment_current
  FROM city_report c LEFT JOIN app_user u ON u.id = c.reviewed_by`;

/**
 * The only writer of `city_report` (市州年度报告): the draft, the narrative, the submission and its
 * review for the reporting cycle, and the 统计表 the worker keeps with a submission. Methods that
 * run in a transaction take its manager first; the others read or write on their own connection.
 */
@Injectable()
export class CityReportsRepository extends PoolRepository {
  /** Every 市州 whose path matches `pathLike`, with its report of `year` if any, by code. */
  list(pathLike: string, year: number): Promise<CityReportListRow[]> {
    return this.dataSource.query(
      `SELECT g.code, g.name, c.id, c.status, c.version, c.late, c.submitted_at, c.unreviewed_at_submission
         FROM region g LEFT JOIN city_report c ON c.region_code = g.code AND c.year = $2
        WHERE g.level = 2 AND ${regionsInSubtreeSql('g', '$1')} ORDER BY g.code`,
      [pathLike, year],
    );
  }

  /** The city's report of the year, or null when it has none. */
  async find(regionCode: string, year: number): Promise<CityReportRow | null> {
    const [row]: CityReportRow[] = await this.dataSource.query(`${SELECT} WHERE c.region_code = $1 AND c.year = $2`, [regionCode, year]);
    return row ?? null;
  }

  /** Locks the city's report of the year for a write; null when it has none. */
  async lock(m: EntityManager, regionCode: string, year: number): Promise<CityReportRow | null> {
    const [row]: CityReportRow[] = await m.query(`${SELECT} WHERE c.region_code = $1 AND c.year = $2 FOR UPDATE OF c`, [regionCode, year]);
    return row ?? null;
  }

  /** The current submission's kept file, if made yet, and whether the report has a submission at all. */
  async keptAttachment(regionCode: string, year: number): Promise<{ submitted: boolean; file: KeptAttachment | null }> {
    const [row]: (KeptAttachment & { submitted: boolean; current: boolean })[] = await this.dataSource.query(
      `SELECT c.id, c.attachment_path, c.attachment_name, c.attachment_sha256, c.attachment_size, c.submitted_at IS NOT NULL AS submitted,
              coalesce(${CURRENT_ATTACHMENT}, false) AS current
         FROM city_report c WHERE c.region_code = $1 AND c.year = $2`,
      [regionCode, year],
    );
    return { submitted: !!row?.submitted, file: row?.current ? row : null };
  }

  /** Creates the city's draft of the year; its id, or null when one was created meanwhile. */
  async insertDraft(m: EntityManager, d: { regionCode: string; regionPath: string; year: number; narrative: string; at: Date }): Promise<string | null> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO city_report (region_code, region_path, year, status, narrative, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5, $5)
       ON CONFLICT (region_code, year) DO NOTHING RETURNING id`,
      [d.regionCode, d.regionPath, d.year, d.narrative, d.at],
    );
    return row?.id ?? null;
  }

  /** Saves the narrative of a (locked) report. */
  async saveNarrative(m: EntityManager, id: string, narrative: string, at: Date): Promise<void> {
    await m.query(`UPDATE city_report SET narrative = $2, version = version + 1, updated_at = $3 WHERE id = $1`, [id, narrative, at]);
  }

  /** Submits a (locked) report: its narrative, the frozen snapshot and the unreviewed count; clears the last review. */
  async submit(
    m: EntityManager,
    id: string,
    s: { narrative: string; snapshot: CityReportSnapshot; unreviewed: number; at: Date; by: string | null; late: boolean },
  ): Promise<void> {
    await m.query(
      `UPDATE city_report SET status = 'submitted', narrative = $2, snapshot = $3, unreviewed_at_submission = $4, submitted_at = $5, submitted_by = $6,
              late = $7, return_reason = NULL, reviewed_at = NULL, reviewed_by = NULL, version = version + 1, updated_at = $5 WHERE id = $1`,
      [id, s.narrative, s.snapshot, s.unreviewed, s.at, s.by, s.late],
    );
  }

  /**
   * Accepts or returns the city's submitted report of the year if it is still at `version`; its id
   * and new version, or null when it is not (or no longer) submitted at that version.
   */
  async review(
    m: EntityManager,
    r: { regionCode: string; year: number; version: number; to: ReportStatus; at: Date; by: string | null; reason: string | null },
  ): Promise<{ id: string; version: number } | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [updated]: [{ id: string; version: number }[], number] = await m.query(
      `UPDATE city_report SET status = $4, version = version + 1, reviewed_at = $5, reviewed_by = $6, return_reason = $7, updated_at = $5
        WHERE region_code = $1 AND year = $2 AND version = $3 AND status = 'submitted' RETURNING id, version`,
      [r.regionCode, r.year, r.version, r.to, r.at, r.by, r.reason],
    );
    return updated[0] ?? null;
  }

  /** The status of the city's report of the year, or null when it has none. */
  async status(m: EntityManager, regionCode: string, year: number): Promise<ReportStatus | null> {
    const [row]: { status: ReportStatus }[] = await m.query(`SELECT status FROM city_report WHERE region_code = $1 AND year = $2`, [regionCode, year]);
    return row?.status ?? null;
  }

  /** The report's latest submission and the 统计表 kept so far, for the worker; null when there is no such report. */
  async submission(id: string): Promise<CityReportSubmission | null> {
    const [row]: CityReportSubmission[] = await this.dataSource.query(
      `SELECT id, region_code, year, submitted_at, attachment_path, attachment_submitted_at FROM city_report WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Keeps the 统计表 made for the submission of `submittedAt`, unless that is no longer the latest
   * submission or a file is already kept for it; false then (the first file kept is never replaced).
   */
  async keepAttachment(id: string, submittedAt: Date, file: { path: string; name: string; sha256: string; size: number; asOf: string }): Promise<boolean> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [updated]: [unknown[], number] = await this.dataSource.query(
      `UPDATE city_report SET attachment_path = $3, attachment_name = $4, attachment_sha256 = $5, attachment_size = $6, attachment_as_of = $7, attachment_submitted_at = $2
        WHERE id = $1 AND submitted_at = $2 AND attachment_submitted_at IS DISTINCT FROM $2 RETURNING id`,
      [id, submittedAt, file.path, file.name, file.sha256, file.size, file.asOf],
    );
    return updated.length > 0;
  }

  /** The key of the 统计表 kept for the submission of `submittedAt`, or null when none is. */
  async keptAttachmentPath(id: string, submittedAt: Date): Promise<string | null> {
    const [kept]: { attachment_path: string | null }[] = await this.dataSource.query(
      `SELECT attachment_path FROM city_report WHERE id = $1 AND attachment_submitted_at = $2`,
      [id, submittedAt],
    );
    return kept?.attachment_path ?? null;
  }
}
