import type {
  Page,
  RecordViolationRequest,
  UpdateViolationStatusRequest,
  ViolationItem,
  ViolationListQuery,
} from '@cqo/contracts';
import { hasFieldErrors, request } from './request';

export function fetchViolations(query: ViolationListQuery): Promise<Page<ViolationItem>> {
  return request<Page<ViolationItem>>('GET', '/violations', { query });
}

/** Field errors (details[]) are shown under the form items by the caller; other errors as a toast. */
export function recordViolation(body: RecordViolationRequest): Promise<ViolationItem> {
  return request<ViolationItem>('POST', '/violations', { body, silent: hasFieldErrors });
}

export function updateViolationStatus(id: string, body: UpdateViolationStatusRequest): Promise<ViolationItem> {
  return request<ViolationItem>('PATCH', `/violations/${encodeURIComponent(id)}`, {
    body,
    silent: hasFieldErrors,
  });
}
