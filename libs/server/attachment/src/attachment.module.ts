import { Module } from '@nestjs/common';
import { AttachmentExportService } from './attachment-export.service';

/** The attachment table export (SPEC §7). */
@Module({ providers: [AttachmentExportService], exports: [AttachmentExportService] })
export class AttachmentModule {}
