import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiError, ErrorCode } from '@cqo/contracts';
import { AppException } from './app-exception';

const BY_STATUS: Record<number, [ErrorCode, string]> = {
  400: ['VALIDATION_FAILED', '请求有误'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '无权执行该操作'],
  404: ['NOT_FOUND', '对象不存在或无权访问'],
  409: ['CONFLICT', '数据已被修改，请刷新后重试'],
  413: ['VALIDATION_FAILED', '提交的内容过大'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
};

/** Turns every error into the one shape `{statusCode, code, message, details[]}`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException && exception.getStatus() === 503) {
      // Health checks answer with terminus's own report, which load balancers and operators read.
      res.status(503).json(exception.getResponse());
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ApiError {
    if (exception instanceof AppException) {
      return { statusCode: exception.getStatus(), code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 413 && exception.message === 'File too large') {
        // multer stopped reading an upload at its size limit: a field error on the file.
        // Routes declared with @FileUpload name their own limit (fileTooLarge); this is the fallback.
        const message = '上传的文件超过了大小限制';
        return { statusCode: status, code: 'VALIDATION_FAILED', message, details: [{ field: 'file', code: 'tooLarge', message }] };
      }
      const [code, message] = BY_STATUS[status] ?? ['INTERNAL', '请求失败'];
      return { statusCode: status, code, message, details: [] };
    }
    // The body parser's own refusals (http-errors with `expose`), e.g. a body over the 100 KB limit.
    const parser = exception as { type?: unknown; status?: unknown; expose?: unknown };
    if (parser && typeof parser === 'object' && parser.expose === true && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      const status = parser.status;
      if (parser.type === 'entity.too.large') {
        const message = '提交的内容超过了大小限制（100 KB），请精简后重试';
        return { statusCode: 413, code: 'VALIDATION_FAILED', message, details: [{ field: 'body', code: 'tooLarge', message }] };
      }
      const [code, message] = BY_STATUS[status] ?? ['VALIDATION_FAILED', '请求有误'];
      return { statusCode: status, code, message, details: [] };
    }
    return { statusCode: 500, code: 'INTERNAL', message: '服务器内部错误，请稍后再试', details: [] };
  }
}
