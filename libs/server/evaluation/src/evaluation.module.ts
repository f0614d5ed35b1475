import { Module, type DynamicModule } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { FileStorageModule } from '@cqo/server-storage';
import { EvaluationApplicationsService } from './applications.service';
import { EvaluationController, PublicCertificateController } from './evaluation.controller';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationSettingsService } from './evaluation-settings.service';
import { EvaluationProcessor, EvaluationScheduleService } from './jobs/evaluation.processor';
import { TalentPoolService } from './talent-pool.service';

const SERVICES = [EvaluationSettingsService, EvaluationCertificatesService, EvaluationApplicationsService, TalentPoolService];

/** The worker's part: the certificate jobs. No controllers (the public one needs the api's throttler). */
@Module({
  imports: [RegionsModule, EligibilityModule, ScopeModule, FileStorageModule],
  providers: [...SERVICES, EvaluationProcessor, EvaluationScheduleService],
})
export class EvaluationWorkerModule {}

/** Capability evaluation, certificates, talent pool and yearly review (SPEC §6, docs/evaluation.md). */
@Module({
  imports: [RegionsModule, EligibilityModule, ScopeModule, FileStorageModule],
  controllers: [EvaluationController, PublicCertificateController],
  providers: SERVICES,
  exports: SERVICES,
})
export class EvaluationModule {
  /** The services plus the queue processor and the nightly schedule, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: EvaluationWorkerModule };
  }
}
