import type { ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse } from '@cqo/contracts';
import { request } from './request';

/** Errors (wrong password, locked account, too many attempts) are shown on the form, not as toasts. */
export function login(body: LoginRequest): Promise<LoginResponse> {
  return request<LoginResponse>('POST', '/auth/login', { body, auth: false, silent: true });
}

export function logout(): Promise<void> {
  return request<void>('POST', '/auth/logout', { silent: true });
}

export function fetchMe(): Promise<MeResponse> {
  return request<MeResponse>('GET', '/auth/me');
}

/**
 * Changes the password (every other session of the user is signed out). Field errors (wrong current
 * password, a password the policy refuses) are shown under the form items.
 */
export function changePassword(body: ChangePasswordRequest): Promise<void> {
  return request<void>('POST', '/auth/password', { body, silent: (error) => error.details.length > 0 });
}
