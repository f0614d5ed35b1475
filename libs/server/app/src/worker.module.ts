import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@cqo/server-audit';
import { CoreModule, loadConfig, type AppConfig } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { WorkerHeartbeatService } from '@cqo/server-health';
import { OutboxModule, QueueModule } from '@cqo/server-queue';
import { StatsModule } from '@cqo/server-stats';
import { loggerParams } from './logger';

/** The worker process: bull processors, the outbox relay, the heartbeat. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule,
        OutboxModule,
        AuditModule,
        QueueModule.forWorker(),
        StatsModule.withProcessors(),
      ],
      providers: [WorkerHeartbeatService],
    };
  }
}
