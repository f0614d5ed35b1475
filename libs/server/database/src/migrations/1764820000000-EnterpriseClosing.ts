import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open and closed enterprises (issue 17 item 1: the enterprise's dated attributes include
 * "open/closed").
 *
 * - `enterprise_closure`: each closing (注销 / 吊销 / 迁出 / 其他) of an enterprise, from its closing
 *   date on, until it is reopened (`reopened_on`, exclusive). An enterprise is closed on D when a
 *   closure holds on D: `closed_on <= D AND (reopened_on IS NULL OR reopened_on > D)`. At most one
 *   closure is open (not reopened) at a time.
 * - `enterprise.closed_on` / `closed_reason`: the open closure, if any (the list's 标签, the detail).
 * - `enterprise_state` keeps them too (the register's dated history, SPEC §8): the statement
 *   triggers of 1764750000000 are replaced by ones that also copy the two columns.
 */
export class EnterpriseClosing1764820000000 implements MigrationInterface {
  name = 'EnterpriseClosing1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enterprise_closure (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
        closed_on     date NOT NULL,
        reason        varchar(8) NOT NULL CHECK (reason IN ('注销', '吊销', '迁出', '其他')),
        note          text,
        closed_by     uuid REFERENCES app_user (id),
        closed_at     timestamptz NOT NULL,
        reopened_on   date CHECK (reopened_on > closed_on),
        reopened_by   uuid REFERENCES app_user (id),
        reopened_at   timestamptz
      );
      CREATE INDEX enterprise_closure_enterprise_idx ON enterprise_closure (enterprise_id);
      CREATE UNIQUE INDEX enterprise_closure_open_idx ON enterprise_closure (enterprise_id) WHERE reopened_on IS NULL;

      ALTER TABLE enterprise ADD COLUMN closed_on date, ADD COLUMN closed_reason varchar(8);
      ALTER TABLE enterprise_state ADD COLUMN closed_on date, ADD COLUMN closed_reason varchar(8);

      CREATE OR REPLACE FUNCTION enterprise_state_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry, closed_on, closed_reason)
        SELECT n.id, '-infinity', n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry, n.closed_on, n.closed_reason FROM new_rows n
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE OR REPLACE FUNCTION enterprise_state_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry, closed_on, closed_reason)
        SELECT n.id, (now() AT TIME ZONE 'Asia/Shanghai')::date, n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry,
               n.closed_on, n.closed_reason
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry, n.closed_on, n.closed_reason)
               IS DISTINCT FROM (o.name, o.region_code, o.region_path, o.above_size, o.size_class, o.ownership, o.industry, o.closed_on, o.closed_reason)
        ON CONFLICT (enterprise_id, valid_from) DO UPDATE
          SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, region_path = EXCLUDED.region_path, above_size = EXCLUDED.above_size,
              size_class = EXCLUDED.size_class, ownership = EXCLUDED.ownership, industry = EXCLUDED.industry,
              closed_on = EXCLUDED.closed_on, closed_reason = EXCLUDED.closed_reason;
        RETURN NULL;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION enterprise_state_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO enterprise_state (enterprise_id, valid_from, name, region_code, region_path, above_size, size_class, ownership, industry)
        SELECT n.id, '-infinity', n.name, n.region_code, n.region_path, n.above_size, n.size_class, n.ownership, n.industry FROM new_rows n
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE OR REPLACE FUNCTION enterprise_state_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
      ALTER TABLE enterprise_state DROP COLUMN closed_reason, DROP COLUMN closed_on;
      ALTER TABLE enterprise DROP COLUMN closed_reason, DROP COLUMN closed_on;
      DROP TABLE enterprise_closure;
    `);
  }
}
