import { Logger } from '@nestjs/common';
import { OnQueueError, OnQueueFailed } from '@nestjs/bull';
import type { Job } from 'bull';

/**
 * What every bull processor logs, under the processor's name: a failed attempt of a job, and an
 * error of its queue (Redis away). A processor extends this instead of writing both handlers.
 */
export abstract class LoggingProcessor {
  protected readonly logger = new Logger(this.constructor.name);

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }

  @OnQueueError()
  error(err: Error): void {
    this.logger.warn(`queue error: ${err.message}`);
  }
}
