import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { ModuleRef } from '@nestjs/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { Queue } from 'bull';
import { QueueName, type JobName } from './queue-names';

const BATCH = 200;
const ADD_TIMEOUT_MS = 2000;

interface PendingRow {
  id: string;
  queue: QueueName;
  job_name: string;
  payload: unknown;
}

/**
 * Takes the outbox rows of one job name instead of a bull job per row: `absorb` runs inside the
 * relay's transaction (so a row is absorbed exactly when it is marked relayed), e.g. into a dirty
 * set; `arm`, after the commit, schedules whatever drains it (a debounced job). An `arm` that
 * fails (Redis down) is retried on the relay's next pass.
 */
export interface OutboxCoalescer {
  absorb(manager: EntityManager, rows: { id: string; payload: unknown }[]): Promise<void>;
  arm(): Promise<void>;
}

/**
 * Moves outbox rows to bull with `outbox-<id>` as the jobId, so a row relayed twice (after a crash
 * between add and mark) is still one job. Rows are claimed with SKIP LOCKED: several workers can
 * relay side by side. While Redis is down rows simply wait.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private readonly coalescers = new Map<string, OutboxCoalescer>();
  /** Coalescers whose rows were absorbed but whose `arm` has not succeeded yet. */
  private readonly unarmed = new Set<OutboxCoalescer>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
          this.logger.warn(`outbox relay paused: ${(err as Error).message}`);
          this.schedule(2000);
        });
    }, ms);
  }

  /** Relays one batch; returns how many rows were handed to bull. */
  async relayOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const relayed = await this.dataSource.transaction(async (manager) => {
        const rows: PendingRow[] = await manager.query(
          `SELECT id, queue, job_name, payload FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [BATCH],
        );
        const done: string[] = [];
        for (const [jobName, coalescer] of this.coalescers) {
          const mine = rows.filter((r) => r.job_name === jobName);
          if (!mine.length) continue;
          // Absorbed rows count as relayed: only while Redis can take the job that drains them.
          try {
            await withTimeout(this.queue(mine[0].queue).client.ping(), ADD_TIMEOUT_MS);
          } catch (err) {
            await manager.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [
              mine.map((r) => r.id),
              String((err as Error).message).slice(0, 500),
            ]);
            continue;
          }
          await coalescer.absorb(manager, mine.map((r) => ({ id: r.id, payload: r.payload })));
          done.push(...mine.map((r) => r.id));
          this.unarmed.add(coalescer);
        }
        for (const row of rows) {
          if (this.coalescers.has(row.job_name)) continue;
          try {
            await withTimeout(
              this.queue(row.queue).add(row.job_name, row.payload, {
                jobId: `outbox-${row.id}`,
                attempts: 5,
                backoff: { type: 'exponential', delay: 1000 },
                removeOnComplete: { age: 7 * 24 * 3600 },
                removeOnFail: { age: 30 * 24 * 3600 },
              }),
              ADD_TIMEOUT_MS,
            );
            done.push(row.id);
          } catch (err) {
            await manager.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
              row.id,
              String((err as Error).message).slice(0, 500),
            ]);
            break; // Redis is unavailable: keep order, try again later
          }
        }
        if (done.length) await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [done]);
        return done.length;
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
