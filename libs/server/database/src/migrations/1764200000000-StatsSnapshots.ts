import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics snapshots (SPEC §7). Every aggregation run is a `stat_run` row; its figures are
 * `stat_snapshot` rows (one per region and year: the region's own enterprises' counts and the
 * subtree's). `stat_current` points each year at the run readers use, and a run swaps it in one
 * transaction, so readers see the previous snapshot or the new one, never half a rebuild.
 * `stat_setting` holds each province's targets and assessment weights. `region_stat` (enterprise
 * counts only) is replaced by the snapshots.
 */
export class StatsSnapshots1764200000000 implements MigrationInterface {
  name = 'StatsSnapshots1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stat_run (
        id          bigserial PRIMARY KEY,
        kind        varchar(12) NOT NULL CHECK (kind IN ('full','incremental')),
        trigger     varchar(80) NOT NULL,
        years       smallint[] NOT NULL,
        regions     varchar(6)[],
        status      varchar(12) NOT NULL CHECK (status IN ('running','succeeded','failed')),
        backend_pid integer,
        started_at  timestamptz NOT NULL,
        finished_at timestamptz,
        rows        integer,
        error       text
      );
      CREATE INDEX stat_run_started_idx ON stat_run (started_at DESC);
      CREATE INDEX stat_run_running_idx ON stat_run (id) WHERE status = 'running';

      CREATE TABLE stat_snapshot (
        run_id      bigint NOT NULL REFERENCES stat_run(id) ON DELETE CASCADE,
        year        smallint NOT NULL,
        region_code varchar(6) NOT NULL REFERENCES region(code),
        as_of       date NOT NULL,
        own         jsonb NOT NULL,
        total       jsonb NOT NULL,
        PRIMARY KEY (run_id, year, region_code)
      );

      CREATE TABLE stat_current (
        year     smallint PRIMARY KEY,
        run_id   bigint NOT NULL REFERENCES stat_run(id),
        as_of    date NOT NULL,
        built_at timestamptz NOT NULL
      );

      CREATE TABLE stat_setting (
        province_code varchar(6) PRIMARY KEY REFERENCES region(code),
        targets       jsonb NOT NULL,
        weights       jsonb NOT NULL,
        updated_at    timestamptz NOT NULL,
        updated_by    uuid REFERENCES app_user(id)
      );

      CREATE INDEX IF NOT EXISTS appointment_effective_idx ON appointment (effective_from, enterprise_id);
      DROP TABLE region_stat;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE region_stat (
        region_code varchar(6) PRIMARY KEY REFERENCES region(code),
        enterprises integer NOT NULL,
        above_size  integer NOT NULL,
        sme         integer NOT NULL,
        award       integer NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      DROP INDEX IF EXISTS appointment_effective_idx;
      DROP TABLE stat_setting; DROP TABLE stat_current; DROP TABLE stat_snapshot; DROP TABLE stat_run;
    `);
  }
}
