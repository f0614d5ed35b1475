import { Injectable } from '@nestjs/common';
import { type EntityManager, type QueryRunner } from 'typeorm';
import type { ApiErrorDetail, AttachmentExportSummary, FileJobInfo, FileJobKind, ImportResult, ListExportSummary, Role } from '@cqo/contracts';
import { PoolRepository } from '@cqo/server-database';

/** A `file_job` row as `SELECT *` reads it (the columns the user sees under their own names). */
export interface FileJobRow extends Pick<FileJobInfo, 'id' | 'kind' | 'status' | 'params' | 'done' | 'total' | 'error'> {
  cancel_requested: boolean;
  input_name: string | null;
  input_path: string | null;
  output_name: string | null;
  output_path: string | null;
  output_sha256: string | null;
  output_size: string | null;
  /** A failed job keeps `{ details }` (its field errors) here. */
  result: AttachmentExportSummary | ImportResult | ListExportSummary | { details: ApiErrorDetail[] } | null;
  snapshot_run_id: string | null;
  snapshot_built_at: Date | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date;
}

/** A stored upload: its name, object key, SHA-256 and size. */
/** The object key of a job's upload or export (issue 21: in the folder or the bucket of FILE_STORAGE). */
export function jobFileKey(id: string, suffix: 'upload' | 'export'): string {
  return `${id}.${suffix}.xlsx`;
}

export interface FileJobInput {
  name: string;
  path: string;
  sha256: string;
  size: number;
}

/** A new queued job. */
export interface NewFileJob {
  id: string;
  kind: FileJobKind;
  params: FileJobInfo['params'];
  input: FileJobInput | null;
  createdBy: string | null;
  at: Date;
  expiresAt: Date;
}

/** A job's outcome as written: `result` is JSON text; `done` null keeps the rows done as reported. */
export interface FileJobOutcome {
  status: FileJobInfo['status'];
  at: Date;
  result: string | null;
  error: string | null;
  output: FileJobInput | null;
  snapshot: { runId: number; builtAt: string | null } | null;
  done: number | null;
}

/** The user a job runs as: account, role and region. */
export interface JobUserRow {
  id: string;
  username: string;
  role: Role;
  region_code: string | null;
  path: string | null;
  enterprise_id: string | null;
  is_active: boolean;
}

/** The object keys of an expired job, deleted with it. */
export interface ExpiredJobRow {
  id: string;
  input_path: string | null;
  output_path: string | null;
}

/**
 * The only reader and writer of `file_job` (issue 7, issue 19), and the reads the jobs need besides:
 * the user a job runs as and every object key a row names (the orphan sweep). The service keeps the
 * checks, the files and the transactions; a write inside one takes its manager.
 */
@Injectable()
export class FileJobsRepository extends PoolRepository {
  /** A connection of its own, taken from the pool now (the caller releases it). */
  async connection(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }

  async insert(m: EntityManager, j: NewFileJob): Promise<void> {
    await m.query(
      `INSERT INTO file_job (id, kind, status, params, input_name, input_path, input_sha256, input_size, created_by, created_at, expires_at)
       VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10)`,
      [j.id, j.kind, JSON.stringify(j.params), j.input?.name ?? null, j.input?.path ?? null, j.input?.sha256 ?? null, j.input?.size ?? null, j.createdBy, j.at, j.expiresAt],
    );
  }

  /** The SHA-256 and size of a job's upload, read in `m`'s transaction. */
  async inputOf(m: EntityManager, id: string): Promise<{ input_sha256: string; input_size: string }> {
    const [row]: { input_sha256: string; input_size: string }[] = await m.query(`SELECT input_sha256, input_size FROM file_job WHERE id = $1`, [id]);
    return row;
  }

  /** A user's unexpired jobs at `now`, newest first (at most 100). */
  listOf(userId: string, now: Date): Promise<FileJobRow[]> {
    return this.dataSource.query(`SELECT * FROM file_job WHERE created_by = $1 AND expires_at > $2 ORDER BY created_at DESC, id LIMIT 100`, [userId, now]);
  }

