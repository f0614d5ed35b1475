import { GroupCommit, submitBatchesInFlight } from '@cqo/server-database';
import type { AnnualReportsRepository, SubmitWrite } from './annual-reports.repository';

/**
 * Group commit of the annual-report submit write (issue 16): while a write statement runs, the
 * submits that arrive wait and go together as the next batch, one statement for all of them
 * (`AnnualReportsRepository.submitMany`); an idle api sends a submit at once on its own
 * (`submitOne`). Answers the new version per report, or null where the report was not written.
 */
export class SubmitBatcher {
  private readonly group: GroupCommit<SubmitWrite, number | null>;

  constructor(reports: AnnualReportsRepository, maxInFlight = submitBatchesInFlight()) {
    this.group = new GroupCommit({
      writeOne: (w) => reports.submitOne(w),
      writeMany: (ws) => reports.submitMany(ws),
      key: (w) => `${w.enterpriseId}:${w.year}`,
      maxInFlight,
      maxBatch: 200,
    });
  }

  write(w: SubmitWrite): Promise<number | null> {
    return this.group.write(w);
  }
}
