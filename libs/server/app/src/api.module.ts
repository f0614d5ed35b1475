import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@cqo/server-audit';
import { AuthModule } from '@cqo/server-auth';
import { CoreModule, loadConfig, type AppConfig } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { EnterprisesModule } from '@cqo/server-enterprises';
import { HealthModule } from '@cqo/server-health';
import { OutboxModule } from '@cqo/server-queue';
import { RegionsModule } from '@cqo/server-regions';
import { StatsModule } from '@cqo/server-stats';
import { loggerParams } from './logger';

/** Everything the HTTP api serves. Tests build it with a TestClock in place of the Clock. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule,
        OutboxModule,
        AuditModule,
        AuthModule,
        RegionsModule,
        EnterprisesModule,
        StatsModule,
        HealthModule,
      ],
    };
  }
}
