import type { ApiErrorDetail } from './errors';
import type { ListExportParams, ListExportSummary } from './lists';
import type { ImportMode, ImportResult } from './training';

/** Long-running spreadsheet jobs (issue 7): attachment exports and the roster and training imports, run by the worker. */
export const FILE_JOB_KINDS = ['export-attachment', 'import-roster', 'import-training', 'export-list'] as const;
/** The kinds that import an upload (issue 18 item 1: every upload is read in the worker). */
export const IMPORT_JOB_KINDS = ['import-roster', 'import-training'] as const;
export type ImportJobKind = (typeof IMPORT_JOB_KINDS)[number];
export type FileJobKind = (typeof FILE_JOB_KINDS)[number];
export const FILE_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type FileJobStatus = (typeof FILE_JOB_STATUSES)[number];

/** What an attachment export is asked for (SPEC §7 附件, §9 `export attachment`). */
export interface AttachmentExportParams {
  /** GB/T 2260 code of the region (its whole subtree is exported). */
  region: string;
  year: number;
  /** YYYY-MM-DD; default: the snapshot's as-of date of the year (today, or Dec 31 of a past year). */
  asOf?: string;
}

/** What an attachment export produced (also `cqo export attachment`'s JSON). */
export interface AttachmentExportSummary {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  /** Data rows of sheet 基本情况 (one per enterprise with an active appointment on asOf). */
  rows: number;
  /** Child-region rows of sheet 汇总 (without the total row). */
  summaryRows: number;
  /** SHA-256 (hex) of the written file. */
  sha256: string;
  bytes: number;
  /** The statistics run the 汇总 figures came from (null when computed live for an as-of date the snapshot does not hold). */
  snapshotRunId: number | null;
  snapshotBuiltAt: string | null;
  /** Suggested download name, e.g. `武汉市-2026-企业首席质量官基本情况统计表.xlsx`. */
  fileName: string;
}

/** What an import (roster or training, SPEC §8) is asked for. */
export interface ImportJobParams {
  mode: ImportMode;
  /** Validate every row and report, writing nothing. */
  dryRun: boolean;
}
/** The roster import's parameters (the name it had before the training import became a job too). */
export type RosterImportParams = ImportJobParams;

/** One job as the user sees it in 我的导出/导入. */
export interface FileJobInfo {
  id: string;
  kind: FileJobKind;
  status: FileJobStatus;
  params: AttachmentExportParams | ImportJobParams | ListExportParams;
  /** Rows done and the total (null until known). */
  done: number;
  total: number | null;
  /** 0–100, null until the total is known. */
  percent: number | null;
  cancelRequested: boolean;
  inputName: string | null;
  outputName: string | null;
  outputSize: number | null;
  outputSha256: string | null;
  /** GET this for the produced file (exports); null until it exists. */
  downloadUrl: string | null;
  /** The marked-up copy of an import's sheet; null when nothing was rejected. */
  errorReportUrl: string | null;
  result: AttachmentExportSummary | ImportResult | ListExportSummary | null;
  /** Why the job failed (Chinese, for the user). */
  error: string | null;
  /**
   * A failed import's field errors, as a refused request's `details` (e.g. `file`/`rows` when the
   * sheet has more rows than one import takes, `file`/`inflated` for a zip bomb); [] otherwise.
   */
  errorDetails: ApiErrorDetail[];
  snapshot: { runId: number; builtAt: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
}
