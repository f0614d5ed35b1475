import { Logger } from '@nestjs/common';
import { OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName, type JobPayloads } from '@cqo/server-queue';
import { StatsService } from '../stats.service';

@Processor(QueueName.Stats)
export class StatsProcessor {
  private readonly logger = new Logger(StatsProcessor.name);

  constructor(private readonly stats: StatsService) {}

  @Process('stats.refresh')
  async refresh(_job: Job<JobPayloads['stats.refresh']>): Promise<{ regions: number }> {
    return { regions: await this.stats.rebuildCounts() };
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }

  @OnQueueError()
  error(err: Error): void {
    this.logger.warn(`stats queue: ${err.message}`);
  }
}
