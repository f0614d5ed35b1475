import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueName } from '@cqo/server-queue';

/** 01:30 China time, after the day's filings and before anyone reads the morning's lists. */
export const NIGHTLY_CRON = '30 1 * * *';
export const NIGHTLY_TZ = 'Asia/Shanghai';

/** Registers the nightly re-evaluation as a bull repeatable job (one per cron, however many workers). */
@Injectable()
export class NightlyScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NightlyScheduleService.name);

  constructor(@InjectQueue(QueueName.Eligibility) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queue.add('eligibility.nightly', {}, { repeat: { cron: NIGHTLY_CRON, tz: NIGHTLY_TZ }, removeOnComplete: 30, removeOnFail: 30 });
    } catch (err) {
      // Redis may be down at boot; the worker keeps running and registers again on its next start.
      this.logger.warn(`could not register the nightly eligibility job: ${(err as Error).message}`);
    }
  }
}
