import { Module } from '@nestjs/common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { CertificatesService } from './certificates.service';
import { LedgerService } from './ledger.service';
import { LedgerAdminController, PublicVerifyController, TrainingController } from './training.controller';
import { TrainingImportService } from './training-import.service';
import { TrainingService } from './training.service';

/** The training hours ledger, yearly compliance, hours certificates and the providers' import (SPEC §4, §8). */
@Module({
  imports: [EligibilityModule, RegionsModule],
  controllers: [TrainingController, PublicVerifyController, LedgerAdminController],
  providers: [LedgerService, TrainingService, CertificatesService, TrainingImportService],
  exports: [LedgerService, TrainingService, CertificatesService, TrainingImportService],
})
export class TrainingModule {}
