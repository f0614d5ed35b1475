import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { ModuleRef } from '@nestjs/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { Job, JobOptions, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { QueueName, type JobName } from './queue-names';
import { OutboxService, outboxJobId, outboxRowId } from './outbox.service';

const BATCH = 200;
const WATCH_BATCH = 100;
const ADD_TIMEOUT_MS = 2000;
/** Bull attempts of a relayed job (exponential backoff from OUTBOX_RETRY_DELAY_MS). */
export const OUTBOX_JOB_ATTEMPTS = 5;

/** What one watch pass did with the relayed rows whose lease ran out. */
export interface WatchResult {
  checked: number;
  resent: string[];
  done: string[];
  failed: string[];
}

/**
 * Takes the outbox rows of one job name instead of a bull job per row: `absorb` runs inside the
 * relay's transaction (so a row is absorbed, and done, exactly when it is marked relayed), e.g. into
 * a dirty set; `arm`, after the commit, schedules whatever drains it (a debounced job). An `arm`
 * that fails (Redis down) is retried on the relay's next pass. `recover`, on every watch pass, arms
 * again when what was absorbed has waited longer than the lease (the job that drains it was lost
 * with Redis); it must add nothing while that job is still waiting.
 */
export interface OutboxCoalescer {
  absorb(manager: EntityManager, rows: { id: string; payload: unknown }[]): Promise<void>;
  arm(): Promise<void>;
  recover?(leaseMs: number): Promise<void>;
}

