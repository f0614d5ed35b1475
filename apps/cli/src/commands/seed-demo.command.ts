import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from '@cqo/server-audit';
import { CoreModule, loadConfig } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { DemoModule, DemoSeedService, type DemoSeedResult } from '@cqo/server-demo';
import { OutboxModule } from '@cqo/server-queue';
import { migrateDatabase, ownerUrlOrExit } from '../infra/runtime-env';

@Module({})
class SeedModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return { module: SeedModule, imports: [CoreModule.forRoot(loadConfig({ ...process.env, DATABASE_URL: databaseUrl })), DatabaseModule, OutboxModule, AuditModule, DemoModule] };
  }
}

export async function seedDemo(enterprises: number, years?: number): Promise<DemoSeedResult> {
  await migrateDatabase();
  // Filling an empty database is the owner's work, like migrating (its closing ANALYZE needs the
  // owner); with DATABASE_URL alone it runs as the app's role, and ANALYZE skips the tables.
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(ownerUrlOrExit()), { logger: ['error', 'warn'] });
  try {
    return await app.get(DemoSeedService).seed({ enterprises, years });
  } finally {
    await app.close();
  }
}

export async function seedDemoCommand(opts: { enterprises: string; years?: string; force?: boolean }): Promise<void> {
  if (process.env.NODE_ENV === 'production' && !opts.force) {
    process.stderr.write('seed:demo adds demo accounts with a published password: refused in production (use --force on a throw-away database).\n');
    process.exit(2);
  }
  const n = Number(opts.enterprises);
  if (!Number.isInteger(n) || n < 20 || n > 2_000_000) {
    process.stderr.write('--enterprises must be a whole number from 20 to 2000000\n');
    process.exit(2);
  }
  // SPEC §9 `seed:demo [--years K]`: years of history (training, annual and city reports); left
  // out, the demo's DEFAULT_HISTORY_YEARS.
  const years = opts.years === undefined ? undefined : Number(opts.years);
  if (years !== undefined && (!Number.isInteger(years) || years < 2 || years > 10)) {
    process.stderr.write('--years must be a whole number from 2 to 10\n');
    process.exit(2);
  }
  const result = await seedDemo(n, years);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
