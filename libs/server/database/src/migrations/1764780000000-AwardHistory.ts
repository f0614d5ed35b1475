import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The award list as it stood on a date (issue 17 item 1, SPEC §7 "category … as they stood on D",
 * §8 "a later import or edit that changes … awards … starts a new dated state").
 *
 * `enterprise_award.added_on`: the (China) day an award entered the list. The awards that exist now,
 * and those written together with their enterprise (its first known state), hold from the beginning.
 * A removed award moves to `enterprise_award_removed` with the day it left. An edit replaces the
 * list wholesale (delete, then insert): an award deleted and written again the same day keeps its
 * `added_on`, so only a real change starts a new state.
 */
export class AwardHistory1764780000000 implements MigrationInterface {
  name = 'AwardHistory1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enterprise_award ADD COLUMN added_on date NOT NULL DEFAULT '-infinity';
      CREATE TABLE enterprise_award_removed (
        enterprise_id uuid NOT NULL,
        award         varchar(16) NOT NULL,
        year          smallint,
        added_on      date NOT NULL,
        removed_on    date NOT NULL
      );
      CREATE INDEX enterprise_award_removed_enterprise_idx ON enterprise_award_removed (enterprise_id);

      CREATE FUNCTION enterprise_award_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_award_removed (enterprise_id, award, year, added_on, removed_on)
        SELECT o.enterprise_id, o.award, o.year, o.added_on, (now() AT TIME ZONE 'Asia/Shanghai')::date FROM old_rows o;
        RETURN NULL;
      END $$;
      CREATE TRIGGER enterprise_award_removed AFTER DELETE ON enterprise_award
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION enterprise_award_removed();

      CREATE FUNCTION enterprise_award_added() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
        kept date;
      BEGIN
        -- Written with its enterprise (created in this transaction): the first known state holds from the beginning.
        IF (SELECT e.created_at FROM enterprise e WHERE e.id = NEW.enterprise_id) = now() THEN
          NEW.added_on := '-infinity';
          RETURN NEW;
        END IF;
        -- Written again the day it was removed (a list replaced wholesale): it never left.
        DELETE FROM enterprise_award_removed r
         WHERE r.ctid = (SELECT x.ctid FROM enterprise_award_removed x
                          WHERE x.enterprise_id = NEW.enterprise_id AND x.award = NEW.award AND x.year IS NOT DISTINCT FROM NEW.year
                            AND x.removed_on = today LIMIT 1)
        RETURNING r.added_on INTO kept;
        NEW.added_on := coalesce(kept, today);
        RETURN NEW;
      END $$;
      CREATE TRIGGER enterprise_award_added BEFORE INSERT ON enterprise_award
        FOR EACH ROW EXECUTE FUNCTION enterprise_award_added();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER enterprise_award_added ON enterprise_award;
      DROP FUNCTION enterprise_award_added();
      DROP TRIGGER enterprise_award_removed ON enterprise_award;
      DROP FUNCTION enterprise_award_removed();
      DROP TABLE enterprise_award_removed;
      ALTER TABLE enterprise_award DROP COLUMN added_on;
    `);
  }
}
