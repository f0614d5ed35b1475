import { Module } from '@nestjs/common';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { EnterprisesModule } from '@cqo/server-enterprises';
import { FileStorageModule } from '@cqo/server-storage';
import { RosterImportRepository } from './roster-import.repository';
import { RosterImportService } from './roster-import.service';
import { RosterController } from './roster.controller';

/**
 * The roster import (SPEC §8). Writes enterprises through EnterprisesModule's repository and
 * appointments through EligibilityModule's. Also needs the global modules every process has: the
 * database, Clock (CoreModule) and OutboxModule (UnitOfWork).
 */
@Module({
  imports: [EligibilityModule, EnterprisesModule, ScopeModule, FileStorageModule],
  controllers: [RosterController],
  providers: [RosterImportService, RosterImportRepository],
  exports: [RosterImportService],
})
export class RosterModule {}
