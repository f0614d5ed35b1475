import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueName, registerSchedule, SCHEDULES } from '@cqo/server-queue';

/** 01:30 China time (the schedule table, SCHEDULES in @cqo/server-queue). */
export const NIGHTLY_CRON = SCHEDULES['eligibility.nightly'].cron;
export const NIGHTLY_TZ = SCHEDULES['eligibility.nightly'].timezone;

/** Registers the nightly re-evaluation as a bull repeatable job (one per cron, however many workers). */
@Injectable()
export class NightlyScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NightlyScheduleService.name);

  constructor(@InjectQueue(QueueName.Eligibility) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    // The one schedule table and the one way to register it (issue 19 item 5).
    await registerSchedule(this.queue, 'eligibility.nightly', this.logger);
  }
}
