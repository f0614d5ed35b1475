import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@cqo/server-audit';
import { CoreModule, type AppConfig } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { OutboxModule } from '@cqo/server-queue';
import { loggerParams } from './logger';

/** What every process needs: configuration and clock, JSON logs, the database, outbox and audit. */
export function coreImports(config: AppConfig) {
  return [CoreModule.forRoot(config), LoggerModule.forRoot(loggerParams(config)), DatabaseModule, OutboxModule, AuditModule];
}
