import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { AuditModule } from '@cqo/server-audit';
import { APP_CONFIG, CoreModule, loadConfig, type Actor, type AppConfig } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { EligibilityModule } from '@cqo/server-eligibility';
import { OutboxModule } from '@cqo/server-queue';
import { migrateDatabase } from './runtime-env';

@Module({})
class PolicyCliModule {
  static forRoot(extra: ModuleImport[]): DynamicModule {
    return { module: PolicyCliModule, imports: [CoreModule.forRoot(loadConfig()), DatabaseModule, OutboxModule, AuditModule, EligibilityModule, ...extra] };
  }
}

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

/** A Nest context with the policy and eligibility services (and `extra` modules), on a migrated database. */
export async function withPolicyContext<T>(work: (app: INestApplicationContext) => Promise<T>, extra: ModuleImport[] = []): Promise<T> {
  await migrateDatabase();
  const app = await NestFactory.createApplicationContext(PolicyCliModule.forRoot(extra), { logger: ['error', 'warn'] });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/**
 * Who a command acts as: the province office (the whole province in scope), with no user id, so
 * audit rows name `cli`.
 */
export function cliActor(app: INestApplicationContext): Actor {
  const config = app.get<AppConfig>(APP_CONFIG);
  return {
    userId: '',
    username: 'cli',
    role: 'province',
    sessionId: 'cli',
    regionCode: config.provinceCode,
    regionPath: `/${config.provinceCode}/`,
    enterpriseId: null,
    ip: null,
  };
}
