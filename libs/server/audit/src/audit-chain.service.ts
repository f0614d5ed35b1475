import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUDIT_GENESIS_HASH, AUDIT_HASH_COLUMNS, auditHash, type AuditHashContent } from '@cqo/server-database';

/** The first row of a lane that no longer matches its chain. */
export interface AuditChainBreak {
  id: string;
  lane: number;
  seq: number;
  reason: string;
}

export interface AuditChainVerification {
  ok: boolean;
  /** Rows whose link and hash matched. */
  checked: number;
  /** Each lane's last row: worth keeping outside the database, since a chain cannot show its own tail cut off. */
  lanes: { lane: number; headSeq: number; headHash: string }[];
  /** The earliest (lowest id) of the lanes' first broken rows; null when every lane is whole. */
  firstBroken: AuditChainBreak | null;
  /** Every broken lane's first broken row, by id. */
  broken: AuditChainBreak[];
  durationMs: number;
}

/** Rows per page when walking the chain. */
const VERIFY_BATCH = 20_000;

/**
 * `cqo verify audit` (issue 18 item 3; 等保 2.0 L3 8.1.4.3 c), ASVS V7.3.3): re-walks every lane
 * of the audit log's hash chain (migration 1764710000001-AuditChain) in seq order. Each row must
 * follow the one before it in its lane (seq + 1), carry that row's hash as `prev_hash`, and hash
 * (audit-hash.ts, computed here independently of the database's trigger) to its stored `hash`.
 * A lane stops at its first row that does not; the other lanes are still walked.
 */
@Injectable()
export class AuditChainService {
  constructor(private readonly dataSource: DataSource) {}

  async verify(): Promise<AuditChainVerification> {
    const started = Date.now();
    const lanes: AuditChainVerification['lanes'] = [];
    const broken: AuditChainBreak[] = [];
    let checked = 0;
    let lane = -1;
    let prev = AUDIT_GENESIS_HASH;
    let prevSeq = 0;
    let skipLane = false;
    const closeLane = () => {
      if (lane >= 0 && prevSeq > 0) lanes.push({ lane, headSeq: prevSeq, headHash: prev });
    };
    let after: [number, number] = [-1, 0];
    for (;;) {
      const rows: (AuditHashContent & { prevHash: string; storedHash: string })[] = await this.dataSource.query(
        `SELECT ${AUDIT_HASH_COLUMNS}, a.prev_hash AS "prevHash", a.hash AS "storedHash"
           FROM audit_log a WHERE (a.lane, a.seq) > ($1::smallint, $2::bigint) ORDER BY a.lane, a.seq LIMIT ${VERIFY_BATCH}`,
        after,
      );
      for (const r of rows) {
        const rowLane = Number(r.lane);
        const seq = Number(r.seq);
        if (rowLane !== lane) {
          if (!skipLane) closeLane();
          lane = rowLane;
          prev = AUDIT_GENESIS_HASH;
          prevSeq = 0;
          skipLane = false;
        }
        if (skipLane) continue;
        const fail = (reason: string) => {
          broken.push({ id: r.id, lane, seq, reason });
          skipLane = true;
        };
        if (seq !== prevSeq + 1) fail(`第 ${lane} 链记录 #${prevSeq + 1}${seq - prevSeq > 2 ? ` 至 #${seq - 1}` : ''} 缺失（链在 #${seq} 处断开）`);
        else if (r.prevHash !== prev) fail('前序哈希与上一条记录不符：上一条记录被改动或删除');
        else if (auditHash(prev, r) !== r.storedHash) fail('记录内容与其哈希不符：该记录被改动');
        else {
          prev = r.storedHash;
          prevSeq = seq;
          checked += 1;
        }
      }
      if (rows.length) after = [Number(rows[rows.length - 1].lane), Number(rows[rows.length - 1].seq)];
      if (rows.length < VERIFY_BATCH) break;
    }
    if (!skipLane) closeLane();
    broken.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    return { ok: broken.length === 0, checked, lanes, firstBroken: broken[0] ?? null, broken, durationMs: Date.now() - started };
  }
}
