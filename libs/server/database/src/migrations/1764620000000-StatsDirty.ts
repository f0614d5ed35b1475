import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coalesced statistics refresh (issue 16). A change no longer queues a recount of its own: the
 * outbox relay marks its region and years in `stat_dirty` (one row per region and year, however
 * many changes), and one debounced job recounts what is marked. `seq` is bumped on every mark, so
 * a refresh deletes only the marks it has seen: a change marked while it runs stays for the next.
 * Year 0 means every year the snapshots hold; region '*' a change not tied to one enterprise.
 *
 * `appointment_region_idx`: the recount of one county finds its appointments (active or not, any
 * date) by region path instead of scanning the table.
 */
export class StatsDirty1764620000000 implements MigrationInterface {
  name = 'StatsDirty1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE stat_dirty_seq;
      CREATE TABLE stat_dirty (
        region_code varchar(6) NOT NULL,
        year        smallint NOT NULL,
        seq         bigint NOT NULL DEFAULT nextval('stat_dirty_seq'),
        reason      varchar(80) NOT NULL,
        marked_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (region_code, year)
      );
      CREATE INDEX appointment_region_idx ON appointment (region_path text_pattern_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX appointment_region_idx; DROP TABLE stat_dirty; DROP SEQUENCE stat_dirty_seq;`);
  }
}
