import type {
  CreateEnterpriseRequest,
  EnterpriseDetail,
  EnterpriseListItem,
  EnterpriseListQuery,
  Page,
  UpdateEnterpriseRequest,
} from '@cqo/contracts';
import { hasFieldErrors, request } from './request';

export function fetchEnterprises(query: EnterpriseListQuery): Promise<Page<EnterpriseListItem>> {
  return request<Page<EnterpriseListItem>>('GET', '/enterprises', { query });
}

/** 404 is shown by the detail page itself (not found or outside the user's scope). */
export function fetchEnterprise(id: string): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('GET', `/enterprises/${encodeURIComponent(id)}`, {
    silent: (error) => error.status === 404,
  });
}

/** Field errors (details[]) are shown under the form items by the caller; other errors as a toast. */
export function updateEnterprise(id: string, body: UpdateEnterpriseRequest): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('PATCH', `/enterprises/${encodeURIComponent(id)}`, {
    body,
    silent: hasFieldErrors,
  });
}

/** Field errors (details[]: a wrong credit-code check character names the character) go under the form items. */
export function createEnterprise(body: CreateEnterpriseRequest): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('POST', '/enterprises', { body, silent: hasFieldErrors });
}
