import { createHash } from 'node:crypto';

/** The hash a chain starts from: the first record's `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The content of one training ledger record as it is hashed. Every field is a string or null in a
 * fixed order, so the record can be re-read from Postgres (`LEDGER_HASH_COLUMNS`) and hashed again
 * to the same bytes.
 */
export interface LedgerContent {
  seq: string;
  id: string;
  kind: string;
  personId: string;
  enterpriseId: string | null;
  category: string;
  course: string;
  provider: string;
  startDate: string;
  endDate: string;
  /** numeric(5,1) as Postgres prints it: `8.0`, `-7.5`. */
  hours: string;
  certificateNo: string | null;
  source: string;
  reverses: string | null;
  reason: string | null;
  /** Milliseconds since the epoch. */
  recordedAt: string;
  recordedBy: string | null;
}

/**
 * The SELECT list that reads a record back in `LedgerContent` form, aliased to its field names
 * (from `training_record` aliased `t`).
 */
export const LEDGER_HASH_COLUMNS = `t.seq::text AS "seq", t.id::text AS "id", t.kind AS "kind", t.person_id::text AS "personId",
  t.enterprise_id::text AS "enterpriseId", t.category AS "category", t.course AS "course", t.provider AS "provider",
  t.start_date::text AS "startDate", t.end_date::text AS "endDate", t.hours::text AS "hours", t.certificate_no AS "certificateNo",
  t.source AS "source", t.reverses::text AS "reverses", t.reason AS "reason",
  floor(extract(epoch FROM t.recorded_at) * 1000)::bigint::text AS "recordedAt", t.recorded_by::text AS "recordedBy"`;

/** Formats hours as numeric(5,1) prints them. */
export function ledgerHours(hours: number): string {
  return hours.toFixed(1);
}

/** SHA-256 (hex) over the previous record's hash and this record's canonical content. */
export function ledgerHash(prevHash: string, c: LedgerContent): string {
  const canonical = JSON.stringify([
    c.seq,
    c.id,
    c.kind,
    c.personId,
    c.enterpriseId,
    c.category,
    c.course,
    c.provider,
    c.startDate,
    c.endDate,
    c.hours,
    c.certificateNo,
    c.source,
    c.reverses,
    c.reason,
    c.recordedAt,
    c.recordedBy,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** A record about to be appended: its content without the chain position. */
export type LedgerDraft = Omit<LedgerContent, 'seq'>;

export interface ChainedRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Places drafts after the head `{seq, hash}` (seq 0 and GENESIS_HASH for an empty ledger): each
 * gets the next seq, the previous hash and its own.
 */
export function chainDrafts(head: { seq: number; hash: string }, drafts: readonly LedgerDraft[]): ChainedRecord[] {
  let prev = head.hash;
  let seq = head.seq;
  return drafts.map((d) => {
    seq += 1;
    const hash = ledgerHash(prev, { ...d, seq: String(seq) });
    const out = { seq, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}
