import type { CreateUserRequest, Page, Role, UserAdminItem } from '@cqo/contracts';
import { request } from './request';

export function fetchUsers(query: { q?: string; role?: Role; sort?: string; page?: number; pageSize?: number }): Promise<Page<UserAdminItem>> {
  return request<Page<UserAdminItem>>('GET', '/users', { query });
}

export function createUser(body: CreateUserRequest): Promise<UserAdminItem> {
  return request<UserAdminItem>('POST', '/users', { body });
}

export function userAction(id: string, action: 'disable' | 'enable' | 'unlock'): Promise<UserAdminItem> {
  return request<UserAdminItem>('POST', `/users/${encodeURIComponent(id)}/${action}`);
}

export function resetUserPassword(id: string, password: string): Promise<UserAdminItem> {
  return request<UserAdminItem>('POST', `/users/${encodeURIComponent(id)}/reset-password`, { body: { password } });
}
