import { HttpException } from '@nestjs/common';
import type { ApiErrorDetail, ErrorCode } from '@cqo/contracts';

/** Every deliberate error the API answers with: a code, a Chinese message, field details. */
export class AppException extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message, status);
  }

  /** The one answer for an object outside the caller's scope, and for one that does not exist. */
  static notFound(what = '对象'): AppException {
    return new AppException(404, 'NOT_FOUND', `${what}不存在或无权访问`);
  }

  static validation(details: ApiErrorDetail[]): AppException {
    return new AppException(400, 'VALIDATION_FAILED', details[0]?.message ?? '提交的数据有误', details);
  }

  static conflict(message: string): AppException {
    return new AppException(409, 'CONFLICT', message);
  }

  static forbidden(message = '无权执行该操作'): AppException {
    return new AppException(403, 'FORBIDDEN', message);
  }
}
