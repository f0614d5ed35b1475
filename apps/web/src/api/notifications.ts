import type { NotificationList } from '@cqo/contracts';
import { request } from './request';

export interface NotificationQuery {
  unreadOnly?: boolean;
  page?: number;
  pageSize?: number;
}

/**
 * `silent`: the header polls this every minute; a failed poll must not toast on every page.
 * The full page passes `silent: false`.
 */
export function fetchNotifications(query: NotificationQuery, silent = true): Promise<NotificationList> {
  return request<NotificationList>('GET', '/notifications', { query, silent });
}

export function markNotificationRead(id: string): Promise<void> {
  return request<void>('POST', `/notifications/${encodeURIComponent(id)}/read`);
}

export function markAllNotificationsRead(): Promise<void> {
  return request<void>('POST', '/notifications/read-all');
}
