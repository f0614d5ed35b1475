import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { QueueName, registerSchedule, SCHEDULES, type JobPayloads } from '@cqo/server-queue';
import { FileJobsService } from '../file-jobs.service';

/** Exports and imports, one at a time per worker (each streams a whole region). */
@Processor(QueueName.Files)
export class FileJobsProcessor {
  private readonly logger = new Logger(FileJobsProcessor.name);

  constructor(private readonly jobs: FileJobsService) {}

  @Process('files.export')
  export(job: Job<JobPayloads['files.export']>): Promise<string | null> {
    return this.jobs.run(job.data.jobId);
  }

  @Process('files.import')
  import(job: Job<JobPayloads['files.import']>): Promise<string | null> {
    return this.jobs.run(job.data.jobId);
  }

  @Process('files.city-attachment')
  cityAttachment(job: Job<JobPayloads['files.city-attachment']>): Promise<string | null> {
    return this.jobs.freezeCityAttachment(job.data.reportId, job.data.submittedAt);
  }

  @Process('files.cleanup')
  cleanup(): Promise<number> {
    return this.jobs.cleanup();
  }

  @Process('files.orphans')
  async orphans(): Promise<number> {
    return (await this.jobs.sweepOrphans()).length;
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }

  @OnQueueError()
  error(err: Error): void {
    this.logger.warn(`files queue: ${err.message}`);
  }
}

export const FILES_CLEANUP_CRON = SCHEDULES['files.cleanup'].cron;

/** Registers the hourly cleanup of expired jobs and the daily sweep of orphan objects once (bull keys a schedule by name and cron). */
@Injectable()
export class FileJobsScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FileJobsScheduleService.name);

  constructor(@InjectQueue(QueueName.Files) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    // The one schedule table and the one way to register it (issue 19 item 5).
    await registerSchedule(this.queue, 'files.cleanup', this.logger);
    await registerSchedule(this.queue, 'files.orphans', this.logger);
  }
}
