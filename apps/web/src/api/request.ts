// The one HTTP client: bearer token, Accept-Language, the API's error shape shown as is, and a
// single refresh-and-retry when the access token has expired.
import { ERROR_CODES } from '@cqo/contracts';
import type { ApiErrorDetail, ErrorCode, TokenResponse } from '@cqo/contracts';
import { getLocale, i18n } from '@/locales';
import { tokenStorage } from '@/utils/token-storage';

const API_BASE = '/api';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined;

/** An error the client could not even send or read (no API error body). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | typeof NETWORK_ERROR,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** The first server message for `field`, for showing under a form item. */
  detailFor(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field)?.message;
  }
}

export interface RequestOptions {
  query?: object;
  body?: unknown;
  /** Send the bearer token and handle 401s as session problems (default true). */
  auth?: boolean;
  /**
   * Don't show the error message as a toast; the caller shows it (e.g. inline on the login form).
   * A function decides per error.
   */
  silent?: boolean | ((error: ApiRequestError) => boolean);
}

let onSessionEndedHandler: (() => void) | null = null;
let refreshing: Promise<boolean> | null = null;

/** Called once when a session ends (expired beyond refresh, ended on the server, or revoked). */
export function onSessionEnded(handler: () => void): void {
  onSessionEndedHandler = handler;
}

function buildUrl(path: string, query?: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}) as [string, QueryValue][]) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

function headers(withToken: boolean, hasBody: boolean): Headers {
  const result = new Headers({ Accept: 'application/json', 'Accept-Language': getLocale() });
  if (hasBody) result.set('Content-Type', 'application/json');
  const token = withToken ? tokenStorage.get() : null;
  if (token) result.set('Authorization', `Bearer ${token}`);
  return result;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function toDetails(value: unknown): ApiErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is ApiErrorDetail =>
      isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string',
  );
}

async function readError(response: Response): Promise<ApiRequestError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not the API's JSON (e.g. a proxy error page): fall back to a generic message.
  }
  const fallback = i18n.global.t('common.requestFailed', { status: response.status });
  if (!isRecord(body)) return new ApiRequestError(response.status, 'INTERNAL', fallback);
  const code = isErrorCode(body.code) ? body.code : 'INTERNAL';
  const message = typeof body.message === 'string' && body.message ? body.message : fallback;
  return new ApiRequestError(response.status, code, message, toDetails(body.details));
}

async function send(method: HttpMethod, url: string, options: RequestOptions): Promise<Response> {
  const hasBody = options.body !== undefined;
  try {
    return await fetch(url, {
      method,
      headers: headers(options.auth !== false, hasBody),
      body: hasBody ? JSON.stringify(options.body) : undefined,
    });
  } catch {
    throw new ApiRequestError(0, NETWORK_ERROR, i18n.global.t('common.networkError'));
  }
}

async function refreshToken(): Promise<boolean> {
  try {
    const response = await send('POST', buildUrl('/auth/refresh'), {});
    if (!response.ok) return false;
    const tokens = (await response.json()) as TokenResponse;
    tokenStorage.set(tokens.accessToken);
    return true;
  } catch {
    return false;
  }
}

/** Concurrent requests that hit an expired token share one refresh call. */
function refreshOnce(): Promise<boolean> {
  refreshing ??= refreshToken().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Marks errors whose message was already shown (the session-ended notice). */
const handledErrors = new WeakSet<ApiRequestError>();

function endSession(error: ApiRequestError): ApiRequestError {
  handledErrors.add(error);
  // Several requests may fail together; only the first one (token still present) notifies.
  if (tokenStorage.get() === null) return error;
  tokenStorage.clear();
  onSessionEndedHandler?.();
  return error;
}

async function execute<T>(method: HttpMethod, path: string, options: RequestOptions, retried: boolean): Promise<T> {
  const response = await send(method, buildUrl(path, options.query), options);
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const error = await readError(response);
  if (response.status === 401 && options.auth !== false) {
    if (error.code === 'TOKEN_EXPIRED' && !retried && (await refreshOnce())) {
      return execute<T>(method, path, options, true);
    }
    throw endSession(error);
  }
  throw error;
}

function isSilent(options: RequestOptions, error: ApiRequestError): boolean {
  if (typeof options.silent === 'function') return options.silent(error);
  return options.silent === true;
}

export async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await execute<T>(method, path, options, false);
  } catch (error) {
    if (error instanceof ApiRequestError && !handledErrors.has(error) && !isSilent(options, error)) {
      ElMessage.error({ message: error.message, grouping: true });
    }
    throw error;
  }
}

/** `silent` for form submissions: field errors (details[]) are shown under the form items, the rest as a toast. */
export function hasFieldErrors(error: ApiRequestError): boolean {
  return error.details.length > 0;
}
