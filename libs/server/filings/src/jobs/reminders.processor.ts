import { Injectable } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { LoggingProcessor, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { LifecycleRemindersService, type LifecycleReminderResult } from '../lifecycle-reminders.service';
import { RemindersService, type DailyReminderResult } from '../reminders.service';

@Processor(QueueName.Reminders)
export class RemindersProcessor extends LoggingProcessor {
  constructor(
    private readonly reminders: RemindersService,
    private readonly lifecycle: LifecycleRemindersService,
  ) {
    super();
  }

  /**
   * Idempotent per day: a second run (or a second worker) finds every chase already logged, and every
   * term / certificate / training message already keyed (issue 22).
   */
  @Process('reminders.daily')
  async daily(job: Job<JobPayloads['reminders.daily']>): Promise<DailyReminderResult & { lifecycle: LifecycleReminderResult }> {
    const chase = await this.reminders.runDaily(job.data.date);
    return { ...chase, lifecycle: await this.lifecycle.runDaily(job.data.date) };
  }
}

/** Registers the daily reminder run (09:00 China time, the start of the working day; SCHEDULES in @cqo/server-queue) as one bull repeatable job. */
@Injectable()
export class ReminderScheduleService extends ScheduleRegistrar('reminders.daily') {}
