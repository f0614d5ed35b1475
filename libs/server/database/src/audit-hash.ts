import { createHash } from 'node:crypto';
import { GENESIS_HASH } from './ledger-hash';

/**
 * The audit log's hash chain (issue 18 item 3; 等保 2.0 L3 8.1.4.3 安全审计 c) "应对审计记录进行保护",
 * ASVS V7.3.3). Every row carries the hash of the row before it in its lane and of its own content.
 *
 * Rows are chained by the database itself (trigger `audit_log_chain`, migration
 * 1764710000001-AuditChain) inside the writing transaction, so every writer — `AuditService.record`,
 * `insertStatement` in a single-statement write, a raw INSERT of a CLI command — is chained the
 * same way, with no extra round trip and no second connection. So that writers do not queue on one
 * lock until they commit, there are AUDIT_LANES chains ("lanes"): a transaction takes the first
 * free lane (`pg_try_advisory_xact_lock`) and keeps it until it ends; another transaction takes
 * another lane. Each lane is a complete chain on its own: `seq` 1, 2, 3, … with `prev_hash` the
 * hash of the lane's row before (GENESIS_HASH for its first).
 *
 * The canonical content is built identically here (for `cqo verify audit`) and in the trigger:
 * the previous hash, a line break, then each field as `<UTF-8 byte length>:<text>` or `~` for null,
 * the fields read as text by AUDIT_HASH_COLUMNS (`at` as microseconds since the epoch, `details`
 * as PostgreSQL prints the stored jsonb).
 */
export const AUDIT_LANES = 16;

/** The content of one audit row as it is hashed, every field as PostgreSQL prints it (or null). */
export interface AuditHashContent {
  lane: string;
  seq: string;
  id: string;
  /** Microseconds since the epoch. */
  atMicros: string;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  ip: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  result: string;
  /** jsonb::text */
  details: string | null;
}

/** The SELECT list that reads a row (from `audit_log` aliased `a`) in `AuditHashContent` form. */
export const AUDIT_HASH_COLUMNS = `a.lane::text AS "lane", a.seq::text AS "seq", a.id::text AS "id",
  (extract(epoch FROM a.at) * 1000000)::bigint::text AS "atMicros", a.actor_id::text AS "actorId",
  a.actor_username::text AS "actorUsername", a.actor_role::text AS "actorRole", a.ip::text AS "ip", a.action::text AS "action",
  a.object_type::text AS "objectType", a.object_id::text AS "objectId", a.result::text AS "result", a.details::text AS "details"`;

const FIELDS: readonly (keyof AuditHashContent)[] = [
  'lane',
  'seq',
  'id',
  'atMicros',
  'actorId',
  'actorUsername',
  'actorRole',
  'ip',
  'action',
  'objectType',
  'objectId',
  'result',
  'details',
];

function field(v: string | null): string {
  return v === null ? '~' : `${Buffer.byteLength(v, 'utf8')}:${v}`;
}

/** SHA-256 (hex) over the previous row's hash and this row's canonical content. */
export function auditHash(prevHash: string, c: AuditHashContent): string {
  return createHash('sha256')
    .update(`${prevHash}\n${FIELDS.map((f) => field(c[f])).join('')}`, 'utf8')
    .digest('hex');
}

export { GENESIS_HASH as AUDIT_GENESIS_HASH };
