import { Injectable } from '@nestjs/common';
import { PoolRepository } from '@cqo/server-database';

/** The outbox rows not yet done, by state, and the oldest one still to do. */
export interface OutboxStateRow {
  pending: number;
  relayed: number;
  failed: number;
  oldest: Date | null;
}

/** When a year's statistics snapshot was built, and whether the year is closed. */
export interface SnapshotBuiltRow {
  year: number;
  built_at: Date;
  closed: boolean;
}

/**
 * The scrape's reads of the state every process shares (outbox, statistics snapshots, audit log,
 * file jobs): on the pool, outside any transaction, and never a write.
 */
@Injectable()
export class MetricsRepository extends PoolRepository {
  /** The outbox's backlog: rows pending, relayed and given up, and the oldest still to do. */
  async outboxState(): Promise<OutboxStateRow> {
    const [o]: OutboxStateRow[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE relayed_at IS NULL AND failed_at IS NULL)::int AS pending,
                count(*) FILTER (WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL)::int AS relayed,
                count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed,
                min(created_at) FILTER (WHERE done_at IS NULL AND failed_at IS NULL) AS oldest
           FROM outbox WHERE done_at IS NULL`,
    );
    return o;
  }

  /** Each year's statistics snapshot: when it was built, and whether the year is closed. */
  snapshots(): Promise<SnapshotBuiltRow[]> {
    return this.dataSource.query(`SELECT year, built_at, closed_at IS NOT NULL AS closed FROM stat_current`);
  }

  /** Failed sign-ins and the lockouts they started since `since` (audit log). */
  async signIns(since: Date): Promise<{ failures: number; lockouts: number }> {
    const [a]: { failures: number; lockouts: number }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE result = 'failure')::int AS failures,
                count(*) FILTER (WHERE details->>'locked' = 'true')::int AS lockouts
           FROM audit_log WHERE at >= $1 AND action = 'auth.login'`,
      [since],
    );
    return a;
  }

  /** Imports that failed since `since`. */
  async failedImports(since: Date): Promise<number> {
    const [u]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM file_job WHERE kind LIKE 'import-%' AND status = 'failed' AND finished_at >= $1`,
      [since],
    );
    return u.n;
  }
}
