import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './queue-names';

/** A row waiting to be handed to bull. */
export interface PendingOutboxRow {
  id: string;
  queue: QueueName;
  job_name: string;
  payload: unknown;
}

/** A relayed row not done, whose lease ran out. */
export interface InFlightOutboxRow extends PendingOutboxRow {
  resends: number;
}

/** What one watch pass found of the rows it checked, to be recorded on them. */
export interface OutboxWatchMarks {
  checked: string[];
  resent: string[];
  done: string[];
  failed: string[];
  /** The reason of each failed row, in the order of `failed`. */
  errors: string[];
}

/** The bull job id of an outbox row: one row is one job, however often it is sent. */
export function outboxJobId(rowId: string): string {
  return `outbox-${rowId}`;
}

/** The outbox row of a bull job id, or null for a job that did not come through the outbox. */
export function outboxRowId(jobId: unknown): string | null {
  const m = /^outbox-(\d+)$/.exec(String(jobId ?? ''));
  return m ? m[1] : null;
}

/**
 * The one writer of the `outbox` table (issue 19). Writes a job as a row in the caller's
 * transaction: the job exists exactly when the business change commits, and the write never waits
 * for Redis. The relay (OutboxRelayService) hands it to bull later and keeps the row until a worker
 * has completed the job, recording each step here, in the relay's own transaction.
 */
@Injectable()
export class OutboxService {
  async enqueue<K extends JobName>(manager: EntityManager, jobName: K, payload: JobPayloads[K]): Promise<string> {
    const [row]: { id: string }[] = await manager.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ($1, $2, $3::jsonb) RETURNING id`, [
      JOB_QUEUE[jobName],
      jobName,
      JSON.stringify(payload),
    ]);
    return String(row.id);
  }

  /**
   * The job row as an INSERT for the caller to send inside its own statement (a data-modifying
   * CTE), so a write and its job cost one round trip. Same row as `enqueue`. With `when` (the
   * name of a CTE of the same statement), the row is written only if that CTE returned a row.
   */
  insertStatement<K extends JobName>(jobName: K, payload: JobPayloads[K], bind: (value: unknown) => string, when?: string): string {
    const values = `${bind(JOB_QUEUE[jobName])}, ${bind(jobName)}, ${bind(JSON.stringify(payload))}::jsonb`;
    return `INSERT INTO outbox (queue, job_name, payload) ${when ? `SELECT ${values} FROM ${when}` : `VALUES (${values})`}`;
  }

  /**
   * One job per row of `from` (a CTE of the caller's statement), its payload built in SQL from that
   * row (`payloadSql`, a jsonb expression): the jobs of a set-based write in the same round trip.
   */
  insertSelectStatement<K extends JobName>(jobName: K, payloadSql: string, from: string, bind: (value: unknown) => string): string {
    return `INSERT INTO outbox (queue, job_name, payload) SELECT ${bind(JOB_QUEUE[jobName])}, ${bind(jobName)}, ${payloadSql} FROM ${from}`;
  }

  /**
   * Marks the outbox row of a running bull job done in the job's own transaction, so its writes and
   * the mark commit together (the relay also marks it on bull's `completed` event, which then
   * changes nothing). A job not from the outbox (a schedule) has no row: nothing happens.
   */
  async markDone(manager: EntityManager, jobId: unknown): Promise<void> {
    const id = outboxRowId(jobId);
    if (id) await manager.query(`UPDATE outbox SET done_at = now(), failed_at = NULL WHERE id = $1 AND done_at IS NULL`, [id]);
  }

  // ------------------------------------------------------------------ the relay's steps

  /** The oldest rows not yet relayed (at most `limit`), locked; rows another relay holds are skipped. */
  claimPending(manager: EntityManager, limit: number): Promise<PendingOutboxRow[]> {
    return manager.query(`SELECT id, queue, job_name, payload FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
  }

  /** Handing rows to bull failed (Redis away): one more attempt each, with the reason. */
  async noteAttempt(manager: EntityManager, ids: string[], error: string): Promise<void> {
    await manager.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [ids, error.slice(0, 500)]);
  }

  /**
   * Rows handed to bull are relayed (in flight until their job completes); rows absorbed by a
   * coalescer are also done, their change committed with this mark. One statement for the batch.
   */
  async markRelayed(manager: EntityManager, ids: string[], absorbed: string[]): Promise<void> {
    await manager.query(
      `UPDATE outbox SET relayed_at = now(), done_at = CASE WHEN id = ANY($2::bigint[]) THEN now() ELSE done_at END
        WHERE id = ANY($1::bigint[])`,
      [ids, absorbed],
    );
  }

  /** Relayed rows not done whose lease (`leaseMs`) ran out since relayed or last checked, oldest first, locked. */
  claimDue(manager: EntityManager, leaseMs: number, limit: number): Promise<InFlightOutboxRow[]> {
    return manager.query(
      `SELECT id, queue, job_name, payload, resends FROM outbox
        WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL
          AND coalesce(checked_at, relayed_at) < now() - make_interval(secs => $1)
        ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [leaseMs / 1000, limit],
    );
  }

  /** What a watch pass found, on the rows it checked: one statement. */
  async recordWatch(manager: EntityManager, w: OutboxWatchMarks): Promise<void> {
    await manager.query(
      `UPDATE outbox SET checked_at = now(),
              resends = resends + CASE WHEN id = ANY($2::bigint[]) THEN 1 ELSE 0 END,
              done_at = CASE WHEN id = ANY($3::bigint[]) THEN now() ELSE done_at END,
              failed_at = CASE WHEN id = ANY($4::bigint[]) THEN now() ELSE failed_at END,
              last_error = CASE WHEN id = ANY($4::bigint[]) THEN ($5::text[])[array_position($4::bigint[], id)] ELSE last_error END
        WHERE id = ANY($1::bigint[])`,
      [w.checked, w.resent, w.done, w.failed, w.errors],
    );
  }

  /** The last attempt of a relayed job failed: the reason kept on its row until the watch decides. */
  async noteLastError(manager: EntityManager, jobId: unknown, error: string): Promise<void> {
    const id = outboxRowId(jobId);
    if (id) await manager.query(`UPDATE outbox SET last_error = $2 WHERE id = $1 AND done_at IS NULL`, [id, error.slice(0, 500)]);
  }
}
