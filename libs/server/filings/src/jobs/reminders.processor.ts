import { Injectable } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { RemindersService, type DailyReminderResult } from '../reminders.service';

@Processor(QueueName.Reminders)
export class RemindersProcessor extends LoggingProcessor {
  constructor(private readonly reminders: RemindersService) {
    super();
  }

  /** Idempotent per day: a second run (or a second worker) finds every chase already logged. */
  @Process('reminders.daily')
  daily(job: Job<JobPayloads['reminders.daily']>): Promise<DailyReminderResult> {
    return this.reminders.runDaily(job.data.date);
  }
}

/** Registers the daily reminder run (09:00 China time, the start of the working day; SCHEDULES in @cqo/server-queue) as one bull repeatable job. */
@Injectable()
export class ReminderScheduleService extends ScheduleRegistrar('reminders.daily') {}
