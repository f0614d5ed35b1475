import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, OutboxService, QueueName, UnitOfWork, type JobPayloads } from '@cqo/server-queue';
import { EligibilityService } from '../eligibility.service';

@Processor(QueueName.Eligibility)
export class EligibilityProcessor extends LoggingProcessor {
  constructor(
    private readonly eligibility: EligibilityService,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxService,
  ) {
    super();
  }

  @Process('eligibility.refresh')
  async refresh(job: Job<JobPayloads['eligibility.refresh']>): Promise<{ evaluated: number; changed: number }> {
    const { enterpriseIds, personIds, all } = job.data;
    // The outbox row is marked done with the verdicts it wrote (issue 18 item 9).
    return this.unitOfWork.run(null, 'eligibility.refresh', async (m) => {
      const result = await this.eligibility.refresh(m, { enterpriseIds, personIds, all });
      await this.outbox.markDone(m, job.id);
      return result;
    });
  }

  @Process('eligibility.nightly')
  async nightly(): Promise<{ expired: number; evaluated: number; changed: number }> {
    return this.eligibility.nightly();
  }
}
