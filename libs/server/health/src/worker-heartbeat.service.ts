import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** The api reports the worker down when no worker has beaten for this long. */
export const HEARTBEAT_STALE_SECONDS = 45;

/** The worker says it is alive every few seconds; /api/health reads it. */
@Injectable()
export class WorkerHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeatService.name);
  private readonly workerId = `${hostname()}:${process.pid}`;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.dataSource.query('DELETE FROM worker_heartbeat WHERE worker_id = $1', [this.workerId]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO worker_heartbeat (worker_id, started_at, last_seen_at) VALUES ($1, now(), now())
         ON CONFLICT (worker_id) DO UPDATE SET last_seen_at = now()`,
        [this.workerId],
      );
    } catch (err) {
      this.logger.warn(`heartbeat failed: ${(err as Error).message}`);
    }
  }
}
