import { Module, type DynamicModule } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { AppointmentsRepository } from './appointments.repository';
import { EligibilityService } from './eligibility.service';
import { EligibilityProcessor } from './jobs/eligibility.processor';
import { NightlyScheduleService } from './jobs/nightly-schedule.service';
import { PolicyController } from './policy.controller';
import { ProfilesRepository } from './profiles.repository';
import { ProfilesService } from './profiles.service';
import { VerdictsRepository } from './verdicts.repository';

@Module({
  imports: [ScopeModule],
  controllers: [PolicyController],
  providers: [ProfilesService, ProfilesRepository, EligibilityService, VerdictsRepository, AppointmentsRepository],
  exports: [ProfilesService, EligibilityService, AppointmentsRepository],
})
export class EligibilityModule {
  /** The same module plus the refresh processor and the nightly schedule, for the worker. */
  static withProcessors(): DynamicModule {
    return { module: EligibilityModule, providers: [EligibilityProcessor, NightlyScheduleService] };
  }
}
