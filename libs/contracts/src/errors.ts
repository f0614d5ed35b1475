/** The one error shape every API error uses (STYLE §5). `message` is Chinese and shown as is. */
export interface ApiErrorDetail {
  field: string;
  code: string;
  message: string;
}

export interface ApiError {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details: ApiErrorDetail[];
}

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'SESSION_ENDED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'PASSWORD_CHANGE_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
