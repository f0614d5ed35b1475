import type { AttachmentExportParams, FileJobInfo, ImportMode, ListExport } from '@cqo/contracts';
import type { DownloadedFile, RequestOptions } from './request';
import { apiPath, hasFieldErrors, request, requestFile } from './request';

// Long spreadsheet jobs (issue 7): the API queues them and answers 202 with the job; the worker
// runs them; the pages poll the job until it has finished.

/** Field errors (details[]: region, year, asOf) are shown under the form items by the caller. */
export function createAttachmentExport(params: AttachmentExportParams): Promise<FileJobInfo> {
  return request<FileJobInfo>('POST', '/files/exports/attachment', { body: params, silent: hasFieldErrors });
}

/** A refused upload (too large, not xlsx, wrong columns) comes back as a detail on `file`. */
export function createRosterImport(file: File, mode: ImportMode, dryRun: boolean): Promise<FileJobInfo> {
  const body = new FormData();
  body.append('mode', mode);
  body.append('dryRun', String(dryRun));
  body.append('file', file, file.name);
  return request<FileJobInfo>('POST', '/files/imports/roster', { body, silent: hasFieldErrors });
}

/** Imports the upload of a succeeded dry run for real, with the same mode: a new job. */
export function commitRosterImport(dryRunJobId: string): Promise<FileJobInfo> {
  return request<FileJobInfo>('POST', `/files/jobs/${encodeURIComponent(dryRunJobId)}/commit`);
}

/** The current user's unexpired jobs, newest first. */
export function fetchFileJobs(options: Pick<RequestOptions, 'silent'> = {}): Promise<FileJobInfo[]> {
  return request<FileJobInfo[]>('GET', '/files/jobs', options);
}

export function fetchFileJob(id: string, options: Pick<RequestOptions, 'silent'> = {}): Promise<FileJobInfo> {
  return request<FileJobInfo>('GET', `/files/jobs/${encodeURIComponent(id)}`, options);
}

/** Asks the worker to stop; the job reports `cancelled` once it has. */
export function cancelFileJob(id: string): Promise<FileJobInfo> {
  return request<FileJobInfo>('POST', `/files/jobs/${encodeURIComponent(id)}/cancel`);
}

/** The produced file (`downloadUrl` is an `/api/...` path that needs the bearer token). */
export function downloadFileJob(job: Pick<FileJobInfo, 'id' | 'downloadUrl'>): Promise<DownloadedFile> {
  const path = job.downloadUrl ? apiPath(job.downloadUrl) : `/files/jobs/${encodeURIComponent(job.id)}/download`;
  return requestFile('GET', path);
}

/** `url` is the job's or the result's `errorReportUrl`. */
export function downloadRosterErrorReport(url: string): Promise<DownloadedFile> {
  return requestFile('GET', apiPath(url));
}

export function downloadRosterTemplate(): Promise<DownloadedFile> {
  return requestFile('GET', '/roster/template');
}

/**
 * The export of what a list shows (issue 20 items 3, 6): the list's own query (filters and sort,
 * without paging) and its visible columns; a file job like the attachment's.
 */
export function createListExport(list: ListExport, query: object, columns: readonly string[]): Promise<FileJobInfo> {
  return request<FileJobInfo>('POST', `/files/exports/${list}`, { query, body: { columns } });
}
