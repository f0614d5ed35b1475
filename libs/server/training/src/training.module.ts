import { Module } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { FileStorageModule } from '@cqo/server-storage';
import { HoursCertificatesRepository } from './hours-certificates.repository';
import { HoursCertificatesService } from './hours-certificates.service';
import { LedgerService } from './ledger.service';
import { LedgerAdminController, PublicVerifyController, TrainingController } from './training.controller';
import { TrainingImportService } from './training-import.service';
import { TrainingRecordsRepository } from './training-records.repository';
import { TrainingService } from './training.service';

/**
 * The training services without the HTTP side: what the worker needs to run the providers' import
 * (a file job, issue 18 item 1). ScopeModule lets the worker and the CLI use it without the auth module.
 */
@Module({
  imports: [EligibilityModule, RegionsModule, ScopeModule, FileStorageModule],
  providers: [TrainingRecordsRepository, HoursCertificatesRepository, LedgerService, TrainingService, HoursCertificatesService, TrainingImportService],
  exports: [LedgerService, TrainingService, HoursCertificatesService, TrainingImportService],
})
export class TrainingServicesModule {}

/** The training hours ledger, yearly compliance, hours certificates and the providers' import (SPEC §4, §8). */
@Module({
  imports: [TrainingServicesModule],
  controllers: [TrainingController, PublicVerifyController, LedgerAdminController],
  exports: [TrainingServicesModule],
})
export class TrainingModule {}
