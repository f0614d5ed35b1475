import type {
  CloseEnterpriseRequest,
  CreateEnterpriseRequest,
  EnterpriseChangeRequest,
  EnterpriseChangeRequestQuery,
  EnterpriseDetail,
  EnterpriseListItem,
  EnterpriseListQuery,
  Page,
  ReopenEnterpriseRequest,
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

/**
 * Field errors (details[]) are shown under the form items by the caller; other errors as a toast.
 * The answer is the saved enterprise, or (202) the change request when the enterprise itself asked
 * to change 规上, size, awards or region (issue 18 item 4): those wait for an officer.
 */
export function updateEnterprise(id: string, body: UpdateEnterpriseRequest): Promise<EnterpriseDetail | EnterpriseChangeRequest> {
  return request<EnterpriseDetail | EnterpriseChangeRequest>('PATCH', `/enterprises/${encodeURIComponent(id)}`, {
    body,
    silent: hasFieldErrors,
  });
}

export function isChangeRequest(value: EnterpriseDetail | EnterpriseChangeRequest): value is EnterpriseChangeRequest {
  return 'changes' in value && 'enterpriseId' in value;
}

export function fetchChangeRequests(query: EnterpriseChangeRequestQuery): Promise<Page<EnterpriseChangeRequest>> {
  return request<Page<EnterpriseChangeRequest>>('GET', '/enterprise-change-requests', { query: { ...query } });
}

export function approveChangeRequest(id: string): Promise<EnterpriseChangeRequest> {
  return request<EnterpriseChangeRequest>('POST', `/enterprise-change-requests/${encodeURIComponent(id)}/approve`, { body: {} });
}

/** A missing reason comes back as a field error on `reason`, shown under the dialog's input. */
export function rejectChangeRequest(id: string, reason: string): Promise<EnterpriseChangeRequest> {
  return request<EnterpriseChangeRequest>('POST', `/enterprise-change-requests/${encodeURIComponent(id)}/reject`, {
    body: { reason },
    silent: hasFieldErrors,
  });
}

/** Field errors (details[]: a wrong credit-code check character names the character) go under the form items. */
export function createEnterprise(body: CreateEnterpriseRequest): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('POST', '/enterprises', { body, silent: hasFieldErrors });
}

/** 注销 / 吊销 / 迁出 from a date (issue 17); field errors (a future date, a date before the CQO took office) go under the dialog's items. */
export function closeEnterprise(id: string, body: CloseEnterpriseRequest): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('POST', `/enterprises/${encodeURIComponent(id)}/close`, { body, silent: hasFieldErrors });
}

/** Open again from a date on. */
export function reopenEnterprise(id: string, body: ReopenEnterpriseRequest): Promise<EnterpriseDetail> {
  return request<EnterpriseDetail>('POST', `/enterprises/${encodeURIComponent(id)}/reopen`, { body, silent: hasFieldErrors });
}
