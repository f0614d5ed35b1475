import { Module } from '@nestjs/common';
import { EligibilityModule } from '@cqo/server-eligibility';
import { StatsModule } from '@cqo/server-stats';
import { AttachmentExportService } from './attachment-export.service';
import { AttachmentRepository } from './attachment.repository';

/** The attachment table export (SPEC §7). Needs the global database, audit and outbox modules. */
@Module({ imports: [StatsModule, EligibilityModule], providers: [AttachmentExportService, AttachmentRepository], exports: [AttachmentExportService] })
export class AttachmentModule {}
