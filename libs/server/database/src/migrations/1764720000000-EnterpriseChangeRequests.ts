import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enterprise self-edits that move statistics (issue 18 item 4): an enterprise asking to change its
 * 规上, size, awards or region files a change request that a county / city officer in scope approves
 * or rejects (with a reason). Until then the enterprise row is untouched. `changes` holds only the
 * fields asked for; `before` the values they had when asked (what the reviewer compares with).
 * At most one request per enterprise is pending: a newer one supersedes it.
 */
export class EnterpriseChangeRequests1764720000000 implements MigrationInterface {
  name = 'EnterpriseChangeRequests1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enterprise_change_request (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
        status        varchar(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
        changes       jsonb NOT NULL,
        before        jsonb NOT NULL,
        base_version  integer NOT NULL,
        requested_by  uuid REFERENCES app_user(id),
        requested_at  timestamptz NOT NULL,
        decided_by    uuid REFERENCES app_user(id),
        decided_at    timestamptz,
        reason        varchar(500),
        CHECK ((status = 'pending') = (decided_at IS NULL)),
        CHECK (status <> 'rejected' OR reason IS NOT NULL)
      );
      CREATE UNIQUE INDEX enterprise_change_request_pending_idx ON enterprise_change_request (enterprise_id) WHERE status = 'pending';
      CREATE INDEX enterprise_change_request_enterprise_idx ON enterprise_change_request (enterprise_id, requested_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enterprise_change_request`);
  }
}
