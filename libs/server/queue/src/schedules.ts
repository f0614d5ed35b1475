import { Injectable, Logger, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { JobOptions, Queue } from 'bull';
import { QueueName } from './queue-names';

/** One repeatable job: which queue, which job, when (cron in `timezone`), with what payload and options. */
export interface Schedule {
  queue: QueueName;
  job: string;
  cron: string;
  /** Omitted: the server's zone (only for an hourly job, where the zone does not matter). */
  timezone?: string;
  data: Record<string, unknown>;
  options: Omit<JobOptions, 'repeat'>;
}

const RETRIED: Omit<JobOptions, 'repeat'> = { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 30, removeOnFail: 30 };

/**
 * The one table of repeatable jobs (issue 19 item 5, STYLE.md "One registry for schedules"). Every
 * schedule is registered from here by `registerSchedule` at worker start; change a cron here, or
 * delete a row, and the old repeatable job is removed on the next start.
 */
export const SCHEDULES = {
  /** 01:30 China time, after the day's filings and before anyone reads the morning's lists: end expired terms, re-judge (SPEC §2.6). */
  'eligibility.nightly': { queue: QueueName.Eligibility, job: 'eligibility.nightly', cron: '30 1 * * *', timezone: 'Asia/Shanghai', data: {}, options: { removeOnComplete: 30, removeOnFail: 30 } },
  /** 02:00: the nightly statistics rebuild. */
  'stats.rebuild': { queue: QueueName.Stats, job: 'stats.rebuild', cron: '0 2 * * *', timezone: 'Asia/Shanghai', data: { trigger: 'schedule' }, options: RETRIED },
  /** 02:30: certificates past validity expire, last year's continuing-education shortfall is flagged. */
  'certificates.nightly': { queue: QueueName.Evaluation, job: 'certificates.nightly', cron: '30 2 * * *', timezone: 'Asia/Shanghai', data: {}, options: RETRIED },
  /** 09:00: the filing reminders. */
  'reminders.daily': { queue: QueueName.Reminders, job: 'reminders.daily', cron: '0 9 * * *', timezone: 'Asia/Shanghai', data: {}, options: { removeOnComplete: 30, removeOnFail: 30 } },
  /** Hourly: delete expired file jobs and their files. */
  'files.cleanup': { queue: QueueName.Files, job: 'files.cleanup', cron: '17 * * * *', data: {}, options: { removeOnComplete: 10, removeOnFail: 10 } },
  /** Every 10 minutes: a message held for quiet hours whose delayed job Redis lost gets it again (docs/notifications.md). */
  'messages.requeue-held': { queue: QueueName.Messages, job: 'messages.requeue-held', cron: '*/10 * * * *', data: {}, options: { removeOnComplete: 10, removeOnFail: 10 } },
  /** 03:40 China time, after the night's jobs: remove objects of the file store no row names, older than a day. */
  'files.orphans': { queue: QueueName.Files, job: 'files.orphans', cron: '40 3 * * *', timezone: 'Asia/Shanghai', data: {}, options: { removeOnComplete: 10, removeOnFail: 10 } },
} as const satisfies Record<string, Schedule>;

export type ScheduledJob = keyof typeof SCHEDULES;

/**
 * Registers one schedule of the table on its queue, the one way every schedule is registered.
 * Stale repeatables on the queue are removed first: the same job left by another cron or zone, so
 * there is always exactly one, and a job the table no longer has for this queue (deleted or
 * renamed since an older release), which would otherwise keep firing. Bull keys a schedule by
 * name, cron and zone, so booting again (or a second worker) adds nothing. Redis down at boot
 * only logs: the next start registers again.
 */
export async function registerSchedule(queue: Queue, name: ScheduledJob, logger: Pick<Logger, 'warn'>): Promise<void> {
  const s: Schedule = SCHEDULES[name];
  const tabled = new Set<string>(Object.values(SCHEDULES).filter((t) => t.queue === s.queue).map((t) => t.job));
  try {
    for (const job of await queue.getRepeatableJobs()) {
      const stale = job.name === s.job ? job.cron !== s.cron || (job.tz ?? undefined) !== s.timezone : !tabled.has(job.name);
      if (stale) await queue.removeRepeatableByKey(job.key);
    }
    await queue.add(s.job, s.data, { ...s.options, repeat: s.timezone ? { cron: s.cron, tz: s.timezone } : { cron: s.cron } });
  } catch (err) {
    logger.warn(`could not register the schedule ${s.job}: ${(err as Error).message}`);
  }
}

/**
 * The one provider shape that registers schedules of the table at application start: a feature
 * lists `ScheduleRegistrar('its.job')` (or a class that extends it) among the providers of its
 * worker module, instead of writing its own bootstrap hook. Several jobs of one queue may share a
 * registrar (`ScheduleRegistrar('files.cleanup', 'files.orphans')`); they register in that order.
 */
export function ScheduleRegistrar(name: ScheduledJob, ...more: ScheduledJob[]): Type<OnApplicationBootstrap> {
  const names = [name, ...more];
  const queues = new Set(names.map((n) => SCHEDULES[n].queue));
  if (queues.size > 1) throw new Error(`one registrar per queue: ${names.join(', ')}`);

  @Injectable()
  class Registrar implements OnApplicationBootstrap {
    private readonly logger = new Logger(`Schedule ${names.join(', ')}`);

    constructor(@InjectQueue(SCHEDULES[name].queue) private readonly queue: Queue) {}

    async onApplicationBootstrap(): Promise<void> {
      for (const n of names) await registerSchedule(this.queue, n, this.logger);
    }
  }
  return Registrar;
}
