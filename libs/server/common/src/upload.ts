import { applyDecorators, Injectable, PayloadTooLargeException, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiConsumes } from '@nestjs/swagger';
import { catchError, throwError, type Observable } from 'rxjs';
import { AppException } from './app-exception';

/** The field error of a file over a route's limit, naming that route's limit (5 MiB evidence, 10 MiB imports). */
function fileTooLarge(maxFileBytes: number): AppException {
  const message = `上传的文件超过了大小限制（${+(maxFileBytes / 1024 / 1024).toFixed(1)} MiB）`;
  return new AppException(413, 'VALIDATION_FAILED', message, [{ field: 'file', code: 'tooLarge', message }]);
}

/** Turns multer's bare 413 (it stopped reading at the limit) into the field error naming this route's limit. */
function tooLargeAs(maxFileBytes: number): Type<NestInterceptor> {
  @Injectable()
  class FileTooLarge implements NestInterceptor {
    intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle().pipe(catchError((err: unknown) => throwError(() => (err instanceof PayloadTooLargeException ? fileTooLarge(maxFileBytes) : err))));
    }
  }
  return FileTooLarge;
}

/**
 * The one home of a single-file upload route: multipart (so documented), one file in the field
 * `file`, held in memory so a refused upload never touches the disk, its name read as UTF-8
 * (Chinese file names arrive intact). Multer's cap sits one byte above `maxFileBytes`, so a file
 * of the allowed size always gets through it and the route's own check keeps the exact limit; a
 * far bigger one is stopped while it is read: a 413 on `file` naming this route's limit.
 */
export const FileUpload = (maxFileBytes: number) =>
  applyDecorators(
    ApiConsumes('multipart/form-data'),
    UseInterceptors(tooLargeAs(maxFileBytes), FileInterceptor('file', { limits: { fileSize: maxFileBytes + 1, files: 1 }, defParamCharset: 'utf8' })),
  );
