import { Module, type DynamicModule } from '@nestjs/common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { StatsDrainScheduler, StatsProcessor, StatsScheduleService } from './jobs/stats.processor';
import { SnapshotService } from './snapshot.service';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** Statistics snapshots, dashboards, targets and the 市州 assessment (SPEC §7). */
@Module({
  imports: [RegionsModule, EligibilityModule],
  controllers: [StatsController],
  providers: [StatsRepository, StatsService, SnapshotService],
  exports: [StatsService, SnapshotService],
})
export class StatsModule {
  /** The same module plus its queue processor and the nightly schedule, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: StatsModule, providers: [StatsProcessor, StatsScheduleService, StatsDrainScheduler] };
  }
}
