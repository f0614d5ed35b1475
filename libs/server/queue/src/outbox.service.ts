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
}
