import { Injectable } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { FileJobRunner } from '../file-job-runner';

/** Exports and imports, one at a time per worker (each streams a whole region). */
@Processor(QueueName.Files)
export class FileJobsProcessor extends LoggingProcessor {
  constructor(private readonly jobs: FileJobRunner) {
    super();
  }

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
}

/** Registers the hourly cleanup of expired jobs and the daily sweep of orphan objects once (bull keys a schedule by name and cron). */
@Injectable()
export class FileJobsScheduleService extends ScheduleRegistrar('files.cleanup', 'files.orphans') {}
