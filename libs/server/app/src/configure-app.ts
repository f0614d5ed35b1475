import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Logger } from 'nestjs-pino';
import { API_PREFIX } from '@cqo/contracts';
import { APP_CONFIG, HttpExceptionFilter, createValidationPipe, type AppConfig } from '@cqo/server-common';
import { mountQueueBoard } from './queue-board';

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
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('企业首席质量官制度监管平台 API').setVersion('0.1').addBearerAuth().build(),
  );
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, doc);

  mountQueueBoard(app);

  const web = opts.serveWeb === false ? null : webDistDir(config);
  if (web) {
    app.useStaticAssets(web, { index: false, maxAge: '1h', immutable: false });
    // History-mode routes of the single-page app: anything not under /api gets index.html.
    const index = join(web, 'index.html');
    app.getHttpAdapter().getInstance().get(/^\/(?!api(\/|$)).*/, (_req: unknown, res: { sendFile: (p: string) => void }) => res.sendFile(index));
  }
}
