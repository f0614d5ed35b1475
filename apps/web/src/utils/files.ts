import type {
  AttachmentExportParams,
  AttachmentExportSummary,
  FileJobInfo,
  FileJobStatus,
  ImportMode,
  ImportResult,
  Role,
  RosterImportParams,
} from '@cqo/contracts';
import type { StatusTagType } from '@cqo/web-ui';

// Pure helpers of the spreadsheet job pages (我的导出/导入, 名录导入, the export dialog), kept free
// of Vue and i18n so they are unit-tested.

/** How often an active job is asked for its progress. */
export const POLL_INTERVAL_MS = 1000;

/** Officers export the attachment table and import rosters; the API refuses everyone else. */
export function canUseFileJobs(role: Role | null): boolean {
  return role === 'county' || role === 'city' || role === 'province';
}

/** Queued or running: worth polling, and it may still be cancelled. */
export function isActive(job: Pick<FileJobInfo, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/** Whether any job in the list still moves (the list then polls). */
export function anyActive(jobs: readonly Pick<FileJobInfo, 'status'>[]): boolean {
  return jobs.some(isActive);
}

/**
 * The bar's value, a whole number 0–100. A succeeded job is full whatever its counters say; the
 * API's `percent` is preferred, then done/total; unknown progress is 0. Never 100 before the job
 * has succeeded (the file is not there yet).
 */
export function percentOf(job: Pick<FileJobInfo, 'status' | 'percent' | 'done' | 'total'>): number {
  if (job.status === 'succeeded') return 100;
  let value = 0;
  if (job.percent !== null && Number.isFinite(job.percent)) value = job.percent;
  else if (job.total !== null && job.total > 0) value = (job.done / job.total) * 100;
  const whole = Math.floor(Math.min(100, Math.max(0, value)));
  return isActive(job) ? Math.min(whole, 99) : whole;
}

/** A running job whose total is not known yet: the bar moves without a number. */
export function isIndeterminate(job: Pick<FileJobInfo, 'status' | 'percent' | 'total'>): boolean {
  return job.status === 'running' && job.percent === null && (job.total === null || job.total === 0);
}

export function statusTagType(status: FileJobStatus): StatusTagType {
  switch (status) {
    case 'queued':
      return 'info';
    case 'running':
      return 'primary';
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'danger';
    case 'cancelled':
      return 'warning';
    default: {
      const unhandled: never = status;
      throw new Error(`Unknown job status ${String(unhandled)}`);
    }
  }
}

/** el-progress's `status` (colour and icon) for a job. */
export function progressStatus(status: FileJobStatus): 'success' | 'exception' | 'warning' | undefined {
  switch (status) {
    case 'queued':
    case 'running':
      return undefined;
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'exception';
    case 'cancelled':
      return 'warning';
    default: {
      const unhandled: never = status;
      throw new Error(`Unknown job status ${String(unhandled)}`);
    }
  }
}

/** "1,200 / 5,000" rows; "1,200" while the total is unknown. */
export function rowsText(job: Pick<FileJobInfo, 'done' | 'total'>): string {
  const format = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(n);
  return job.total === null ? format(job.done) : `${format(job.done)} / ${format(job.total)}`;
}

export function exportParamsOf(job: FileJobInfo): AttachmentExportParams | null {
  return job.kind === 'export-attachment' ? (job.params as AttachmentExportParams) : null;
}

/** Roster and training imports are both jobs (issue 18 item 1). */
export function isImportJob(job: Pick<FileJobInfo, 'kind'>): boolean {
  return job.kind === 'import-roster' || job.kind === 'import-training';
}

export function importParamsOf(job: FileJobInfo): RosterImportParams | null {
  return isImportJob(job) ? (job.params as RosterImportParams) : null;
}

export function exportSummaryOf(job: FileJobInfo): AttachmentExportSummary | null {
  return job.kind === 'export-attachment' && job.result ? (job.result as AttachmentExportSummary) : null;
}

export function importResultOf(job: FileJobInfo): ImportResult | null {
  return isImportJob(job) && job.result ? (job.result as ImportResult) : null;
}

/** The words a params summary is made of; the page passes translated ones. */
export interface ParamsLabels {
  /** e.g. `武汉市 · 2026 年` */
  export: (values: { region: string; year: number }) => string;
  /** e.g. `截至 2026-06-30` */
  asOf: (date: string) => string;
  mode: (mode: ImportMode) => string;
  dryRun: string;
  commit: string;
}

/**
 * One line saying what a job was asked for: the region (its name once the export has run, the code
 * before), year and as-of date of an export; the file, mode and dry run or not of an import.
 */
export function paramsSummary(job: FileJobInfo, labels: ParamsLabels, regionName?: (code: string) => string | undefined): string {
  const exportParams = exportParamsOf(job);
  if (exportParams) {
    const region = exportSummaryOf(job)?.regionName ?? regionName?.(exportParams.region) ?? exportParams.region;
    const parts = [labels.export({ region, year: exportParams.year })];
    if (exportParams.asOf) parts.push(labels.asOf(exportParams.asOf));
    return parts.join(' · ');
  }
  const importParams = importParamsOf(job);
  if (!importParams) return '';
  const parts = [labels.mode(importParams.mode), importParams.dryRun ? labels.dryRun : labels.commit];
  if (job.inputName) parts.unshift(job.inputName);
  return parts.join(' · ');
}

/** Rows an import would write (read minus rejected). */
export function validRows(result: Pick<ImportResult, 'total' | 'rejectedRows'>): number {
  return Math.max(0, result.total - result.rejectedRows);
}

/**
 * A succeeded dry run can be committed when committing would write something: every row is good,
 * or the user keeps the good rows and there are some (all-or-nothing with a bad row writes nothing).
 */
export function canCommit(job: FileJobInfo): boolean {
  const params = importParamsOf(job);
  const result = importResultOf(job);
  if (!params || !result || job.status !== 'succeeded' || !params.dryRun || result.committed) return false;
  if (validRows(result) === 0) return false;
  return params.mode === 'keep-valid' || result.rejectedRows === 0;
}

/** The name an export is saved under: the summary's suggestion, else what the API stored, else a generic one. */
export function downloadNameOf(job: FileJobInfo, fallback = '附件.xlsx'): string {
  return exportSummaryOf(job)?.fileName ?? job.outputName ?? fallback;
}

const XLSX = /\.xlsx$/i;

export function isXlsxName(name: string): boolean {
  return XLSX.test(name);
}

/** `名录.xlsx` → `名录-错误报告.xlsx`. */
export function errorReportName(inputName: string | null, suffix = '错误报告'): string {
  const base = (inputName ?? '').replace(XLSX, '') || 'import';
  return `${base}-${suffix}.xlsx`;
}
