import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LedgerKind, LedgerVerification, TrainingCategory, TrainingSource } from '@cqo/contracts';
import { chainDrafts, GENESIS_HASH, LEDGER_HASH_COLUMNS, ledgerHash, ledgerHours, type LedgerContent, type LedgerDraft } from '@cqo/server-database';

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

/** Appends are serialised on this advisory lock: the chain has one head. */
const LEDGER_LOCK = 'SELECT pg_advisory_xact_lock(hashtext(\'cqo.training_ledger\'))';
/** Rows per INSERT … FROM unnest(…). */
const INSERT_BATCH = 2000;
/** Rows per page when walking the chain. */
const VERIFY_BATCH = 20_000;

/** The draft's fields that go to training_record as they are, in the INSERT's column order after id and seq. */
const LEDGER_DRAFT_COLUMNS = [
  'kind', 'personId', 'enterpriseId', 'category', 'course', 'provider', 'startDate', 'endDate', 'hours', 'certificateNo', 'source', 'reverses', 'reason',
] as const satisfies readonly (keyof LedgerDraft)[];

/**
 * The training hours ledger (SPEC §4, 001 §10 区块链存证): records are only ever appended, each
 * with the hash of its canonical content and of the record before it. The table refuses UPDATE,
 * DELETE and TRUNCATE for every role (a trigger); `verify` re-walks the chain and names the first
 * record that no longer matches.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly dataSource: DataSource) {}

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
    for (let from = 0; from < drafts.length; from += INSERT_BATCH) {
      const part = drafts.slice(from, from + INSERT_BATCH);
      const links = chained.slice(from, from + INSERT_BATCH);
      const field = (k: keyof LedgerDraft) => part.map((d) => d[k]);
      await m.query(
        `INSERT INTO training_record (id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                                      certificate_no, source, reverses, reason, import_id, recorded_at, recorded_by, prev_hash, hash)
         SELECT u.id, u.seq, u.kind, u.person_id, u.enterprise_id, u.category, u.course, u.provider, u.start_date, u.end_date, u.hours,
                u.certificate_no, u.source, u.reverses, u.reason, u.import_id, timestamptz 'epoch' + u.recorded_ms * interval '1 millisecond', u.recorded_by, u.prev_hash, u.hash
           FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::date[], $10::date[],
                       $11::numeric[], $12::text[], $13::text[], $14::uuid[], $15::text[], $16::uuid[], $17::bigint[], $18::uuid[], $19::text[], $20::text[])
             AS u(id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                  certificate_no, source, reverses, reason, import_id, recorded_ms, recorded_by, prev_hash, hash)`,
        [
          field('id'),
          links.map((l) => l.seq),
          ...LEDGER_DRAFT_COLUMNS.map(field),
          part.map((_d, i) => records[from + i].importId),
          field('recordedAt'),
          field('recordedBy'),
          links.map((l) => l.prevHash),
          links.map((l) => l.hash),
        ],
      );
    }
    return drafts.map((d, i) => ({ id: d.id, seq: chained[i].seq, hash: chained[i].hash }));
  }

  /**
   * Takes the ledger lock until the transaction ends: checks made after it (a certificate number
   * not yet used, an entry not yet reversed) still hold when the append commits. Re-entrant.
   */
  async lock(m: EntityManager): Promise<void> {
    if (!m.queryRunner?.isTransactionActive) throw new Error('the training ledger is written only inside a transaction');
    await m.query(LEDGER_LOCK);
  }

  /** The last record's place and hash; `{0, GENESIS_HASH}` for an empty ledger. */
  async head(m: EntityManager = this.dataSource.manager): Promise<{ seq: number; hash: string }> {
    const [row] = await m.query(`SELECT seq::float8 AS seq, hash FROM training_record ORDER BY seq DESC LIMIT 1`);
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
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
      const rows: (LedgerContent & { prevHash: string; storedHash: string })[] = await this.dataSource.query(
        `SELECT ${LEDGER_HASH_COLUMNS}, t.prev_hash AS "prevHash", t.hash AS "storedHash"
           FROM training_record t WHERE t.seq > $1 ORDER BY t.seq LIMIT ${VERIFY_BATCH}`,
        [prevSeq],
      );
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
