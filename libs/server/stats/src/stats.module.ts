import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '@cqo/server-regions';
import { StatsProcessor } from './jobs/stats.processor';
import { RegionStatEntity } from './region-stat.entity';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [TypeOrmModule.forFeature([RegionStatEntity]), RegionsModule],
  controllers: [StatsController],
  providers: [StatsService],
  exports: [StatsService],
})
export class StatsModule {
  /** The same module plus its queue processors, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: StatsModule, providers: [StatsProcessor] };
  }
}
