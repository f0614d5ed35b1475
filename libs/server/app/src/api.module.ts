import { Module, type DynamicModule } from '@nestjs/common';
import { AppointmentsModule } from '@cqo/server-appointments';
import { AuthModule } from '@cqo/server-auth';
import { loadConfig, type AppConfig } from '@cqo/server-common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { FilingsModule } from '@cqo/server-filings';
import { EnterprisesModule } from '@cqo/server-enterprises';
import { EvaluationModule } from '@cqo/server-evaluation';
import { HealthModule } from '@cqo/server-health';
import { MetricsModule } from '@cqo/server-metrics';
import { FileJobsModule } from '@cqo/server-files';
import { RegionsModule } from '@cqo/server-regions';
import { StatsModule } from '@cqo/server-stats';
import { TrainingModule } from '@cqo/server-training';
import { ViolationsModule } from '@cqo/server-violations';
import { processModule } from './core-imports';
import { QueueBoardController } from './queue-board';

/** Everything the HTTP api serves. Tests build it with a TestClock in place of the Clock. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return processModule(ApiModule, config, {
      imports: [
        AuthModule,
        // First among the features: express tries routes in registration order, and the cached
        // dashboard is the most requested route (no other controller's paths overlap /stats).
        StatsModule,
        RegionsModule,
        EnterprisesModule,
        EligibilityModule,
        AppointmentsModule,
        ViolationsModule,
        TrainingModule,
        FilingsModule,
        HealthModule,
        MetricsModule,
        FileJobsModule,
        EvaluationModule,
      ],
      controllers: [QueueBoardController],
    });
  }
}
