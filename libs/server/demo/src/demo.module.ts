import { Module } from '@nestjs/common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { StatsModule } from '@cqo/server-stats';
import { DemoSeedService } from './demo-seed.service';

@Module({
  // The seed judges the CQOs it adds. EligibilityModule rather than AppointmentsModule: the latter's
  // service needs the auth module's ScopeService, which the CLI does not load.
  imports: [RegionsModule, StatsModule, EligibilityModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
