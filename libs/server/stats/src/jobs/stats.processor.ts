import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QueueName, type JobPayloads } from '@cqo/server-queue';
import { SnapshotService, type RunResult } from '../snapshot.service';

/** 02:00 China time: the nightly full rebuild runs before anyone opens the dashboard. */
export const STATS_REBUILD_CRON = '0 2 * * *';
export const STATS_REBUILD_TZ = 'Asia/Shanghai';

@Processor(QueueName.Stats)
export class StatsProcessor {
  private readonly logger = new Logger(StatsProcessor.name);

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly dataSource: DataSource,
  ) {}

  /** After a change: recount the changed enterprise's region (or the current year in full when none is named). */
  @Process('stats.refresh')
  async refresh(job: Job<JobPayloads['stats.refresh']>): Promise<RunResult> {
    const { enterpriseId, reason } = job.data;
    if (enterpriseId) {
      const [e] = await this.dataSource.query(`SELECT region_code FROM enterprise WHERE id = $1`, [enterpriseId]);
      if (e) return this.snapshots.refresh([e.region_code], `outbox:${reason}`);
    }
    const current = this.snapshots.heldYears().at(-1)!;
    return this.snapshots.rebuild({ years: [current], trigger: `outbox:${reason}` });
  }

  /** Nightly (repeatable) or on request: rebuild every held year, then prune old run history. */
  @Process('stats.rebuild')
  async rebuild(job: Job<JobPayloads['stats.rebuild']>): Promise<RunResult> {
    const result = await this.snapshots.rebuild({ years: job.data.years, trigger: job.data.trigger ?? (job.opts.repeat ? 'schedule' : 'queue') });
    await this.snapshots.pruneRuns();
    return result;
  }

  @OnQueueFailed()
  failed(job: Job, err: Error): void {
    this.logger.warn(`job ${job.name} ${job.id} failed: ${err.message}`);
  }

  @OnQueueError()
  error(err: Error): void {
    this.logger.warn(`stats queue: ${err.message}`);
  }
}

/**
 * Registers the nightly rebuild as a bull repeatable job. Bull keys a schedule by name, cron and
 * time zone, so booting again adds nothing; a schedule left by an older cron is removed, so there
 * is always exactly one.
 */
@Injectable()
export class StatsScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StatsScheduleService.name);

  constructor(@InjectQueue(QueueName.Stats) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === 'stats.rebuild' && (job.cron !== STATS_REBUILD_CRON || job.tz !== STATS_REBUILD_TZ)) await this.queue.removeRepeatableByKey(job.key);
      }
      await this.queue.add(
        'stats.rebuild',
        { trigger: 'schedule' },
        { repeat: { cron: STATS_REBUILD_CRON, tz: STATS_REBUILD_TZ }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 30, removeOnFail: 30 },
      );
    } catch (err) {
      this.logger.warn(`could not register the nightly statistics rebuild: ${(err as Error).message}`);
    }
  }
}
