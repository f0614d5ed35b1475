import { Module } from '@nestjs/common';
import { RegionsModule } from '@cqo/server-regions';
import { StatsModule } from '@cqo/server-stats';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [RegionsModule, StatsModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
