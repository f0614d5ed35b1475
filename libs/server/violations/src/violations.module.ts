import { Module } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { EvaluationServicesModule } from '@cqo/server-evaluation';
import { RegionsModule } from '@cqo/server-regions';
import { ViolationsController } from './violations.controller';
import { ViolationsRepository } from './violations.repository';
import { ViolationsService } from './violations.service';

@Module({
  imports: [EligibilityModule, RegionsModule, EvaluationServicesModule, ScopeModule],
  controllers: [ViolationsController],
  providers: [ViolationsService, ViolationsRepository],
  exports: [ViolationsService],
})
export class ViolationsModule {}
