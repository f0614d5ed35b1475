import { ParseIntPipe } from '@nestjs/common';
import { AppException } from '@cqo/server-common';

/** A year in the path: a clear field error, not a 500, for `/abc`. */
export const YEAR = new ParseIntPipe({ exceptionFactory: () => AppException.validation([{ field: 'year', code: 'int', message: '年度应为整数' }]) });
