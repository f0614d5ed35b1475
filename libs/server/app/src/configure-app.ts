import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { Logger, PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { Logger as PinoRoot } from 'pino';
import { API_PREFIX } from '@cqo/contracts';
import { APP_CONFIG, HttpExceptionFilter, createValidationPipe, type AppConfig } from '@cqo/server-common';
import { answerClientErrors } from './client-error';
import { mountQueueBoard } from './queue-board';
import { QueryMemoPipe } from './query-memo.pipe';
import { RejectControlCharactersPipe } from './reject-control.pipe';
import { requestLogging } from './request-logger';

/** Where the built dashboard is: CQO_WEB_DIST, or dist/apps/web next to the compiled api. */
export function webDistDir(config: AppConfig): string | null {
  // Compiled, this file is dist/libs/server/app/src/configure-app.js; from source (tests) it is not.
  const besideBuild = __dirname.split(sep).includes('dist') ? resolve(__dirname, '../../../../apps/web') : null;
  // A relative CQO_WEB_DIST is taken from the working directory (express sends files by absolute path).
  const candidates = [config.webDist ? resolve(config.webDist) : null, besideBuild, resolve(process.cwd(), 'dist/apps/web')];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'index.html'))) ?? null;
}

/** Everything main.ts and the e2e tests both need: one place, so tests run the real app. */
export function configureApp(nest: INestApplication, opts: { serveWeb?: boolean; logger?: boolean } = {}): void {
  const app = nest as NestExpressApplication;
  const config = app.get<AppConfig>(APP_CONFIG);
  if (opts.logger !== false) app.useLogger(app.get(Logger));
  app.use(requestLogging((app.get<Params>(PARAMS_PROVIDER_TOKEN).pinoHttp as { logger: PinoRoot }).logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:', 'blob:'], 'style-src': ["'self'", "'unsafe-inline'"] },
      },
    }),
  );
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(new RejectControlCharactersPipe(), new QueryMemoPipe(createValidationPipe()));
  app.useGlobalFilters(new HttpExceptionFilter());
  answerClientErrors(app.getHttpServer());
  app.enableShutdownHooks();

  // Not public in production unless asked for (issue 18): the route map helps an attacker more than a user.
  if (config.apiDocs) {
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle('企业首席质量官制度监管平台 API').setVersion('0.1').addBearerAuth().build(),
    );
    SwaggerModule.setup(`${API_PREFIX}/docs`, app, doc);
  }

  mountQueueBoard(app);

  const web = opts.serveWeb === false ? null : webDistDir(config);
  if (web) serveDashboard(app, web);
}

/** `/api`, `/api/…` and `/api?…`: the api's own paths, which never touch the dashboard's files. */
export function isApiPath(url: string): boolean {
  return url.startsWith(API_ROOT) && (url.length === API_ROOT.length || url[API_ROOT.length] === '/' || url[API_ROOT.length] === '?');
}
const API_ROOT = `/${API_PREFIX}`;

/** A hashed build file (vite names them `<name>-<hash>.<ext>` under /assets): it never changes. */
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** The pre-compressed twins tools/build.mjs writes (`x.js.br`, `x.js.gz`), preferred in this order. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Every file under `dir`, as `/`-separated paths relative to it (read once at start). */
function listFiles(dir: string, base = dir, out = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(p, base, out);
    else out.add(`/${relative(base, p).split(sep).join('/')}`);
  }
  return out;
}

/** Whether the request's Accept-Encoding takes `name` (a `;q=0` refuses it). */
export function acceptsEncoding(header: string | undefined, name: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [token, ...params] = part.trim().split(';');
    if (token.trim().toLowerCase() !== name) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

/**
 * The dashboard's files, and index.html for its history-mode routes. An api request passes by
 * without a file-system call (serve-static would `stat()` every one of them), and index.html is
 * read once and sent from memory.
 *
 * First load (issue 20 item 13): a file with a pre-compressed twin is sent as that twin with
 * `Content-Encoding: br` or `gzip` when the browser accepts it (`Vary: Accept-Encoding` either way);
 * hashed assets are cached for a year as immutable, anything else is revalidated.
 */
function serveDashboard(app: NestExpressApplication, web: string): void {
  const files = listFiles(web);
  const assets = express.static(web, {
    index: false,
    setHeaders: (res, path) => {
      const encoding = res.getHeader('Content-Encoding');
      const original = encoding ? path.slice(0, -extname(path).length) : path;
      // send() would type `x.js.br` from its own name; the browser needs the original's type.
      if (encoding) res.type(extname(original));
      res.setHeader('Cache-Control', HASHED_ASSET.test(original) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isApiPath(req.url)) return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      const [raw, pathname, query] = splitUrl(req.url);
      if (files.has(`${pathname}.br`) || files.has(`${pathname}.gz`)) {
        res.setHeader('Vary', 'Accept-Encoding');
        const accept = req.headers['accept-encoding'];
        const chosen = ENCODINGS.find((e) => files.has(`${pathname}${e.suffix}`) && acceptsEncoding(accept, e.name));
        if (chosen) {
          res.setHeader('Content-Encoding', chosen.name);
          req.url = `${raw}${chosen.suffix}${query}`;
        }
      }
    }
    return assets(req, res, next);
  });
  const index = readFileSync(join(web, 'index.html'));
  const etag = `W/"${createHash('sha1').update(index).digest('base64url')}"`;
  app.getHttpAdapter().getInstance().get(/^\/(?!api(\/|$|\?)).*/, (_req: Request, res: Response) => {
    // Always revalidated: a new build must reach the browser at once (its assets are hashed).
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    res.type('html').send(index);
  });
}

/** `/a/b.js?x` → [`/a/b.js` as sent, decoded as express.static decodes it, `?x`]. */
function splitUrl(url: string): [string, string, string] {
  const q = url.indexOf('?');
  const raw = q < 0 ? url : url.slice(0, q);
  let pathname = raw;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    // A malformed escape: express.static answers it (400) on the untouched url.
  }
  return [raw, pathname, q < 0 ? '' : url.slice(q)];
}
