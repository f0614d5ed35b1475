import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox keeps a row until its job has completed (issue 18 item 9): `relayed_at` still says
 * when bull got the job, `done_at` when a worker finished it (or, for a coalesced `stats.refresh`,
 * when the relay recorded it in `stat_dirty`). A row relayed and not done is watched: after the
 * lease the relay looks the job up in bull (`checked_at`) and sends it again when Redis lost it,
 * or when it failed for good, at most OUTBOX_MAX_RESENDS times (`resends`); after that the row is
 * `failed_at` and shown in /api/health.
 *
 * Rows relayed before this version count as done: their bull jobs may long be gone (completed
 * jobs are kept 7 days), and sending them again would only repeat finished work.
 *
 * `outbox_inflight_idx`: the relay's watch reads only relayed, unfinished rows; `outbox_failed_idx`
 * the health check's count of failed ones. The relay's `outbox_pending_idx` stays as it is.
 */
export class OutboxCompletion1764730000000 implements MigrationInterface {
  name = 'OutboxCompletion1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox
        ADD COLUMN done_at timestamptz,
        ADD COLUMN failed_at timestamptz,
        ADD COLUMN checked_at timestamptz,
        ADD COLUMN resends integer NOT NULL DEFAULT 0;
      UPDATE outbox SET done_at = relayed_at WHERE relayed_at IS NOT NULL;
      CREATE INDEX outbox_inflight_idx ON outbox (id) WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL;
      CREATE INDEX outbox_failed_idx ON outbox (failed_at) WHERE failed_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX outbox_failed_idx; DROP INDEX outbox_inflight_idx;
      ALTER TABLE outbox DROP COLUMN done_at, DROP COLUMN failed_at, DROP COLUMN checked_at, DROP COLUMN resends;
    `);
  }
}
