import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incremental statistics by enterprise (issue 16). Every snapshot figure is a count that is a sum
 * over enterprises, so a county's row can move by what one enterprise adds:
 *
 * - `stat_contrib`: each enterprise's part (its non-zero counts, flat: `{"enterprises.total": 1, …}`)
 *   of the current snapshot of a year, under the region it was counted in. Filled county by county
 *   when a drain first recounts a county (`stat_contrib_region` names the county-years held); a full
 *   rebuild of a year deletes that year's rows (the rebuild counted everything since).
 * - `stat_dirty_enterprise`: the changed enterprises and their years (0: every held year), next to
 *   the county marks of `stat_dirty`, with the same `seq` so a drain deletes only what it saw.
 */
export class StatContrib1764810000000 implements MigrationInterface {
  name = 'StatContrib1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stat_contrib_region (
        year        smallint NOT NULL,
        region_code varchar(6) NOT NULL,
        PRIMARY KEY (year, region_code)
      );
      CREATE TABLE stat_contrib (
        year          smallint NOT NULL,
        enterprise_id uuid NOT NULL,
        region_code   varchar(6) NOT NULL,
        counts        jsonb NOT NULL,
        PRIMARY KEY (year, enterprise_id)
      );
      CREATE INDEX stat_contrib_region_idx ON stat_contrib (year, region_code);
      CREATE TABLE stat_dirty_enterprise (
        enterprise_id uuid NOT NULL,
        year          smallint NOT NULL,
        seq           bigint NOT NULL DEFAULT nextval('stat_dirty_seq'),
        PRIMARY KEY (enterprise_id, year)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stat_dirty_enterprise; DROP TABLE stat_contrib; DROP TABLE stat_contrib_region;`);
  }
}
