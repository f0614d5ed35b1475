import { Injectable, Logger } from '@nestjs/common';
import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { RemindersService, type DailyReminderResult } from '../reminders.service';

@Processor(QueueName.Reminders)
export class RemindersProcessor {
  private readonly logger = new Logger(RemindersProcessor.name);

  constructor(private readonly reminders: RemindersService) {}

  /** Idempotent per day: a second run (or a second worker) finds every chase already logged. */
  @Process('reminders.daily')
  daily(job: Job<JobPayloads['reminders.daily']>): Promise<DailyReminderResult> {
    return this.reminders.runDaily(job.data.date);
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }
}

/** Registers the daily reminder run (09:00 China time, the start of the working day; SCHEDULES in @cqo/server-queue) as one bull repeatable job. */
@Injectable()
export class ReminderScheduleService extends ScheduleRegistrar('reminders.daily') {}
