import type {
  AnnualReportDetail,
  BulkAcceptRequest,
  BulkAcceptResult,
  CityReportDetail,
  CityReportListItem,
  FilingSettings,
  FilingStatusQuery,
  FilingStatusResponse,
  Page,
  RemindRequest,
  RemindResult,
  ReviewQueueItem,
  ReviewQueueQuery,
  ReviewRequest,
  SaveAnnualReportRequest,
  SaveCityReportRequest,
  SubmitAnnualReportRequest,
  UpdateFilingSettingsRequest,
} from '@cqo/contracts';
import type { DownloadedFile } from './request';
import { apiPath, hasFieldErrors, request, requestFile } from './request';

// The yearly reporting cycle (SPEC §2): settings, enterprise annual reports and their review,
// the status view with 催报, and the city reports. Every write carries the version last read;
// a stale one comes back as 409 with a message the page shows before reloading.

const enc = encodeURIComponent;
const byEnterprise = (enterpriseId: string, year: number) => `/annual-reports/by-enterprise/${enc(enterpriseId)}/${year}`;
const cityReport = (regionCode: string, year: number) => `/city-reports/${enc(regionCode)}/${year}`;

export function fetchFilingSettings(year: number): Promise<FilingSettings> {
  return request<FilingSettings>('GET', `/filing-settings/${year}`);
}

/** Field errors (details[]) are shown under the form items by the caller. */
export function updateFilingSettings(year: number, body: UpdateFilingSettingsRequest): Promise<FilingSettings> {
  return request<FilingSettings>('PUT', `/filing-settings/${year}`, { body, silent: hasFieldErrors });
}

/** Always answers for a year in scope: `status: 'not-started'` and `id: null` before the first save. */
export function fetchEnterpriseAnnualReport(enterpriseId: string, year: number): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('GET', byEnterprise(enterpriseId, year));
}

export function saveAnnualReport(enterpriseId: string, year: number, body: SaveAnnualReportRequest): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('PUT', byEnterprise(enterpriseId, year), { body, silent: hasFieldErrors });
}

/** 400 with `details[{ field: 'explanation' }]` when a soft rule fails and no 上报说明 was given. */
export function submitAnnualReport(enterpriseId: string, year: number, body: SubmitAnnualReportRequest): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('POST', `${byEnterprise(enterpriseId, year)}/submit`, { body, silent: hasFieldErrors });
}

export function fetchAnnualReport(id: string): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('GET', `/annual-reports/${enc(id)}`);
}

export function acceptAnnualReport(id: string, body: ReviewRequest): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('POST', `/annual-reports/${enc(id)}/accept`, { body, silent: hasFieldErrors });
}

export function returnAnnualReport(id: string, body: ReviewRequest): Promise<AnnualReportDetail> {
  return request<AnnualReportDetail>('POST', `/annual-reports/${enc(id)}/return`, { body, silent: hasFieldErrors });
}

/** The server skips reports with soft-rule hits or not submitted, and says why for each. */
export function bulkAcceptAnnualReports(body: BulkAcceptRequest): Promise<BulkAcceptResult> {
  return request<BulkAcceptResult>('POST', '/annual-reports/bulk-accept', { body });
}

export function fetchReviewQueue(query: ReviewQueueQuery): Promise<Page<ReviewQueueItem>> {
  return request<Page<ReviewQueueItem>>('GET', '/annual-reports/queue', { query });
}

export function fetchFilingStatus(query: FilingStatusQuery): Promise<FilingStatusResponse> {
  return request<FilingStatusResponse>('GET', '/annual-reports/status', { query });
}

/** Without `enterpriseIds`: every expected enterprise in scope that has not submitted. */
export function remindEnterprises(body: RemindRequest): Promise<RemindResult> {
  return request<RemindResult>('POST', '/annual-reports/remind', { body });
}

export function fetchCityReports(year: number): Promise<CityReportListItem[]> {
  return request<CityReportListItem[]>('GET', '/city-reports', { query: { year } });
}

export function fetchCityReport(regionCode: string, year: number): Promise<CityReportDetail> {
  return request<CityReportDetail>('GET', cityReport(regionCode, year));
}

export function saveCityReport(regionCode: string, year: number, body: SaveCityReportRequest): Promise<CityReportDetail> {
  return request<CityReportDetail>('PUT', cityReport(regionCode, year), { body, silent: hasFieldErrors });
}

/** The server freezes the snapshot at submission. */
export function submitCityReport(regionCode: string, year: number, body: SaveCityReportRequest): Promise<CityReportDetail> {
  return request<CityReportDetail>('POST', `${cityReport(regionCode, year)}/submit`, { body, silent: hasFieldErrors });
}

export function acceptCityReport(regionCode: string, year: number, body: ReviewRequest): Promise<CityReportDetail> {
  return request<CityReportDetail>('POST', `${cityReport(regionCode, year)}/accept`, { body, silent: hasFieldErrors });
}

export function returnCityReport(regionCode: string, year: number, body: ReviewRequest): Promise<CityReportDetail> {
  return request<CityReportDetail>('POST', `${cityReport(regionCode, year)}/return`, { body, silent: hasFieldErrors });
}

/** `url` is a report's `attachmentUrl`; an `/api/...` path needs the bearer token, so it is fetched. */
export function downloadCityReportAttachment(url: string): Promise<DownloadedFile> {
  return requestFile('GET', apiPath(url));
}

/** One e-mail or SMS to an enterprise's user (issue 22); the address is masked by the server. */
export interface MessageDelivery {
  id: string;
  userId: string;
  username: string;
  channel: 'email' | 'sms';
  address: string | null;
  kind: string;
  subject: string;
  status: 'queued' | 'sent' | 'failed' | 'not-sent';
  reason: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

/** The e-mail / SMS log of an enterprise, next to its 催报 in 报送情况. */
export function fetchEnterpriseMessages(enterpriseId: string): Promise<{ items: MessageDelivery[] }> {
  return request<{ items: MessageDelivery[] }>('GET', '/annual-reports/status/messages', { query: { enterpriseId } });
}

/** The signed-in user's contact details and e-mail / SMS opt-out (issue 22). */
export interface MessagePreferences {
  email: string | null;
  phone: string | null;
  channels: { channel: 'email' | 'sms'; enabled: boolean; configured: boolean }[];
}

export function fetchMessagePreferences(): Promise<MessagePreferences> {
  return request<MessagePreferences>('GET', '/me/message-preferences');
}

export function saveMessagePreferences(body: { email: string | null; phone: string | null; emailEnabled: boolean; smsEnabled: boolean }): Promise<MessagePreferences> {
  return request<MessagePreferences>('PUT', '/me/message-preferences', { body });
}
