import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Logger, PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { Logger as PinoRoot } from 'pino';
import { API_PREFIX } from '@cqo/contracts';
import { APP_CONFIG, HttpExceptionFilter, createValidationPipe, type AppConfig } from '@cqo/server-common';
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

/**
 * The dashboard's files, and index.html for its history-mode routes. An api request passes by
 * without a file-system call (serve-static would `stat()` every one of them), and index.html is
 * read once and sent from memory.
 */
function serveDashboard(app: NestExpressApplication, web: string): void {
  const assets = express.static(web, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => (isApiPath(req.url) ? next() : assets(req, res, next)));
  const index = readFileSync(join(web, 'index.html'));
  const etag = `W/"${createHash('sha1').update(index).digest('base64url')}"`;
  app.getHttpAdapter().getInstance().get(/^\/(?!api(\/|$|\?)).*/, (_req: Request, res: Response) => {
    // Always revalidated: a new build must reach the browser at once (its assets are hashed).
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    res.type('html').send(index);
  });
}
