import { Module } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { FileStorageModule } from '@cqo/server-storage';
import { RosterImportRepository } from './roster-import.repository';
import { RosterImportService } from './roster-import.service';
import { RosterController } from './roster.controller';

/**
 * The roster import (SPEC §8). Also needs the global modules every process has: the database,
 * Clock (CoreModule) and OutboxModule.
 */
@Module({
  imports: [EligibilityModule, ScopeModule, FileStorageModule],
  controllers: [RosterController],
  providers: [RosterImportService, RosterImportRepository],
  exports: [RosterImportService],
})
export class RosterModule {}
