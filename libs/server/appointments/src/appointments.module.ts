import { Module } from '@nestjs/common';
import { EnterpriseRefsModule } from '@cqo/server-enterprises';
import { EligibilityModule } from '@cqo/server-eligibility';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { AwardCheckService } from './award-check.service';
import { EnterpriseFactsRepository } from './enterprise-facts.repository';

@Module({
  imports: [EligibilityModule, EnterpriseRefsModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService, AwardCheckService, EnterpriseFactsRepository],
  // Re-exported so callers that seed or import appointments can judge them.
  exports: [AppointmentsService, EligibilityModule],
})
export class AppointmentsModule {}
