import type { NextFunction, Request, Response } from 'express';
import type { Bindings, Level, Logger } from 'pino';
import { maskPhonesInText } from '@cqo/policy';

/** A request slower than this is logged (warn) even when it succeeded. */
export const SLOW_REQUEST_MS = 1_000;

/** The request as a log line shows it: id, method, URL (secrets and phone numbers masked), client address. Never headers. */
export function requestLogFields(req: { id?: unknown; method?: string; url?: string; originalUrl?: string; remoteAddress?: string; socket?: { remoteAddress?: string } }) {
  const url = req.originalUrl ?? req.url ?? '';
  return {
    id: req.id,
    method: req.method,
    url: maskPhonesInText(/[?&](?:token|access_token|password)=/i.test(url) ? url.replace(/([?&](?:token|access_token|password)=)[^&]*/gi, '$1[redacted]') : url),
    remoteAddress: req.remoteAddress ?? req.socket?.remoteAddress,
  };
}

/** The log methods of a pino logger, each of which RequestLogger forwards the same way. */
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const satisfies readonly Level[];

type LevelMethods = Record<(typeof LEVELS)[number], (...args: unknown[]) => void>;

/**
 * The logger of one request, as nestjs-pino hands it to every log call made while the request is
 * served. The child logger carrying the request's fields is made on the first line actually
 * written, so a request that logs nothing costs no serialisation.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the level methods are defined once, below, for all six levels
interface RequestLogger extends LevelMethods {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class RequestLogger {
  private real: Logger | null = null;

  constructor(
    private readonly root: Logger,
    private readonly req: Request,
  ) {}

  write(level: Level, args: unknown[]): void {
    if (this.root.isLevelEnabled(level)) (this.logger()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.root.level;
  }

  isLevelEnabled(level: string): boolean {
    return this.root.isLevelEnabled(level);
  }

  child(bindings: Bindings): Logger {
    return this.logger().child(bindings);
  }

  setBindings(bindings: Bindings): void {
    this.logger().setBindings(bindings);
  }

  logger(): Logger {
    return (this.real ??= this.root.child({ req: requestLogFields(this.req) }));
  }
}

for (const level of LEVELS) {
  RequestLogger.prototype[level] = function (this: RequestLogger, ...args: unknown[]): void {
    this.write(level, args);
  };
}

/**
 * Request ids and per-request logs at a cost that does not show in a profile: every request gets
 * an id and a lazy logger (see RequestLogger); when it ends, a failed (5xx) or slow one is logged
 * as a warning (the error itself is logged where it is caught), and every one at debug level when
 * LOG_LEVEL allows it.
 * Put it before everything else, so the time covers the whole request.
 */
export function requestLogging(root: Logger): (req: Request, res: Response, next: NextFunction) => void {
  let nextId = 0;
  return function logRequest(req, res, next) {
    nextId = (nextId + 1) & 0x7fffffff;
    (req as Request & { id: number }).id = nextId;
    const started = performance.now();
    const log = new RequestLogger(root, req);
    (req as unknown as { log: RequestLogger }).log = log; // what nestjs-pino binds to the log calls made while serving it
    // 'close' comes after 'finish', and also when the client went away first: one listener for both.
    res.once('close', () => {
      const responseTime = Math.round(performance.now() - started);
      const fields = { res: { statusCode: res.statusCode }, responseTime };
      if (res.statusCode >= 500) log.logger().warn(fields, 'request failed');
      else if (responseTime > SLOW_REQUEST_MS) log.logger().warn(fields, 'slow request');
      else if (root.isLevelEnabled('debug')) log.logger().debug(fields, 'request completed');
    });
    next();
  };
}
