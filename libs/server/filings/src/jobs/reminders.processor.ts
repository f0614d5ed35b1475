import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { QueueName, registerSchedule, SCHEDULES, type JobPayloads } from '@cqo/server-queue';
import { LifecycleRemindersService, type LifecycleReminderResult } from '../lifecycle-reminders.service';
import { RemindersService, type DailyReminderResult } from '../reminders.service';

/** 09:00 China time: reminders arrive at the start of the working day. */
export const REMINDER_CRON = SCHEDULES['reminders.daily'].cron;
export const REMINDER_TZ = SCHEDULES['reminders.daily'].timezone;

@Processor(QueueName.Reminders)
export class RemindersProcessor {
  private readonly logger = new Logger(RemindersProcessor.name);

  constructor(
    private readonly reminders: RemindersService,
    private readonly lifecycle: LifecycleRemindersService,
  ) {}

  /**
   * Idempotent per day: a second run (or a second worker) finds every chase already logged, and every
   * term / certificate / training message already keyed (issue 22).
   */
  @Process('reminders.daily')
  async daily(job: Job<JobPayloads['reminders.daily']>): Promise<DailyReminderResult & { lifecycle: LifecycleReminderResult }> {
    const chase = await this.reminders.runDaily(job.data.date);
    return { ...chase, lifecycle: await this.lifecycle.runDaily(job.data.date) };
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }
}

/** Registers the daily reminder run as a bull repeatable job (one schedule however many workers boot). */
@Injectable()
export class ReminderScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReminderScheduleService.name);

  constructor(@InjectQueue(QueueName.Reminders) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    // The one schedule table and the one way to register it (issue 19 item 5).
    await registerSchedule(this.queue, 'reminders.daily', this.logger);
  }
}
