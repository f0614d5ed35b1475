import { Module } from '@nestjs/common';
import { RosterImportService } from './roster-import.service';

/** The roster import (SPEC §8). */
@Module({ providers: [RosterImportService], exports: [RosterImportService] })
export class RosterModule {}
