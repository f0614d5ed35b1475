import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JOB_QUEUE, type JobName, type JobPayloads } from './queue-names';

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
 * Writes a job as a row in the caller's transaction. The job exists exactly when the business
 * change commits, and the write never waits for Redis: the relay hands it to bull later, and keeps
 * the row until a worker has completed the job (see OutboxRelayService).
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
}
