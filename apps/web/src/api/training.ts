import type {
  CreateTrainingRecordRequest,
  FileJobInfo,
  ImportMode,
  IssueTrainingCertificateRequest,
  LedgerVerification,
  Page,
  PublicTrainingVerification,
  ReverseTrainingRecordRequest,
  ShortfallPage,
  ShortfallQuery,
  TrainingCertificate,
  TrainingProgress,
  TrainingRecordItem,
  TrainingRecordQuery,
} from '@cqo/contracts';
import type { DownloadedFile } from './request';
import { apiPath, hasFieldErrors, request, requestFile } from './request';

/** An enterprise user may leave `enterpriseId` out: its own enterprise. */
export function fetchTrainingProgress(query: { enterpriseId?: string; year?: number }): Promise<TrainingProgress> {
  return request<TrainingProgress>('GET', '/training/progress', { query });
}

export function fetchTrainingRecords(query: TrainingRecordQuery): Promise<Page<TrainingRecordItem>> {
  return request<Page<TrainingRecordItem>>('GET', '/training/records', { query });
}

/** Field errors (details[]) are shown under the form items by the caller; other errors as a toast. */
export function createTrainingRecord(body: CreateTrainingRecordRequest): Promise<TrainingRecordItem> {
  return request<TrainingRecordItem>('POST', '/training/records', { body, silent: hasFieldErrors });
}

/** Returns the reversal record; the cancelled entry then carries its id in `reversedBy`. */
export function reverseTrainingRecord(id: string, body: ReverseTrainingRecordRequest): Promise<TrainingRecordItem> {
  return request<TrainingRecordItem>('POST', `/training/records/${encodeURIComponent(id)}/reversal`, {
    body,
    silent: hasFieldErrors,
  });
}

export function fetchTrainingShortfall(query: ShortfallQuery): Promise<ShortfallPage> {
  return request<ShortfallPage>('GET', '/training/shortfall', { query });
}

/** Issues a 学时证明, or returns the current one when the hours have not changed since. */
export function issueTrainingCertificate(body: IssueTrainingCertificateRequest): Promise<TrainingCertificate> {
  return request<TrainingCertificate>('POST', '/training/certificates', { body });
}

/** 404 is shown by the certificate page itself (unknown code or outside the user's scope). */
export function fetchTrainingCertificate(code: string): Promise<TrainingCertificate> {
  return request<TrainingCertificate>('GET', `/training/certificates/${encodeURIComponent(code)}`, {
    silent: (error) => error.status === 404,
  });
}

/**
 * The login-free check behind `/verify/<code>`: no token is sent (a signed-in visitor sees what
 * anyone sees), and the page words every outcome itself (404, 429) rather than a toast.
 */
export function verifyTrainingCertificate(code: string): Promise<PublicTrainingVerification> {
  return request<PublicTrainingVerification>('GET', `/public/verify/${encodeURIComponent(code)}`, {
    auth: false,
    silent: true,
  });
}

/**
 * Stores the upload and queues the import (202, issue 18 item 1): the answer is the file job, which
 * the page polls (GET /files/jobs/:id) until its `result` (the ImportResult) is there. A refused
 * upload (too large, not xlsx) comes back as a detail on `file`.
 */
export function importTraining(file: File, mode: ImportMode): Promise<FileJobInfo> {
  const body = new FormData();
  body.append('mode', mode);
  body.append('file', file, file.name);
  return request<FileJobInfo>('POST', '/training/imports', { body, silent: hasFieldErrors });
}

export function downloadTrainingTemplate(): Promise<DownloadedFile> {
  return requestFile('GET', '/training/imports/template');
}

/** `url` is the result's `errorReportUrl` (an `/api/...` path that needs the bearer token). */
export function downloadImportErrorReport(url: string): Promise<DownloadedFile> {
  return requestFile('GET', apiPath(url));
}

export function verifyTrainingLedger(): Promise<LedgerVerification> {
  return request<LedgerVerification>('POST', '/admin/training-ledger/verify');
}
