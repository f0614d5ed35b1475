import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type AuditRecord } from '@cqo/server-audit';
import type { Actor } from '@cqo/server-common';
import { OutboxService } from './outbox.service';
import type { JobName, JobPayloads } from './queue-names';

/** What a write does besides its own statements: its audit row and its jobs, in its transaction. */
export interface UnitOfWorkTx {
  /** The write's audit row (the unit's actor, ip and action unless given), through AuditService. */
  audit(entry: Omit<AuditRecord, 'actor' | 'action' | 'result'> & Partial<Pick<AuditRecord, 'action' | 'result'>>): Promise<void>;
  /** An outbox row: the job exists exactly when the write commits. */
  enqueue<K extends JobName>(job: K, payload: JobPayloads[K]): Promise<string>;
}

/**
 * One unit of work per write (issue 19 item 5, STYLE.md "One unit of work per write"):
 * `unitOfWork.run(actor, 'appointment.file', async (m, tx) => { …; await tx.audit(…); await tx.enqueue('stats.refresh', …) })`
 * opens the transaction, and the audit row (AuditService, chained by the audit_log trigger) and the
 * outbox rows go through `m`, so they commit or roll back with the change and never reach the pool
 * again (see transaction-guard.ts).
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  run<T>(actor: Actor | null, action: string, work: (m: EntityManager, tx: UnitOfWorkTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) => {
      const tx: UnitOfWorkTx = {
        audit: (entry) => this.auditLog.record({ actor, ip: actor?.ip ?? null, action, result: 'success', ...entry }, m),
        enqueue: (job, payload) => this.outbox.enqueue(m, job, payload),
      };
      return work(m, tx);
    });
  }
}
