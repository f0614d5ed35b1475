import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Figures judged as of a date (issue 17 item 1): what a figure for a past date D needs that was not
 * kept, and the closing of past years' snapshots.
 *
 * - `verdict_on`: the verdict of each appointment in post on a past date D, judged from the facts
 *   valid on D (the profile in force on D, training that ended by D, violations that occurred by D,
 *   the enterprise's 规上 on D). The first judgement of (D, appointment) is kept, so the figures of D
 *   and `cqo eligibility --as-of D` do not move with later changes. Nothing is kept for today or
 *   later: today's verdict is the one stored on the appointment.
 * - `enterprise_state`: the register's dated history (SPEC §8: "a later import or edit starts a new
 *   dated state"). Every write to `enterprise` (api, import, seed, cli) leaves, through statement
 *   triggers, the state valid from the day of the change (China date); the states of today's rows
 *   are valid from the beginning (their earlier history was never kept).
 * - `stat_current.closed_at`: a past year's snapshot, once built as of its Dec 31 after that day,
 *   is closed: kept as it is; a rebuild re-counts it and reports any difference instead of replacing it.
 */
export class FiguresAsOf1764750000000 implements MigrationInterface {
  name = 'FiguresAsOf1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verdict_on (
        as_of          date NOT NULL,
        appointment_id uuid NOT NULL REFERENCES appointment (id) ON DELETE CASCADE,
        verdict        varchar(12) NOT NULL CHECK (verdict IN ('eligible','attention','ineligible')),
        disqualified   boolean NOT NULL,
        profile        varchar(64) NOT NULL,
        judged_at      timestamptz NOT NULL,
        PRIMARY KEY (as_of, appointment_id)
      );
      CREATE INDEX verdict_on_appointment_idx ON verdict_on (appointment_id);

      CREATE TABLE enterprise_state (
        enterprise_id uuid NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
        valid_from    date NOT NULL,
        name          varchar(100) NOT NULL,
        region_code   varchar(6) NOT NULL,
        region_path   text NOT NULL,
        above_size    boolean NOT NULL,
        size_class    varchar(8),
        ownership     varchar(8),
        industry      varchar(1),
        PRIMARY KEY (enterprise_id, valid_from)
      );
      INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry)
      SELECT id, '-infinity', name, region_code, region_path, above_size, size_class, ownership, industry FROM enterprise;

      CREATE FUNCTION enterprise_state_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry)
        SELECT n.id, '-infinity', n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry FROM new_rows n
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE FUNCTION enterprise_state_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry)
        SELECT n.id, (now() AT TIME ZONE 'Asia/Shanghai')::date, n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry)
               IS DISTINCT FROM (o.name, o.region_code, o.region_path, o.above_size, o.size_class, o.ownership, o.industry)
        ON CONFLICT (enterprise_id, valid_from) DO UPDATE
          SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, region_path = EXCLUDED.region_path, above_size = EXCLUDED.above_size,
              size_class = EXCLUDED.size_class, ownership = EXCLUDED.ownership, industry = EXCLUDED.industry;
        RETURN NULL;
      END $$;
      CREATE TRIGGER enterprise_state_insert AFTER INSERT ON enterprise
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION enterprise_state_insert();
      CREATE TRIGGER enterprise_state_update AFTER UPDATE ON enterprise
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION enterprise_state_update();

      ALTER TABLE stat_current ADD COLUMN closed_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stat_current DROP COLUMN closed_at;
      DROP TRIGGER enterprise_state_update ON enterprise;
      DROP TRIGGER enterprise_state_insert ON enterprise;
      DROP FUNCTION enterprise_state_update();
      DROP FUNCTION enterprise_state_insert();
      DROP TABLE enterprise_state;
      DROP TABLE verdict_on;
    `);
  }
}
