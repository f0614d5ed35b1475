import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { EntityManager } from 'typeorm';
import type { ImportRowError } from '@cqo/contracts';
import { AppException, type Actor } from '@cqo/server-common';
import type { FileStorage } from '@cqo/server-storage';

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

/** The object key of a run's error workbook in the file store (issue 21). */
function errorReportKey(runId: string): string {
  return `import-errors/${runId}.xlsx`;
}

/**
 * Records a run, inside the import's own transaction; it expires IMPORT_RUN_KEEP_DAYS later. Its
 * error workbook goes to the file store (a folder or a bucket, issue 21), the row names it.
 */
export async function insertImportRun(m: EntityManager, run: ImportRun, storage: FileStorage): Promise<void> {
  const reportKey = run.report ? errorReportKey(run.id) : null;
  if (run.report && reportKey) await storage.put(reportKey, run.report);
  await m.query(
    `INSERT INTO import_run (id, kind, mode, file_name, file_sha256, file_size, committed, total_rows, inserted, updated, unchanged,
                             rejected_rows, errors, error_report_key, created_by, created_at, expires_at)
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
      reportKey,
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
  storage: FileStorage,
): Promise<{ fileName: string; content: Buffer }> {
  const [run] = /^[0-9a-f-]{36}$/i.test(id)
    ? await m.query(`SELECT file_name, error_report, error_report_key, created_by FROM import_run WHERE id = $1 AND kind = $2 AND expires_at > $3`, [id, kind, now])
    : [];
  if (!(run?.error_report || run?.error_report_key) || (run.created_by !== (actor.userId || null) && actor.role !== 'admin')) throw AppException.notFound('错误报告');
  // A run recorded before issue 21 kept its workbook in the row.
  const content: Buffer = run.error_report ?? (await storage.read(run.error_report_key));
  return { fileName: `${String(run.file_name).replace(/\.xlsx$/i, '')}-错误报告.xlsx`, content };
}

/** Deletes expired runs and their error reports (in the row or the file store); run with the file jobs' hourly cleanup. */
export async function deleteExpiredImportRuns(m: EntityManager, now: Date, storage: FileStorage): Promise<number> {
  const [rows, count]: [{ error_report_key: string | null }[], number] = await m.query(`DELETE FROM import_run WHERE expires_at <= $1 RETURNING error_report_key`, [now]);
  for (const r of rows) if (r.error_report_key) await storage.delete(r.error_report_key);
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
