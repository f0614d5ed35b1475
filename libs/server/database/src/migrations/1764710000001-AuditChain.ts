import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_HASH_COLUMNS, auditHash, type AuditHashContent } from '../audit-hash';
import { GENESIS_HASH } from '../ledger-hash';

/**
 * A hash chain on the audit log, as the training ledger has (issue 18 item 3; 等保 2.0 L3
 * 8.1.4.3 c) 审计记录保护, ASVS V7.3.3): every row carries its lane, its place in the lane
 * (`seq`), the hash of the lane's row before it and its own hash (see audit-hash.ts for the
 * canonical content, which the trigger below builds exactly as `auditHash` does).
 *
 * The BEFORE INSERT trigger chains every row, whoever writes it, inside the writing transaction:
 * a transaction takes a free lane (`pg_try_advisory_xact_lock(727100, lane)`, starting at a lane
 * picked by its backend pid) and keeps it until it ends (remembered in the transaction-local
 * setting `cqo.audit_lane`), so concurrent writers append to different lanes instead of waiting
 * for each other to commit; only when all 16 lanes are taken does a writer wait for one. Under
 * READ COMMITTED each query of the (volatile) trigger sees the lane's last committed row, and the
 * lane lock keeps anyone else off that lane until this transaction commits. UNIQUE (lane, seq)
 * turns any fork into an error rather than a silent branch.
 *
 * Rows already present are chained on lane 0 in id order (with the append-only trigger switched
 * off for that, by the owner, inside this migration).
 */
export class AuditChain1764710000001 implements MigrationInterface {
  name = 'AuditChain1764710000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      LOCK TABLE audit_log IN EXCLUSIVE MODE;
      ALTER TABLE audit_log
        ADD COLUMN lane      smallint,
        ADD COLUMN seq       bigint,
        ADD COLUMN prev_hash char(64),
        ADD COLUMN hash      char(64);
      ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
    `);
    let prev = GENESIS_HASH;
    let seq = 0;
    let lastId = '0';
    const BATCH = 5000;
    for (;;) {
      const rows: (AuditHashContent & { id: string })[] = await q.query(
        `SELECT ${AUDIT_HASH_COLUMNS} FROM audit_log a WHERE a.id > $1 ORDER BY a.id LIMIT ${BATCH}`,
        [lastId],
      );
      if (!rows.length) break;
      const ids: string[] = [];
      const seqs: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const r of rows) {
        seq += 1;
        r.lane = '0';
        r.seq = String(seq);
        const h = auditHash(prev, r);
        ids.push(r.id);
        seqs.push(r.seq);
        prevs.push(prev);
        hashes.push(h);
        prev = h;
      }
      lastId = rows[rows.length - 1].id;
      await q.query(
        `UPDATE audit_log a SET lane = 0, seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev_hash, hash) WHERE a.id = u.id`,
        [ids, seqs, prevs, hashes],
      );
      if (rows.length < BATCH) break;
    }
    await q.query(`
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
      ALTER TABLE audit_log
        ALTER COLUMN lane SET NOT NULL,
        ALTER COLUMN seq SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL,
        ALTER COLUMN hash SET NOT NULL,
        ADD CONSTRAINT audit_log_lane_seq_key UNIQUE (lane, seq);

      -- One field of the canonical content: '<UTF-8 byte length>:<text>', or '~' for null.
      CREATE FUNCTION audit_chain_field(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $f$ SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(v)::text || ':' || v END $f$;

      CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $f$
      DECLARE
        lanes CONSTANT integer := 16;
        v_lane integer := nullif(current_setting('cqo.audit_lane', true), '')::integer;
        v_first integer;
        v_seq bigint;
        v_prev text;
      BEGIN
        IF v_lane IS NULL OR v_lane < 0 OR v_lane >= lanes THEN
          v_lane := NULL;
          v_first := pg_backend_pid() % lanes;
          FOR i IN 0 .. lanes - 1 LOOP
            IF pg_try_advisory_xact_lock(727100, (v_first + i) % lanes) THEN
              v_lane := (v_first + i) % lanes;
              EXIT;
            END IF;
          END LOOP;
          IF v_lane IS NULL THEN
            v_lane := v_first; -- every lane is taken: wait for this one
            PERFORM pg_advisory_xact_lock(727100, v_lane);
          END IF;
          PERFORM set_config('cqo.audit_lane', v_lane::text, true);
        ELSE
          PERFORM pg_advisory_xact_lock(727100, v_lane); -- held already (re-entrant); makes sure of it
        END IF;
        SELECT a.seq, a.hash INTO v_seq, v_prev FROM audit_log a WHERE a.lane = v_lane ORDER BY a.seq DESC LIMIT 1;
        NEW.lane := v_lane;
        NEW.seq := coalesce(v_seq, 0) + 1;
        NEW.prev_hash := coalesce(v_prev, repeat('0', 64));
        NEW.hash := encode(sha256(convert_to(NEW.prev_hash::text || E'\\n' ||
          audit_chain_field(NEW.lane::text) || audit_chain_field(NEW.seq::text) || audit_chain_field(NEW.id::text) ||
          audit_chain_field((extract(epoch FROM NEW.at) * 1000000)::bigint::text) || audit_chain_field(NEW.actor_id::text) ||
          audit_chain_field(NEW.actor_username::text) || audit_chain_field(NEW.actor_role::text) || audit_chain_field(NEW.ip::text) ||
          audit_chain_field(NEW.action::text) || audit_chain_field(NEW.object_type::text) || audit_chain_field(NEW.object_id::text) ||
          audit_chain_field(NEW.result::text) || audit_chain_field(NEW.details::text), 'UTF8')), 'hex');
        RETURN NEW;
      END $f$;
      -- The only BEFORE INSERT trigger: it sees the row exactly as it is stored.
      CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER audit_log_chain ON audit_log;
      DROP FUNCTION audit_log_chain();
      DROP FUNCTION audit_chain_field(text);
      ALTER TABLE audit_log DROP CONSTRAINT audit_log_lane_seq_key,
        DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN seq, DROP COLUMN lane;
    `);
  }
}
