import type { Params } from 'nestjs-pino';
import { maskPhonesInText } from '@cqo/policy';
import type { AppConfig } from '@cqo/server-common';

/**
 * Structured JSON logs. Never logged: passwords, tokens, cookies, full phone numbers (masked
 * anywhere they appear in a URL or a message).
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', 'accessToken', 'token', 'phone', '*.password', '*.accessToken', '*.token', '*.phone'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: maskPhonesInText(req.url.replace(/([?&](?:token|access_token|password)=)[^&]*/gi, '$1[redacted]')),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      formatters: {
        log: (obj: Record<string, unknown>) =>
          typeof obj.msg === 'string' ? { ...obj, msg: maskPhonesInText(obj.msg) } : obj,
      },
      hooks: {
        logMethod(args: unknown[], method: (...a: unknown[]) => void) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a)));
        },
      },
    },
  };
}
