import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { EntityManager } from 'typeorm';
import type { ImportRowError } from '@cqo/contracts';
import { AppException, type Actor } from '@cqo/server-common';

/** The imports that keep runs in `import_run` (its kind check). */
export type ImportRunKind = 'roster' | 'training';

/** A run's counts, errors and error report are kept this long (SPEC §8; the same for every kind). */
export const IMPORT_RUN_KEEP_DAYS = 7;

export function runExpiry(now: Date): Date {
  return new Date(now.getTime() + IMPORT_RUN_KEEP_DAYS * 86_400_000);
}

export interface ImportRun {
  id: string;
  kind: ImportRunKind;
  mode: string;
  fileName: string;
  sha256: string;
  size: number;
  committed: boolean;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  errors: ImportRowError[];
  report: Buffer | null;
  createdBy: string | null;
  createdAt: Date;
}

/** Records a run, inside the import's own transaction; it expires IMPORT_RUN_KEEP_DAYS later. */
export async function insertImportRun(m: EntityManager, run: ImportRun): Promise<void> {
  await m.query(
    `INSERT INTO import_run (id, kind, mode, file_name, file_sha256, file_size, committed, total_rows, inserted, updated, unchanged,
                             rejected_rows, errors, error_report, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      run.id,
      run.kind,
      run.mode,
      run.fileName.slice(0, 255),
      run.sha256,
      run.size,
      run.committed,
      run.total,
      run.inserted,
      run.updated,
      run.unchanged,
      run.rejectedRows,
      JSON.stringify(run.errors),
      run.report,
      run.createdBy,
      run.createdAt,
      runExpiry(run.createdAt),
    ],
  );
}

/** The marked-up copy of an unexpired run's sheet; only its uploader (or an admin) may fetch it, anyone else gets 404. */
export async function findErrorReport(
  m: EntityManager,
  actor: Actor,
  kind: ImportRunKind,
  id: string,
  now: Date,
): Promise<{ fileName: string; content: Buffer }> {
  const [run] = /^[0-9a-f-]{36}$/i.test(id)
    ? await m.query(`SELECT file_name, error_report, created_by FROM import_run WHERE id = $1 AND kind = $2 AND expires_at > $3`, [id, kind, now])
    : [];
  if (!run?.error_report || (run.created_by !== (actor.userId || null) && actor.role !== 'admin')) throw AppException.notFound('错误报告');
  return { fileName: `${String(run.file_name).replace(/\.xlsx$/i, '')}-错误报告.xlsx`, content: run.error_report };
}

/** Deletes expired runs (and their error reports); run with the file jobs' hourly cleanup. */
export async function deleteExpiredImportRuns(m: EntityManager, now: Date): Promise<number> {
  const [, count]: [unknown[], number] = await m.query(`DELETE FROM import_run WHERE expires_at <= $1`, [now]);
  return count;
}

/** Rejections in sheet order: by row, then by the column's place in `columns`. */
export function sortRowErrors(errors: ImportRowError[], columns: readonly string[]): void {
  errors.sort((a, b) => a.row - b.row || columns.indexOf(a.column) - columns.indexOf(b.column));
}

/** The SHA-256 of a stored upload, streamed. */
export function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
