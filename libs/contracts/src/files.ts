import type { ImportMode, ImportResult } from './training';

/** Long-running spreadsheet jobs (issue 7): attachment exports and roster imports, run by the worker. */
export const FILE_JOB_KINDS = ['export-attachment', 'import-roster'] as const;
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

/** What a roster import is asked for (SPEC §8). */
export interface RosterImportParams {
  mode: ImportMode;
  /** Validate every row and report, writing nothing. */
  dryRun: boolean;
}

/** One job as the user sees it in 我的导出/导入. */
export interface FileJobInfo {
  id: string;
  kind: FileJobKind;
  status: FileJobStatus;
  params: AttachmentExportParams | RosterImportParams;
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
  result: AttachmentExportSummary | ImportResult | null;
  /** Why the job failed (Chinese, for the user). */
  error: string | null;
  snapshot: { runId: number; builtAt: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
}
