import { Injectable } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { FileJobRunner } from '../file-job-runner';

/**
 * Exports and imports, one at a time per worker (each streams a whole region, and holds a pool
 * connection of its own for its progress besides the ones its work takes). One handler for every job
 * of the queue: bull adds up the concurrency of named handlers (one each), so five `@Process(name)`
 * ran up to five file jobs at once, and on a small pool they waited on each other's connections
 * until the acquire timeout (issue 16's concurrency sweep).
 */
@Processor(QueueName.Files)
export class FileJobsProcessor extends LoggingProcessor {
  constructor(private readonly jobs: FileJobRunner) {
    super();
  }

  @Process('*')
  async handle(job: Job): Promise<unknown> {
    switch (job.name as FileJobName) {
      case 'files.export':
      case 'files.import':
        return this.jobs.run((job.data as JobPayloads['files.export' | 'files.import']).jobId);
      case 'files.city-attachment': {
        const data = job.data as JobPayloads['files.city-attachment'];
        return this.jobs.freezeCityAttachment(data.reportId, data.submittedAt);
      }
      case 'files.cleanup':
        return this.jobs.cleanup();
      case 'files.orphans':
        return (await this.jobs.sweepOrphans()).length;
      default:
        throw new Error(`unknown file job ${job.name}`);
    }
  }
}

/** The jobs of the files queue, as JobPayloads names them. */
type FileJobName = Extract<keyof JobPayloads, `files.${string}`>;

/** Registers the hourly cleanup of expired jobs and the daily sweep of orphan objects once (bull keys a schedule by name and cron). */
@Injectable()
export class FileJobsScheduleService extends ScheduleRegistrar('files.cleanup', 'files.orphans') {}
