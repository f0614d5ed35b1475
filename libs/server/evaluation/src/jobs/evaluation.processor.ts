import { Injectable } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { EvaluationCertificatesService } from '../evaluation-certificates.service';

@Processor(QueueName.Evaluation)
export class EvaluationProcessor extends LoggingProcessor {
  constructor(private readonly certificates: EvaluationCertificatesService) {
    super();
  }

  @Process('certificates.violation')
  violation(job: Job<JobPayloads['certificates.violation']>): Promise<{ changed: number }> {
    return this.certificates.applyViolation(job.data.violationId);
  }

  @Process('certificates.nightly')
  nightly(job: Job<JobPayloads['certificates.nightly']>): Promise<{ expired: number; flagged: number; checked: number }> {
    return this.certificates.nightly(job.data.date);
  }
}

/** Registers the nightly certificate job (02:30 China time, after the statistics rebuild; SCHEDULES in @cqo/server-queue). */
@Injectable()
export class EvaluationScheduleService extends ScheduleRegistrar('certificates.nightly') {}
