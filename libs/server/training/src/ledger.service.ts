import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerKind, LedgerVerification, TrainingCategory, TrainingSource } from '@cqo/contracts';
import { chainDrafts, GENESIS_HASH, ledgerHash, ledgerHours, type LedgerDraft } from '@cqo/server-database';
import { TrainingRecordsRepository } from './training-records.repository';

/** One record to append to the ledger. */
export interface NewLedgerRecord {
  kind: LedgerKind;
  personId: string;
  enterpriseId: string | null;
  category: TrainingCategory;
  course: string;
  provider: string;
  startDate: string;
  endDate: string;
  hours: number;
  certificateNo: string | null;
  source: TrainingSource;
  reverses: string | null;
  reason: string | null;
  importId: string | null;
  recordedAt: Date;
  recordedBy: string | null;
}

export interface AppendedRecord {
  id: string;
  seq: number;
  hash: string;
}

/** Rows per page when walking the chain. */
const VERIFY_BATCH = 20_000;

/**
 * The training hours ledger (SPEC §4, 001 §10 区块链存证): records are only ever appended, each
 * with the hash of its canonical content and of the record before it. The table refuses UPDATE,
 * DELETE and TRUNCATE for every role (a trigger); `verify` re-walks the chain and names the first
 * record that no longer matches. The rows are read and written through TrainingRecordsRepository.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly records: TrainingRecordsRepository) {}

  /**
   * Appends `records` in order inside the caller's transaction. Takes the ledger lock, so two
   * transactions never chain onto the same head; it is held until the caller commits.
   */
  async append(m: EntityManager, records: readonly NewLedgerRecord[]): Promise<AppendedRecord[]> {
    if (!records.length) return [];
    await this.lock(m);
    const head = await this.head(m);
    const drafts: LedgerDraft[] = records.map((r) => ({
      id: randomUUID(),
      kind: r.kind,
      personId: r.personId,
      enterpriseId: r.enterpriseId,
      category: r.category,
      course: r.course,
      provider: r.provider,
      startDate: r.startDate,
      endDate: r.endDate,
      hours: ledgerHours(r.hours),
      certificateNo: r.certificateNo,
      source: r.source,
      reverses: r.reverses,
      reason: r.reason,
      recordedAt: String(r.recordedAt.getTime()),
      recordedBy: r.recordedBy,
    }));
    const chained = chainDrafts(head, drafts);
    await this.records.insertChained(m, drafts, chained, records.map((r) => r.importId));
    return drafts.map((d, i) => ({ id: d.id, seq: chained[i].seq, hash: chained[i].hash }));
  }

  /**
   * Takes the ledger lock until the transaction ends: checks made after it (a certificate number
   * not yet used, an entry not yet reversed) still hold when the append commits. Re-entrant.
   */
  async lock(m: EntityManager): Promise<void> {
    if (!m.queryRunner?.isTransactionActive) throw new Error('the training ledger is written only inside a transaction');
    await this.records.lockLedger(m);
  }

  /** The last record's place and hash; `{0, GENESIS_HASH}` for an empty ledger. */
  async head(m: EntityManager): Promise<{ seq: number; hash: string }> {
    return (await this.records.head(m)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Re-walks the whole chain in seq order: every record must follow the one before it (seq + 1),
   * carry its hash as `prev_hash`, and hash to its stored `hash`. Stops at the first that does not.
   */
  async verify(): Promise<LedgerVerification> {
    const started = Date.now();
    let prev = GENESIS_HASH;
    let prevSeq = 0;
    let checked = 0;
    for (;;) {
      const rows = await this.records.chainAfter(prevSeq, VERIFY_BATCH);
      for (const r of rows) {
        const seq = Number(r.seq);
        const broken = (reason: string): LedgerVerification => ({
          ok: false,
          checked,
          headSeq: prevSeq || null,
          headHash: prevSeq ? prev : null,
          firstBroken: { id: r.id, seq, reason },
          durationMs: Date.now() - started,
        });
        if (seq !== prevSeq + 1) return broken(`记录 #${prevSeq + 1}${seq - prevSeq > 2 ? ` 至 #${seq - 1}` : ''} 缺失（链在 #${seq} 处断开）`);
        if (r.prevHash !== prev) return broken('前序哈希与上一条记录不符：上一条记录被改动或删除');
        if (ledgerHash(prev, r) !== r.storedHash) return broken('记录内容与其哈希不符：该记录被改动');
        prev = r.storedHash;
        prevSeq = seq;
        checked += 1;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    return { ok: true, checked, headSeq: prevSeq || null, headHash: prevSeq ? prev : null, firstBroken: null, durationMs: Date.now() - started };
  }
}
