import type {
  Page,
  RecordViolationRequest,
  UpdateViolationStatusRequest,
  ViolationItem,
  ViolationListQuery,
  VoidedViolationItem,
  VoidViolationRequest,
} from '@cqo/contracts';
import { hasFieldErrors, request } from './request';

export function fetchViolations(query: ViolationListQuery): Promise<Page<ViolationItem>> {
  return request<Page<ViolationItem>>('GET', '/violations', { query });
}

/** Field errors (details[]) are shown under the form items by the caller; other errors as a toast. */
export function recordViolation(body: RecordViolationRequest): Promise<ViolationItem> {
  return request<ViolationItem>('POST', '/violations', { body, silent: hasFieldErrors });
}

/** 撤销 a violation recorded by mistake (the recording level or above, with a reason). */
export function voidViolation(id: string, body: VoidViolationRequest): Promise<VoidedViolationItem> {
  return request<VoidedViolationItem>('POST', `/violations/${encodeURIComponent(id)}/void`, { body, silent: hasFieldErrors });
}

export function updateViolationStatus(id: string, body: UpdateViolationStatusRequest): Promise<ViolationItem> {
  return request<ViolationItem>('PATCH', `/violations/${encodeURIComponent(id)}`, {
    body,
    silent: hasFieldErrors,
  });
}
