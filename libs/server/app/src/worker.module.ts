import { Module, type DynamicModule } from '@nestjs/common';
import { FilingsWorkerModule } from '@cqo/server-filings';
import { loadConfig, type AppConfig } from '@cqo/server-common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { EvaluationModule } from '@cqo/server-evaluation';
import { WorkerHeartbeatService } from '@cqo/server-health';
import { MetricsModule } from '@cqo/server-metrics';
import { FileJobsModule } from '@cqo/server-files';
import { QueueModule } from '@cqo/server-queue';
import { StatsModule } from '@cqo/server-stats';
import { processModule } from './core-imports';

/** The worker process: bull processors, the outbox relay, the heartbeat. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return processModule(WorkerModule, config, {
      imports: [
        QueueModule.forWorker(),
        StatsModule.withProcessors(),
        EligibilityModule.withProcessors(),
        FilingsWorkerModule,
        FileJobsModule.withProcessors(),
        EvaluationModule.withProcessors(),
        MetricsModule.forWorker(),
      ],
      providers: [WorkerHeartbeatService],
    });
  }
}