  /** A job of the user's, unexpired at `now`, or null. */
  async ownedBy(id: string, userId: string, now: Date): Promise<FileJobRow | null> {
    const [row]: FileJobRow[] = await this.dataSource.query(`SELECT * FROM file_job WHERE id = $1 AND created_by = $2 AND expires_at > $3`, [id, userId, now]);
    return row ?? null;
  }

  /** Asks a queued or running job to stop; a queued one is cancelled at once. */
  async cancel(id: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE file_job SET cancel_requested = true,
              status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
              finished_at = CASE WHEN status = 'queued' THEN $2::timestamptz ELSE finished_at END
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, now],
    );
  }

  /** Marks a queued (or left running) job not cancelled as running from the start; the row, or null. */
  async start(id: string, now: Date): Promise<FileJobRow | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [[row]]: [FileJobRow[], number] = await this.dataSource.query(
      `UPDATE file_job SET status = 'running', started_at = $2, done = 0, total = NULL
        WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested RETURNING *`,
      [id, now],
    );
    return row ?? null;
  }

  async finish(id: string, o: FileJobOutcome): Promise<void> {
    await this.dataSource.query(
      `UPDATE file_job SET status = $2, finished_at = $3, result = $4, error = $5,
              output_name = $6, output_path = $7, output_sha256 = $8, output_size = $9,
              snapshot_run_id = $10, snapshot_built_at = $11,
              done = coalesce($12, done), total = CASE WHEN $12::int IS NULL THEN total ELSE coalesce(total, $12) END
        WHERE id = $1`,
      [
        id,
        o.status,
        o.at,
        o.result,
        o.error,
        o.output?.name ?? null,
        o.output?.path ?? null,
        o.output?.sha256 ?? null,
        o.output?.size ?? null,
        o.snapshot?.runId ?? null,
        o.snapshot?.builtAt ?? null,
        o.done,
      ],
    );
  }

  /**
   * A running job's progress, through `m` (the manager of a connection of its own, see
   * `connection`); whether the user asked it to stop, or null when the row is gone.
   */
  async progress(m: EntityManager, id: string, done: number, total: number | null): Promise<{ cancel_requested: boolean } | null> {
    const [[row]]: [{ cancel_requested: boolean }[], number] = await m.query(`UPDATE file_job SET done = $2, total = $3 WHERE id = $1 RETURNING cancel_requested`, [id, done, total]);
    return row ?? null;
  }

  /** The account a job runs as, with its region's path, or null. */
  async user(userId: string): Promise<JobUserRow | null> {
    const [u]: JobUserRow[] = await this.dataSource.query(
      `SELECT u.id, u.username, u.role, u.region_code, r.path, u.enterprise_id, u.is_active
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code WHERE u.id = $1`,
      [userId],
    );
    return u ?? null;
  }


  /** Deletes the jobs expired at `now` that are not queued or running; their object keys. */
  async deleteExpired(now: Date): Promise<ExpiredJobRow[]> {
    const [rows]: [ExpiredJobRow[], number] = await this.dataSource.query(
      `DELETE FROM file_job WHERE expires_at <= $1 AND status NOT IN ('queued', 'running') RETURNING id, input_path, output_path`,
      [now],
    );
    return rows;
  }

  /** Every object key (or path) a row names: jobs' uploads and exports, error workbooks, evidence, city reports' 统计表. */
  async namedObjects(): Promise<string[]> {
    const rows: { p: string }[] = await this.dataSource.query(
      `SELECT input_path AS p FROM file_job WHERE input_path IS NOT NULL
       UNION ALL SELECT output_path FROM file_job WHERE output_path IS NOT NULL
       UNION ALL SELECT error_report_key FROM import_run WHERE error_report_key IS NOT NULL
       UNION ALL SELECT storage_key FROM evaluation_evidence WHERE storage_key IS NOT NULL
       UNION ALL SELECT attachment_path FROM city_report WHERE attachment_path IS NOT NULL`,
    );
    return rows.map((r) => r.p);
  }
}
