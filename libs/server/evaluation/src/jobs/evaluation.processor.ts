import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { QueueName, type JobPayloads } from '@cqo/server-queue';
import { EvaluationCertificatesService } from '../evaluation-certificates.service';

/** 02:30 China time, after the statistics rebuild. */
export const CERTIFICATES_NIGHTLY_CRON = '30 2 * * *';
export const CERTIFICATES_NIGHTLY_TZ = 'Asia/Shanghai';

@Processor(QueueName.Evaluation)
export class EvaluationProcessor {
  private readonly logger = new Logger(EvaluationProcessor.name);

  constructor(private readonly certificates: EvaluationCertificatesService) {}

  @Process('certificates.violation')
  violation(job: Job<JobPayloads['certificates.violation']>): Promise<{ changed: number }> {
    return this.certificates.applyViolation(job.data.violationId);
  }

  @Process('certificates.nightly')
  nightly(job: Job<JobPayloads['certificates.nightly']>): Promise<{ expired: number; flagged: number; checked: number }> {
    return this.certificates.nightly(job.data.date);
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }

  @OnQueueError()
  error(err: Error): void {
    this.logger.warn(`evaluation queue: ${err.message}`);
  }
}

/** Registers the nightly certificate job as one bull repeatable job (same approach as the statistics rebuild). */
@Injectable()
export class EvaluationScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvaluationScheduleService.name);

  constructor(@InjectQueue(QueueName.Evaluation) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === 'certificates.nightly' && (job.cron !== CERTIFICATES_NIGHTLY_CRON || job.tz !== CERTIFICATES_NIGHTLY_TZ)) await this.queue.removeRepeatableByKey(job.key);
      }
      await this.queue.add(
        'certificates.nightly',
        {},
        { repeat: { cron: CERTIFICATES_NIGHTLY_CRON, tz: CERTIFICATES_NIGHTLY_TZ }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 30, removeOnFail: 30 },
      );
    } catch (err) {
      this.logger.warn(`could not register the nightly certificate job: ${(err as Error).message}`);
    }
  }
}
