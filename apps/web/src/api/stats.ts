import type { OverviewQuery, OverviewResponse } from '@cqo/contracts';
import { request } from './request';

export function fetchOverview(query: OverviewQuery): Promise<OverviewResponse> {
  return request<OverviewResponse>('GET', '/stats/overview', { query });
}
