import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiConsumes } from '@nestjs/swagger';

/**
 * The one home of a single-file upload route: multipart (so documented), one file in the field
 * `file`, held in memory so a refused upload never touches the disk, its name read as UTF-8
 * (Chinese file names arrive intact). Multer's cap sits one byte above `maxFileBytes`, so a file
 * of the allowed size always gets through it and the route's own check keeps the exact limit; a
 * far bigger one is stopped while it is read, a 413 on `file` (HttpExceptionFilter).
 */
export const FileUpload = (maxFileBytes: number) =>
  applyDecorators(
    ApiConsumes('multipart/form-data'),
    UseInterceptors(FileInterceptor('file', { limits: { fileSize: maxFileBytes + 1, files: 1 }, defParamCharset: 'utf8' })),
  );
