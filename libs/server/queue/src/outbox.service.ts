import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxEntity } from './outbox.entity';
import { JOB_QUEUE, type JobName, type JobPayloads } from './queue-names';

/**
 * Writes a job as a row in the caller's transaction. The job exists exactly when the business
 * change commits, and the write never waits for Redis: the relay hands it to bull later.
 */
@Injectable()
export class OutboxService {
  async enqueue<K extends JobName>(manager: EntityManager, jobName: K, payload: JobPayloads[K]): Promise<string> {
    const row = manager.create(OutboxEntity, { queue: JOB_QUEUE[jobName], jobName, payload });
    const saved = await manager.save(row);
    return saved.id;
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
}
