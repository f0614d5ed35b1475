import type { AssessmentResponse, AssessmentWeights, DashboardResponse, RegionStats, StatRunInfo, StatSettings, StatTarget } from '@cqo/contracts';
import { request } from './request';
import type { RequestOptions } from './request';

export interface DashboardQuery {
  /** Defaults to the user's scope root. */
  region?: string;
  year?: number;
}

/** One region's dashboard: its figures, its children, the trend, the 市州 ranking. 404 outside the scope. */
export function fetchDashboard(query: DashboardQuery, options: Pick<RequestOptions, 'silent'> = {}): Promise<DashboardResponse> {
  return request<DashboardResponse>('GET', '/stats/dashboard', { query, ...options });
}

export function fetchRegionStats(code: string, query: { year?: number; asOf?: string } = {}): Promise<RegionStats> {
  return request<RegionStats>('GET', `/stats/regions/${encodeURIComponent(code)}`, { query });
}

/** The yearly 市州 assessment; `sort` (a RANKING_SORT_KEYS key, `-` first for descending) orders the rows, by rank otherwise. */
export function fetchAssessment(year?: number, sort?: string): Promise<AssessmentResponse> {
  return request<AssessmentResponse>('GET', '/stats/assessment', { query: { year, sort: sort || undefined } });
}

export function fetchStatSettings(): Promise<StatSettings> {
  return request<StatSettings>('GET', '/stats/settings');
}

export interface StatSettingsBody {
  targets: StatTarget[];
  weights: AssessmentWeights;
}

/** Field errors (targets.0.value, weights.sme, weights …) are left to the form to show. */
export function saveStatSettings(body: StatSettingsBody, options: Pick<RequestOptions, 'silent'> = {}): Promise<StatSettings> {
  return request<StatSettings>('PUT', '/stats/settings', { body, ...options });
}

export function fetchStatRuns(): Promise<StatRunInfo[]> {
  return request<StatRunInfo[]>('GET', '/stats/runs');
}

/** Queues a full re-aggregation (of one year, or of every year when omitted). */
export function rebuildStats(year?: number): Promise<{ queued: true }> {
  return request<{ queued: true }>('POST', '/stats/rebuild', { body: year === undefined ? {} : { year } });
}

/**
 * Admin only: a short-lived cookie session for the queue dashboard (Bull Board), which is a
 * separate page the bearer token cannot reach; returns where to open it.
 */
export function openQueueBoardSession(): Promise<{ url: string }> {
  return request<{ url: string }>('POST', '/admin/queues/session');
}
