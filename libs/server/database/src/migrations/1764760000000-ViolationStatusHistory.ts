import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A violation's status history (issue 17 item 1: violations judged "by their dates and status
 * history"). Every change of `violation.status` (open → rectified → closed, by any path) leaves a
 * row through a statement trigger, so a figure for a past date D counts the violations open on D:
 * the status after the last change before the end of D, else the status before the first change
 * after it, else the current one. Violations changed before this table existed have no history:
 * their current status stands for every date.
 */
export class ViolationStatusHistory1764760000000 implements MigrationInterface {
  name = 'ViolationStatusHistory1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE violation_status_change (
        id           bigserial PRIMARY KEY,
        violation_id uuid NOT NULL REFERENCES violation (id) ON DELETE CASCADE,
        from_status  varchar(12) NOT NULL,
        to_status    varchar(12) NOT NULL,
        changed_at   timestamptz NOT NULL
      );
      CREATE INDEX violation_status_change_violation_idx ON violation_status_change (violation_id, changed_at);
      CREATE FUNCTION violation_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO violation_status_change (violation_id, from_status, to_status, changed_at)
        SELECT n.id, o.status, n.status, now() FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status;
        RETURN NULL;
      END $$;
      CREATE TRIGGER violation_status_change AFTER UPDATE ON violation
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION violation_status_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER violation_status_change ON violation;
      DROP FUNCTION violation_status_change();
      DROP TABLE violation_status_change;
    `);
  }
}
