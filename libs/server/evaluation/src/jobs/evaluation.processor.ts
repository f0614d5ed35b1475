import { Injectable, Logger } from '@nestjs/common';
import { OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { EvaluationCertificatesService } from '../evaluation-certificates.service';

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

/** Registers the nightly certificate job (02:30 China time, after the statistics rebuild; SCHEDULES in @cqo/server-queue). */
@Injectable()
export class EvaluationScheduleService extends ScheduleRegistrar('certificates.nightly') {}
