// The one HTTP client: bearer token, Accept-Language, the API's error shape shown as is, and a
// single refresh-and-retry when the access token has expired.
//
// Refresh rotates the token (issue 18, ASVS V3.3): the token sent to /auth/refresh is retired, and
// presenting it again after the server's short grace ends the session. So a tab refreshes at most
// once at a time (`refreshOnce`), and a request that failed with a token that has since been
// replaced (another request refreshed meanwhile) is retried with the new one instead of refreshing
// with the retired one.
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
  /** JSON, or a FormData sent as multipart (the browser sets its boundary). */
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
let onPasswordChangeRequiredHandler: (() => void) | null = null;
let refreshing: Promise<boolean> | null = null;

/** Called once when a session ends (expired beyond refresh, ended on the server, or revoked). */
export function onSessionEnded(handler: () => void): void {
  onSessionEndedHandler = handler;
}

/** Called when the API answers 403 PASSWORD_CHANGE_REQUIRED (a new or reset account, ASVS V2.5.1). */
export function onPasswordChangeRequired(handler: () => void): void {
  onPasswordChangeRequiredHandler = handler;
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

function headers(token: string | null, jsonBody: boolean): Headers {
  const result = new Headers({ Accept: 'application/json', 'Accept-Language': getLocale() });
  if (jsonBody) result.set('Content-Type', 'application/json');
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

/** Sends with `token` (the stored one when omitted; none when `options.auth` is false). */
async function send(method: HttpMethod, url: string, options: RequestOptions, token = options.auth !== false ? tokenStorage.get() : null): Promise<Response> {
  const { body } = options;
  const multipart = body instanceof FormData;
  const jsonBody = body !== undefined && !multipart;
  try {
    return await fetch(url, {
      method,
      headers: headers(token, jsonBody),
      body: multipart ? body : jsonBody ? JSON.stringify(body) : undefined,
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

type ReadBody<T> = (response: Response) => Promise<T>;

async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function execute<T>(method: HttpMethod, path: string, options: RequestOptions, read: ReadBody<T>, retried: boolean): Promise<T> {
  const sent = options.auth !== false ? tokenStorage.get() : null;
  const response = await send(method, buildUrl(path, options.query), options, sent);
  if (response.ok) return read(response);
  const error = await readError(response);
  if (response.status === 401 && options.auth !== false) {
    if (error.code === 'TOKEN_EXPIRED' && !retried) {
      // Refreshed by another request since this one was sent: retry with the new token, never
      // refresh with the retired one (that would be a reuse).
      const current = tokenStorage.get();
      if (current && current !== sent) return execute<T>(method, path, options, read, true);
      if (await refreshOnce()) return execute<T>(method, path, options, read, true);
    }
    throw endSession(error);
  }
  if (response.status === 403 && error.code === 'PASSWORD_CHANGE_REQUIRED' && options.auth !== false) {
    handledErrors.add(error);
    onPasswordChangeRequiredHandler?.();
  }
  throw error;
}

function isSilent(options: RequestOptions, error: ApiRequestError): boolean {
  if (typeof options.silent === 'function') return options.silent(error);
  return options.silent === true;
}

async function run<T>(method: HttpMethod, path: string, options: RequestOptions, read: ReadBody<T>): Promise<T> {
  try {
    return await execute<T>(method, path, options, read, false);
  } catch (error) {
    if (error instanceof ApiRequestError && !handledErrors.has(error) && !isSilent(options, error)) {
      ElMessage.error({ message: error.message, grouping: true });
    }
    throw error;
  }
}

export function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  return run<T>(method, path, options, readJson);
}

export interface DownloadedFile {
  blob: Blob;
  /** From Content-Disposition (RFC 5987 filename* first); null when the API names none. */
  fileName: string | null;
}

/** The file name an API response proposes, e.g. `attachment; filename*=UTF-8''%E6%A8%A1%E6%9D%BF.xlsx`. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1].trim());
    } catch {
      // A malformed escape: fall through to the plain filename.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim() : null;
}

async function readFile(response: Response): Promise<DownloadedFile> {
  return { blob: await response.blob(), fileName: fileNameOf(response.headers.get('Content-Disposition')) };
}

/**
 * A file behind the bearer token (a plain link cannot send it): fetched as a blob, with the same
 * session handling and error messages as `request`.
 */
export function requestFile(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<DownloadedFile> {
  return run<DownloadedFile>(method, path, options, readFile);
}

/** An API-relative path (`/training/...`) from a URL the API returned with its `/api` prefix. */
export function apiPath(url: string): string {
  return url.startsWith(`${API_BASE}/`) ? url.slice(API_BASE.length) : url;
}

/** `silent` for form submissions: field errors (details[]) are shown under the form items, the rest as a toast. */
export function hasFieldErrors(error: ApiRequestError): boolean {
  return error.details.length > 0;
}
