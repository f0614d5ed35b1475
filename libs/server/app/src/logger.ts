import { RequestMethod } from '@nestjs/common';
import pino from 'pino';
import type { Params } from 'nestjs-pino';
import { maskPhonesInText } from '@cqo/policy';
import type { AppConfig } from '@cqo/server-common';
import { requestLogFields } from './request-logger';

/**
 * Structured JSON logs. Never logged: passwords, tokens, cookies, headers, full phone numbers
 * (masked anywhere they appear in a URL or a message).
 */
export function loggerOptions(config: AppConfig): pino.LoggerOptions {
  return {
    level: config.logLevel,
    redact: {
      paths: ['password', 'accessToken', 'token', 'phone', '*.password', '*.accessToken', '*.token', '*.phone'],
      censor: '[redacted]',
    },
    serializers: {
      req: requestLogFields,
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    formatters: {
      log: (obj: Record<string, unknown>) => (typeof obj.msg === 'string' ? { ...obj, msg: maskPhonesInText(obj.msg) } : obj),
    },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a)));
      },
    },
  };
}

/**
 * nestjs-pino with our own logger and no pino-http: the api's request logging is
 * `requestLogging` (request-logger.ts), mounted by configureApp; nestjs-pino only binds each
 * request's logger (req.log) to the log calls made while serving it.
 */
export function loggerParams(config: AppConfig): Params {
  // '{*splat}': Nest 11's wildcard (nestjs-pino's default '*' logs a LegacyRouteConverter warning).
  return { pinoHttp: { logger: pino(loggerOptions(config)) }, useExisting: true, forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }] };
}
