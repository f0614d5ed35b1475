import type { AuditEntry, AuditListQuery, Page } from '@cqo/contracts';
import { request } from './request';

export function fetchAuditLog(query: AuditListQuery): Promise<Page<AuditEntry>> {
  return request<Page<AuditEntry>>('GET', '/audit', { query });
}
