import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { isUuid, type ImportMode, type ImportResult, type ImportRowError } from '@cqo/contracts';
import { AppException, type Actor } from '@cqo/server-common';
import type { FileStorage } from '@cqo/server-storage';
import { errorWorkbook } from './error-report';
import type { ScanOutcome } from './xlsx-reader';

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

/** An upload on disk (the file jobs store it there before queueing it; the CLI reads it where it lies). */
export interface StoredUpload {
  path: string;
  originalname: string;
  /** The scan of the file (openSheet), already started: the CLI runs it on a thread while it loads. */
  scanned?: Promise<ScanOutcome | null>;
}

/** A run's identity, taken before the import's transaction: its id and the upload's SHA-256 and size. */
export interface RunStart {
  id: string;
  sha256: string;
  size: number;
}

export async function startImportRun(file: StoredUpload): Promise<RunStart> {
  return { id: randomUUID(), sha256: await sha256Of(file.path), size: (await stat(file.path)).size };
}

/** Whether a run writes (SPEC §8): never on a dry run; with a rejected row only in keep-valid mode. */
export function runCommits(dryRun: boolean | undefined, mode: ImportMode, errors: readonly ImportRowError[]): boolean {
  return !dryRun && (mode === 'keep-valid' || errors.length === 0);
}

/** What an import knows at the end of its transaction, for `recordImportRun`. */
export interface FinishedRun {
  start: RunStart;
  kind: ImportRunKind;
  mode: ImportMode;
  file: StoredUpload;
  /** The sheet's header (column name → index) and the template's column order, for the error report. */
  columns: Map<string, number>;
  order: readonly string[];
  committed: boolean;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  actor: Actor;
  now: Date;
}

/**
 * The end of every import run, inside its transaction: the rejections are put in sheet order, the
 * sheet is marked up where any were, and the run is recorded. Returns the number of rows rejected.
 */
export async function recordImportRun(m: EntityManager, run: FinishedRun, storage: FileStorage): Promise<number> {
  sortRowErrors(run.errors, run.order);
  const rejectedRows = new Set(run.errors.map((e) => e.row)).size;
  const report = run.errors.length ? await errorWorkbook(run.file.path, run.columns, run.errors) : null;
  await insertImportRun(m, {
    id: run.start.id,
    kind: run.kind,
    mode: run.mode,
    fileName: run.file.originalname,
    sha256: run.start.sha256,
    size: run.start.size,
    committed: run.committed,
    total: run.total,
    inserted: run.inserted,
    updated: run.updated,
    unchanged: run.unchanged,
    rejectedRows,
    errors: run.errors,
    report,
    createdBy: run.actor.userId || null,
    createdAt: run.now,
  }, storage);
  return rejectedRows;
}

/** The answer of an import, the same for every kind; the error report is fetched from `/api/<kind>/imports/<id>/error-report`. */
export function importResult(
  kind: ImportRunKind,
  run: { id: string; mode: ImportMode; file: StoredUpload; total: number; errors: ImportRowError[]; rejectedRows: number; committed: boolean },
  counts: { inserted: number; updated: number; unchanged: number },
): ImportResult {
  return {
    id: run.id,
    kind,
    mode: run.mode,
    fileName: run.file.originalname,
    total: run.total,
    ...counts,
    rejected: run.errors,
    rejectedRows: run.rejectedRows,
    committed: run.committed,
    errorReportUrl: run.errors.length ? `/api/${kind}/imports/${run.id}/error-report` : null,
  };
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
  const [run] = isUuid(id)
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
