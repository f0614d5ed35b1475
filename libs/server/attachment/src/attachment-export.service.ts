import { Injectable } from '@nestjs/common';
import type { AttachmentExportParams, AttachmentExportSummary } from '@cqo/contracts';
import { NO_PROGRESS, type Actor, type ProgressSink } from '@cqo/server-common';

/**
 * The statutory attachment table (SPEC §7 附件) of a region and year, streamed to disk with
 * exceljs' WorkbookWriter. PLACEHOLDER: the implementation lands with issue 7.
 */
@Injectable()
export class AttachmentExportService {
  /** Throws 404 (AppException) unless the actor may export this region: a city its own subtree, the province any, an enterprise nothing. */
  async authorize(_actor: Actor, _params: AttachmentExportParams): Promise<void> {
    throw new Error('not implemented');
  }

  /** Writes the workbook to `outPath` (removed again on failure or cancel), audits the export, returns the summary. */
  async export(_actor: Actor, _params: AttachmentExportParams, _outPath: string, _progress: ProgressSink = NO_PROGRESS): Promise<AttachmentExportSummary> {
    throw new Error('not implemented');
  }
}
