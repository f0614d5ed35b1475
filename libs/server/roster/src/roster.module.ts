import { Module } from '@nestjs/common';
import { ScopeService } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RosterImportRepository } from './roster-import.repository';
import { RosterImportService } from './roster-import.service';
import { RosterController } from './roster.controller';

/**
 * The roster import (SPEC §8). Also needs the global modules every process has: the database,
 * Clock (CoreModule) and OutboxModule.
 */
@Module({
  imports: [EligibilityModule],
  controllers: [RosterController],
  // ScopeService is stateless; providing it here lets the worker and the CLI use this module without the auth module.
  providers: [RosterImportService, RosterImportRepository, ScopeService],
  exports: [RosterImportService],
})
export class RosterModule {}
