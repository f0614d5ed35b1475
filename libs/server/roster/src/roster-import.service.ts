import { Injectable } from '@nestjs/common';
import type { ImportResult, RosterImportParams } from '@cqo/contracts';
import { NO_PROGRESS, type Actor, type ProgressSink } from '@cqo/server-common';

/** An upload on disk (the jobs lib writes the checked upload there before queueing it). */
export interface RosterFile {
  path: string;
  originalname: string;
}

/** The roster import (SPEC §8). PLACEHOLDER: the implementation lands with issue 7. */
@Injectable()
export class RosterImportService {
  /** Checks an upload before it is stored or queued (size, xlsx magic bytes, zip bomb, header row); throws AppException.validation with field `file`. */
  async check(_buffer: Buffer, _fileName: string): Promise<void> {
    throw new Error('not implemented');
  }

  /** Validates every row (dry run) or imports (one transaction; all-or-nothing unless keep-valid). */
  async import(_actor: Actor, _file: RosterFile, _params: RosterImportParams, _progress: ProgressSink = NO_PROGRESS): Promise<ImportResult> {
    throw new Error('not implemented');
  }
}
