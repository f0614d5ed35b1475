import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { QueueName, registerSchedule, SCHEDULES, type JobPayloads } from '@cqo/server-queue';
import { EvaluationCertificatesService } from '../evaluation-certificates.service';

/** 02:30 China time, after the statistics rebuild. */
export const CERTIFICATES_NIGHTLY_CRON = SCHEDULES['certificates.nightly'].cron;
export const CERTIFICATES_NIGHTLY_TZ = SCHEDULES['certificates.nightly'].timezone;

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
    // The one schedule table and the one way to register it (issue 19 item 5).
    await registerSchedule(this.queue, 'certificates.nightly', this.logger);
  }
}
