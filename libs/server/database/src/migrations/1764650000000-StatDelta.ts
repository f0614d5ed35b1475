import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filing-count deltas (issue 16). Every change to an annual report's status or lateness (insert,
 * update, delete, by any path: the api, the cli, a seed) leaves one row in `stat_delta` per changed
 * report, written by statement-level triggers in the writer's own transaction. The statistics drain
 * adds them to the snapshot's filing counts in time proportional to the changes, instead of
 * recounting a county's appointments and reports; a run that recounts a county or a year consumes
 * the county's or year's deltas in the same snapshot, so none is counted twice.
 */
export class StatDelta1764650000000 implements MigrationInterface {
  name = 'StatDelta1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stat_delta (
        id            bigserial PRIMARY KEY,
        year          smallint NOT NULL,
        region_path   text NOT NULL,
        enterprise_id uuid NOT NULL,
        old_status    varchar(10),
        old_late      boolean NOT NULL DEFAULT false,
        new_status    varchar(10),
        new_late      boolean NOT NULL DEFAULT false
      );

      CREATE FUNCTION annual_report_delta_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stat_delta (year, region_path, enterprise_id, new_status, new_late)
        SELECT n.year, n.region_path, n.enterprise_id, n.status, n.late FROM new_rows n;
        RETURN NULL;
      END $$;

      CREATE FUNCTION annual_report_delta_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stat_delta (year, region_path, enterprise_id, old_status, old_late)
        SELECT o.year, o.region_path, o.enterprise_id, o.status, o.late FROM old_rows o;
        RETURN NULL;
      END $$;

      -- A report moved to another year, enterprise or region leaves its old place and enters the new one.
      CREATE FUNCTION annual_report_delta_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stat_delta (year, region_path, enterprise_id, old_status, old_late, new_status, new_late)
        SELECT o.year, o.region_path, o.enterprise_id, o.status, o.late, n.status, n.late
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.year, o.region_path, o.enterprise_id) = (n.year, n.region_path, n.enterprise_id)
           AND (o.status IS DISTINCT FROM n.status OR o.late IS DISTINCT FROM n.late)
        UNION ALL
        SELECT o.year, o.region_path, o.enterprise_id, o.status, o.late, NULL, false
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.year, o.region_path, o.enterprise_id) <> (n.year, n.region_path, n.enterprise_id)
        UNION ALL
        SELECT n.year, n.region_path, n.enterprise_id, NULL, false, n.status, n.late
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.year, o.region_path, o.enterprise_id) <> (n.year, n.region_path, n.enterprise_id);
        RETURN NULL;
      END $$;

      CREATE TRIGGER annual_report_delta_insert AFTER INSERT ON annual_report
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annual_report_delta_insert();
      CREATE TRIGGER annual_report_delta_delete AFTER DELETE ON annual_report
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION annual_report_delta_delete();
      CREATE TRIGGER annual_report_delta_update AFTER UPDATE ON annual_report
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annual_report_delta_update();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER annual_report_delta_update ON annual_report;
      DROP TRIGGER annual_report_delta_delete ON annual_report;
      DROP TRIGGER annual_report_delta_insert ON annual_report;
      DROP FUNCTION annual_report_delta_update();
      DROP FUNCTION annual_report_delta_delete();
      DROP FUNCTION annual_report_delta_insert();
      DROP TABLE stat_delta;
    `);
  }
}
