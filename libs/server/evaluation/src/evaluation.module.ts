import { Module, type DynamicModule } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { NotificationsModule } from '@cqo/server-filings';
import { RegionsModule } from '@cqo/server-regions';
import { FileStorageModule } from '@cqo/server-storage';
import { TrainingServicesModule } from '@cqo/server-training';
import { EvaluationApplicationsService } from './applications.service';
import { EvaluationController, PublicCertificateController } from './evaluation.controller';
import { EvaluationCertificatesRepository } from './evaluation-certificates.repository';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationRecordsRepository } from './evaluation-records.repository';
import { EvaluationSettingsService } from './evaluation-settings.service';
import { EvaluationProcessor, EvaluationScheduleService } from './jobs/evaluation.processor';
import { TalentPoolService } from './talent-pool.service';

const SERVICES = [EvaluationSettingsService, EvaluationCertificatesService, EvaluationApplicationsService, TalentPoolService];
/** The services and the repositories that read and write the feature's tables (issue 19 item 2), which stay inside the feature. */
const PROVIDERS = [...SERVICES, EvaluationRecordsRepository, EvaluationCertificatesRepository];

/** The worker's part: the certificate jobs. No controllers (the public one needs the api's throttler). */
@Module({
  imports: [RegionsModule, EligibilityModule, ScopeModule, FileStorageModule, NotificationsModule, TrainingServicesModule],
  providers: [...PROVIDERS, EvaluationProcessor, EvaluationScheduleService],
})
export class EvaluationWorkerModule {}

/**
 * The services alone, without controllers: for a module that uses them in the worker too (the
 * violations list, read by the worker's list export, issue 20 item 3), where the public
 * controller's throttler does not exist. One instance: EvaluationModule re-exports this module.
 */
@Module({
  imports: [RegionsModule, EligibilityModule, ScopeModule, FileStorageModule, NotificationsModule, TrainingServicesModule],
  providers: PROVIDERS,
  exports: SERVICES,
})
export class EvaluationServicesModule {}

/** Capability evaluation, certificates, talent pool and yearly review (SPEC §6, docs/evaluation.md). */
@Module({
  imports: [EvaluationServicesModule],
  controllers: [EvaluationController, PublicCertificateController],
  exports: [EvaluationServicesModule],
})
export class EvaluationModule {
  /** The services plus the queue processor and the nightly schedule, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: EvaluationWorkerModule };
  }
}
