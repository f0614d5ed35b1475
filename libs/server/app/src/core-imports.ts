import type { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
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

/**
 * The root module of a process (the api, the worker): the core imports first, then what the
 * process itself serves or runs.
 */
export function processModule(module: Type, config: AppConfig, own: Required<Pick<ModuleMetadata, 'imports'>> & Pick<ModuleMetadata, 'controllers' | 'providers'>): DynamicModule {
  return { module, ...own, imports: [...coreImports(config), ...own.imports] };
}