/**
 * Moves outbox rows to bull with `outbox-<id>` as the jobId, so a row relayed twice (after a crash
 * between add and mark) is still one job. Rows are claimed with SKIP LOCKED: several workers can
 * relay side by side. While Redis is down rows simply wait.
 *
 * A row stays in flight until its job has completed (issue 18 item 9): the worker that ran it marks
 * it done (`done_at`, on bull's `completed` event, or in the job's own transaction through
 * `OutboxService.markDone`). The watch looks at rows relayed and not done after the lease
 * (OUTBOX_LEASE_MS), in bull: a job Redis lost is added again with the same job id (bull dedupes
 * it should it still exist); one completed is marked done; one waiting, delayed or running is left
 * alone (merely slow: never run twice); one that failed all its attempts is sent again at most
 * OUTBOX_MAX_RESENDS times, then the row is marked failed (`failed_at`, an error log line, the
 * count in /api/health) and never sent again. The watch runs once right at start, so a worker
 * restarted after Redis lost its jobs re-sends them at once.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer: NodeJS.Timeout | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private running = false;
  private watching = false;
  private stopped = false;
  private readonly coalescers = new Map<string, OutboxCoalescer>();
  /** Coalescers whose rows were absorbed but whose `arm` has not succeeded yet. */
  private readonly unarmed = new Set<OutboxCoalescer>();
  private readonly listened: Queue[] = [];
  private readonly onCompleted = (job: Job): void => void this.completed(job);
  private readonly onFailed = (job: Job, err: Error): void => void this.attemptFailed(job, err);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.queue(name);
      queue.on('completed', this.onCompleted);
      queue.on('failed', this.onFailed);
      this.listened.push(queue);
    }
    this.schedule(0);
    this.scheduleWatch(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watchTimer) clearTimeout(this.watchTimer);
    for (const queue of this.listened) queue.removeListener('completed', this.onCompleted).removeListener('failed', this.onFailed);
  }

  /** Rows of `jobName` go to `coalescer` from now on (register before the application bootstraps). */
  coalesce(jobName: JobName, coalescer: OutboxCoalescer): void {
    this.coalescers.set(jobName, coalescer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.relayOnce()
        .then((n) => this.schedule(n === BATCH ? 0 : 500))
        .catch((err: unknown) => {
          if (this.stopped) return; // shutting down: the pool is closing under the last round
          this.logger.warn(`outbox relay paused: ${(err as Error).message}`);
          this.schedule(2000);
        });
    }, ms);
  }

  /** Every half lease (at most 15 s): rows become due one lease after their relay or last look. */
  private scheduleWatch(ms: number): void {
    if (this.stopped) return;
    this.watchTimer = setTimeout(() => {
      void this.watchOnce()
        .then((r) => this.scheduleWatch(r.checked === WATCH_BATCH ? 0 : Math.max(200, Math.min(this.config.outbox.leaseMs / 2, 15_000))))
        .catch((err: unknown) => {
          if (this.stopped) return;
          this.logger.warn(`outbox watch paused: ${(err as Error).message}`);
          this.scheduleWatch(Math.max(2000, Math.min(this.config.outbox.leaseMs, 15_000)));
        });
    }, ms);
  }

  private jobOptions(rowId: string): JobOptions {
    return {
      jobId: outboxJobId(rowId),
      attempts: OUTBOX_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.outbox.retryDelayMs },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  /** Relays one batch; returns how many rows were handed to bull (or absorbed). */
  async relayOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const relayed = await this.dataSource.transaction(async (manager) => {
        const rows = await this.outbox.claimPending(manager, BATCH);
        const sent: string[] = [];
        const absorbed: string[] = [];
        for (const [jobName, coalescer] of this.coalescers) {
          const mine = rows.filter((r) => r.job_name === jobName);
          if (!mine.length) continue;
          // Absorbed rows count as relayed: only while Redis can take the job that drains them.
          try {
            await withTimeout(this.queue(mine[0].queue).client.ping(), ADD_TIMEOUT_MS);
          } catch (err) {
            await this.outbox.noteAttempt(
              manager,
              mine.map((r) => r.id),
              String((err as Error).message),
            );
            continue;
          }
          await coalescer.absorb(manager, mine.map((r) => ({ id: r.id, payload: r.payload })));
          absorbed.push(...mine.map((r) => r.id));
          this.unarmed.add(coalescer);
        }
        for (const row of rows) {
          if (this.coalescers.has(row.job_name)) continue;
          try {
            await withTimeout(this.queue(row.queue).add(row.job_name, row.payload, this.jobOptions(row.id)), ADD_TIMEOUT_MS);
            sent.push(row.id);
          } catch (err) {
            await this.outbox.noteAttempt(manager, [row.id], String((err as Error).message));
            break; // Redis is unavailable: keep order, try again later
          }
        }
        // One statement for the batch. An absorbed row is done: its change is in the coalescer's
        // table, committed with this mark. A sent row is in flight until its job completes.
        if (sent.length || absorbed.length) await this.outbox.markRelayed(manager, [...sent, ...absorbed], absorbed);
        return sent.length + absorbed.length;
      });
      for (const coalescer of [...this.unarmed]) {
        try {
          await withTimeout(coalescer.arm(), ADD_TIMEOUT_MS);
          this.unarmed.delete(coalescer);
        } catch (err) {
          this.logger.warn(`outbox coalescer not armed yet: ${(err as Error).message}`);
        }
      }
      return relayed;
    } finally {
      this.running = false;
    }
  }

  /**
   * Looks up in bull the relayed rows not done whose lease ran out (oldest first, one batch) and
   * re-sends, completes or fails them as the class comment says; then lets each coalescer recover.
   */
  async watchOnce(): Promise<WatchResult> {
    const result: WatchResult = { checked: 0, resent: [], done: [], failed: [] };
    if (this.watching) return result;
    this.watching = true;
    try {
      const { leaseMs, maxResends } = this.config.outbox;
      await this.dataSource.transaction(async (manager) => {
        const rows = await this.outbox.claimDue(manager, leaseMs, WATCH_BATCH);
        const checked: string[] = [];
        const errors: string[] = [];
        for (const row of rows) {
          const queue = this.queue(row.queue);
          try {
            const job = await withTimeout(queue.getJob(outboxJobId(row.id)), ADD_TIMEOUT_MS);
            let state = job ? await withTimeout(job.getState(), ADD_TIMEOUT_MS) : null;
            // bull reads the state list by list: a job moving between two lists can read as 'stuck'.
            if (job && state === 'stuck') state = await withTimeout(job.getState(), ADD_TIMEOUT_MS);
            if (!job) {
              await withTimeout(queue.add(row.job_name, row.payload, this.jobOptions(row.id)), ADD_TIMEOUT_MS);
              result.resent.push(row.id);
              this.logger.warn(`outbox ${row.id} (${row.job_name}): relayed but gone from Redis, sent again`);
            } else if (state === 'completed') {
              result.done.push(row.id);
            } else if (state === 'failed') {
              if (row.resends < maxResends) {
                await withTimeout(job.remove(), ADD_TIMEOUT_MS);
                await withTimeout(queue.add(row.job_name, row.payload, this.jobOptions(row.id)), ADD_TIMEOUT_MS);
                result.resent.push(row.id);
                this.logger.warn(
                  `outbox ${row.id} (${row.job_name}): failed all ${job.attemptsMade} attempts (${job.failedReason}), sent again (${row.resends + 1} of ${maxResends})`,
                );
              } else {
                result.failed.push(row.id);
                errors.push(String(job.failedReason ?? 'failed').slice(0, 500));
                this.logger.error(
                  `outbox ${row.id} (${row.job_name}): failed for good after ${row.resends} re-sends (${job.failedReason}); marked failed, not sent again`,
                );
              }
            } // else waiting, delayed, active, paused: merely slow, looked at again one lease later
            checked.push(row.id);
          } catch (err) {
            this.logger.warn(`outbox watch stopped at ${row.id}: ${(err as Error).message}`);
            break; // Redis is unavailable: what was looked at is recorded, the rest waits
          }
        }
        result.checked = checked.length;
        if (!checked.length) return;
        await this.outbox.recordWatch(manager, { checked, resent: result.resent, done: result.done, failed: result.failed, errors });
      });
      for (const coalescer of this.coalescers.values()) {
        if (!coalescer.recover) continue;
        try {
          await withTimeout(coalescer.recover(leaseMs), ADD_TIMEOUT_MS);
        } catch (err) {
          this.logger.warn(`outbox coalescer not recovered yet: ${(err as Error).message}`);
        }
      }
      return result;
    } finally {
      this.watching = false;
    }
  }

  /** A relayed job completed in this process: its row is done (right after the job's own writes). */
  private async completed(job: Job): Promise<void> {
    const id = outboxRowId(job.id);
    if (!id) return;
    try {
      await this.outbox.markDone(this.dataSource.manager, job.id);
    } catch (err) {
      // The watch finds it completed in bull after the lease and marks it then.
      this.logger.warn(`outbox ${id}: could not mark done: ${(err as Error).message}`);
    }
  }

  /** The last attempt of a relayed job failed: keep the reason on its row (the watch decides after the lease). */
  private async attemptFailed(job: Job, err: Error): Promise<void> {
    const id = outboxRowId(job.id);
    if (!id || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    try {
      await this.outbox.noteLastError(this.dataSource.manager, job.id, String(err?.message ?? err));
    } catch (e) {
      this.logger.warn(`outbox ${id}: could not record the failure: ${(e as Error).message}`);
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
