import { Module } from '@nestjs/common';
import { EnterpriseRefsModule } from '@cqo/server-enterprises';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { EvaluationServicesModule } from '@cqo/server-evaluation';
import { RegionsModule } from '@cqo/server-regions';
import { ViolationsController } from './violations.controller';
import { ViolationsRepository } from './violations.repository';
import { ViolationsService } from './violations.service';

@Module({
  imports: [EligibilityModule, RegionsModule, EvaluationServicesModule, ScopeModule, EnterpriseRefsModule],
  controllers: [ViolationsController],
  providers: [ViolationsService, ViolationsRepository],
  exports: [ViolationsService],
})
export class ViolationsModule {}
