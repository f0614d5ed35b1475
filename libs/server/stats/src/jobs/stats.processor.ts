import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { LoggingProcessor, OutboxRelayService, QueueName, ScheduleRegistrar, type JobPayloads } from '@cqo/server-queue';
import { SnapshotService, type HoldResult, type RunResult } from '../snapshot.service';

/**
 * Coalesces statistics changes: the outbox relay hands every `stats.refresh` row to `markDirty`
 * inside its own transaction (no bull job per change), then arms one debounced `stats.drain`.
 * Arming adds nothing while a drain is already waiting or delayed (it will read the new marks when
 * it starts, which is after they committed); otherwise it adds a drain delayed to the end of the
 * current debounce window, with the window as its jobId. A drain that is already running does not
 * block the add (its jobId is an earlier window's), so a change made during a refresh gets a drain
 * of its own after it. So at most one drain is pending, and every change is counted by a drain
 * that starts after it was marked. A drain Redis lost (issue 18 item 9) is armed again by the
 * relay's watch: `recover` arms when a mark has waited longer than the lease (OUTBOX_LEASE_MS),
 * which adds nothing while a drain is waiting.
 */
@Injectable()
export class StatsDrainScheduler implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(StatsDrainScheduler.name);

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly relay: OutboxRelayService,
    @InjectQueue(QueueName.Stats) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.relay.coalesce('stats.refresh', {
      absorb: (m, rows) => this.snapshots.markDirty(m, rows.map((r) => r.payload as JobPayloads['stats.refresh'])),
      arm: () => this.arm(),
      recover: (leaseMs) => this.recover(leaseMs),
    });
  }

  /** Marks left by a worker that stopped before its drain ran are drained after a boot. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      if ((await this.snapshots.dirtyCount()) > 0) await this.arm();
    } catch (err) {
      this.logger.warn(`could not arm the statistics drain: ${(err as Error).message}`);
    }
  }

  /** Marks older than the lease are waiting on a drain that may be gone: arm one (nothing while one waits). */
  async recover(leaseMs: number): Promise<void> {
    if (await this.snapshots.hasStaleMarks(leaseMs)) await this.arm();
  }

  async arm(): Promise<void> {
    const pending = await this.queue.getJobs(['waiting', 'delayed', 'paused']);
    if (pending.some((j) => j?.name === 'stats.drain')) return;
    const window = this.config.statsDebounceMs;
    const now = Date.now();
    const slot = Math.floor(now / window);
    await this.queue.add('stats.drain', {}, {
      jobId: `stats-drain-${slot}`,
      delay: Math.max(0, (slot + 1) * window - now),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 50,
    });
  }
}

@Processor(QueueName.Stats)
export class StatsProcessor extends LoggingProcessor {
  constructor(
    private readonly snapshots: SnapshotService,
    private readonly dataSource: DataSource,
    private readonly drains: StatsDrainScheduler,
  ) {
    super();
  }

  /**
   * A `stats.refresh` that reached bull as a job of its own (queued before the relay coalesced
   * them, or relayed by a process without the coalescer): mark it and let the drain count it.
   */
  @Process('stats.refresh')
  async refresh(job: Job<JobPayloads['stats.refresh']>): Promise<{ marked: true }> {
    await this.snapshots.markDirty(this.dataSource.manager, [job.data]);
    await this.drains.arm();
    return { marked: true };
  }

  /** The debounced recount of every region and year marked in `stat_dirty`; re-armed when marks came in meanwhile. */
  @Process('stats.drain')
  async drain(): Promise<{ runs: RunResult[]; remaining: number }> {
    const result = await this.snapshots.drain('outbox');
    if (result.remaining > 0) await this.drains.arm();
    // A catch-up rebuild (a new year, a '*' mark, a day it could not roll forward) dropped the held parts like
    // any rebuild: hold them again now, not on each county's first change.
    if (result.runs.some((r) => r.kind === 'full')) {
      const held = await this.snapshots.holdCounties('catch-up');
      this.logger.log(`held ${held.enterprises} enterprises' parts in ${held.counties} counties after a catch-up rebuild`);
    }
    return result;
  }

  /**
   * Nightly (the schedule's job): `SnapshotService.nightly`, which recounts the current year county
   * by county when its snapshot is of today. On request (a user, a test; years or not): rebuild
   * them, then hold every county again. Then prune old run history.
   */
  @Process('stats.rebuild')
  async rebuild(job: Job<JobPayloads['stats.rebuild']>): Promise<RunResult | HoldResult> {
    const trigger = job.data.trigger ?? (job.opts.repeat ? 'schedule' : 'queue');
    const { rebuilt, held } =
      trigger === 'schedule' && !job.data.years?.length
        ? await this.snapshots.nightly(trigger)
        : await this.snapshots.rebuildAndHold({ years: job.data.years, trigger });
    this.logger.log(`${rebuilt ? 'rebuilt, then held' : 'counted again'} ${held.enterprises} enterprises in ${held.counties} counties (${held.runs.length} runs written)`);
    await this.snapshots.pruneRuns();
    return rebuilt ?? held;
  }
}

/**
 * Registers the nightly rebuild as a bull repeatable job. Bull keys a schedule by name, cron and
 * time zone, so booting again adds nothing; a schedule left by an older cron is removed, so there
 * is always exactly one.
 */
@Injectable()
export class StatsScheduleService extends ScheduleRegistrar('stats.rebuild') {}
