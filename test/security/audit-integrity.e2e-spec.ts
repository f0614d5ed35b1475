import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { chinaDate, yearOf } from '@cqo/policy';
import { DataSource } from 'typeorm';
import { APP_GROUP_ROLE, AUDIT_GENESIS_HASH, AUDIT_HASH_COLUMNS, MIGRATIONS, appRoleProblem, auditHash, dataSourceOptions, runMigrations, urlUser, withUser } from '@cqo/server-database';
import { bearer, completeReport, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { asOwner, testEnv, withDatabase } from '../support/test-env';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/** The append-only tables: the audit log and the ledgers (training hours, report events). */
const APPEND_ONLY = ['audit_log', 'training_record', 'report_event'];

/**
 * Issue 18 item 3 — the audit log can no longer be rewritten by the app itself (等保 2.0 L3
 * 8.1.4.3 c) 审计记录保护, 8.1.4.2 权限分离; ASVS V7.3.3, V1.4.3). The app runs as its own login
 * role (a member of cqo_app), never as the owner or a superuser: it cannot switch triggers off, nor
 * UPDATE/DELETE/TRUNCATE the audit log and the ledgers. Every audit row is hash-chained by the
 * database inside the writing transaction, concurrent writers on separate lanes, and
 * `cqo verify audit` (run as the app's role) names the row an owner-side tampering broke.
 * Its own database: the last tests break the chain on purpose.
 */
describe('audit log integrity: database roles and the hash chain (issue 18 item 3)', () => {
  let t: TestApp;
  let databaseUrl: string;
  const Y = yearOf(chinaDate(new Date()));

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    databaseUrl = await privateDatabase('auditint');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:auditint` }) });
  }, 60_000);
  afterAll(() => t?.close());

  const cqo = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_OWNER_URL: '', NODE_ENV: 'test', ...env } });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);
  /** A statement inside a transaction of the app's own connection (the api's pool). */
  const inTx = (...sql: string[]) =>
    t.db.transaction(async (m) => {
      for (const s of sql) await m.query(s);
    });

  describe("the app's own connection (ASVS V7.3.3, 等保 8.1.4.3 c)", () => {
    it('is neither a superuser nor the owner of any table, and is a member of cqo_app', async () => {
      const [me] = await t.db.query(
        `SELECT current_user AS name, r.rolsuper, pg_has_role(current_user, $1, 'USAGE') AS member,
                (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owns
           FROM pg_roles r WHERE r.rolname = current_user`,
        [APP_GROUP_ROLE],
      );
      expect(me).toEqual({ name: urlUser(databaseUrl), rolsuper: false, member: true, owns: 0 });
    });

    it('is what the production start-up check expects; the owner (a superuser here) is named as the problem', async () => {
      expect(await appRoleProblem(t.db)).toBeNull();
      const owner = new DataSource(dataSourceOptions(asOwner(databaseUrl), {}, { poolSize: 1, acquireTimeoutMs: 5000, statementTimeoutMs: 5000, idleInTransactionTimeoutMs: 5000 }));
      await owner.initialize();
      try {
        expect(await appRoleProblem(owner)).toMatch(/is a superuser: it could switch the audit log's append-only trigger off/);
      } finally {
        await owner.destroy();
      }
    });

    it('cannot switch the append-only triggers off: SET LOCAL session_replication_role = replica, ALTER TABLE … DISABLE TRIGGER', async () => {
      await expect(inTx('SET LOCAL session_replication_role = replica', `DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)`)).rejects.toThrow(
        /permission denied to set parameter "session_replication_role"/,
      );
      await expect(inTx('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update')).rejects.toThrow(/must be owner of table audit_log/);
      await expect(inTx('ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain')).rejects.toThrow(/must be owner of table audit_log/);
      await expect(inTx('ALTER TABLE training_record DISABLE TRIGGER USER')).rejects.toThrow(/must be owner of table training_record/);
    });

    it.each(APPEND_ONLY)('may not UPDATE, DELETE or TRUNCATE %s (permission denied, not only the trigger)', async (table) => {
      const denied = new RegExp(`permission denied for table ${table}`);
      await expect(inTx(`UPDATE ${table} SET id = id`)).rejects.toThrow(denied);
      await expect(inTx(`DELETE FROM ${table}`)).rejects.toThrow(denied);
      await expect(inTx(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(denied);
    });

    it('has no TRUNCATE anywhere, no UPDATE/DELETE on any append-only table, and may not create tables', async () => {
      // Every table whose trigger refuses UPDATE/DELETE (the *_append_only functions) counts as append-only.
      const rows: { table: string; appendOnly: boolean; select: boolean; insert: boolean; update: boolean; del: boolean; truncate: boolean }[] = await t.db.query(
        `SELECT c.relname AS "table",
                EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_proc p ON p.oid = g.tgfoid WHERE g.tgrelid = c.oid AND p.proname LIKE '%append_only') AS "appendOnly",
                has_table_privilege(c.oid, 'SELECT') AS select, has_table_privilege(c.oid, 'INSERT') AS insert,
                has_table_privilege(c.oid, 'UPDATE') AS update, has_table_privilege(c.oid, 'DELETE') AS del,
                has_table_privilege(c.oid, 'TRUNCATE') AS truncate
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r','p') AND c.relname <> 'migrations' ORDER BY 1`,
      );
      expect(rows.filter((r) => r.appendOnly).map((r) => r.table).sort()).toEqual([...APPEND_ONLY].sort());
      for (const r of rows) {
        expect({ table: r.table, select: r.select, insert: r.insert, truncate: r.truncate }).toEqual({ table: r.table, select: true, insert: true, truncate: false });
        expect({ table: r.table, update: r.update, del: r.del }).toEqual({ table: r.table, update: !r.appendOnly, del: !r.appendOnly });
      }
      await expect(inTx('CREATE TABLE public.cqo_probe (x int)')).rejects.toThrow(/permission denied for schema public/);
      await expect(inTx(`INSERT INTO migrations (timestamp, name) VALUES (1, 'Probe1')`)).rejects.toThrow(/permission denied for table migrations/);
    });
  });

  describe('the product still works as that role, and every audit row is chained', () => {
    it('a sign-in, a filing (record) and a single-statement annual report submit (insertStatement) each leave a chained audit row', async () => {
      const before = await count(`SELECT count(*) AS n FROM audit_log`);
      const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
      await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
        .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7], overdueEveryDays: 7 })
        .expect(200);
      const e = await makeEnterprise(t.db, '420102');
      const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
      await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${Y}-01-01`, { name: '审计链', explanation: '补录历史聘任' }))
        .expect(201);
      const auth = await bearer(t.http, u.username);
      await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${Y}/submit`).set('Authorization', auth).send({ data: completeReport(), version: 0 }).expect(200);

      const rows: { action: string; lane: number; seq: string; prev_hash: string; hash: string }[] = await t.db.query(
        `SELECT action, lane, seq, prev_hash, hash FROM audit_log ORDER BY id OFFSET $1`,
        [before],
      );
      const actions = rows.map((r) => r.action);
      expect(actions.filter((a) => a === 'auth.login').length).toBeGreaterThanOrEqual(2);
      expect(actions).toEqual(expect.arrayContaining(['appointment.file', 'annual_report.submit']));
      for (const r of rows) expect(r).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      // Each row hashes, as `cqo verify audit` computes it, to what the trigger stored, after the lane's row before it.
      const all: ({ prevHash: string; storedHash: string } & Parameters<typeof auditHash>[1])[] = await t.db.query(
        `SELECT ${AUDIT_HASH_COLUMNS}, a.prev_hash AS "prevHash", a.hash AS "storedHash" FROM audit_log a ORDER BY a.lane, a.seq`,
      );
      const heads = new Map<string, { seq: number; hash: string }>();
      for (const r of all) {
        const head = heads.get(r.lane) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
        expect({ id: r.id, seq: Number(r.seq), prev: r.prevHash, hash: r.storedHash }).toEqual({ id: r.id, seq: head.seq + 1, prev: head.hash, hash: auditHash(head.hash, r) });
        heads.set(r.lane, { seq: Number(r.seq), hash: r.storedHash });
      }
    }, 60_000);

    it('concurrent writers do not wait for each other to commit: each open transaction appends on a lane of its own', async () => {
      const clients = await Promise.all(
        [0, 1, 2].map(async () => {
          const c = new Client({ connectionString: databaseUrl });
          await c.connect();
          return c;
        }),
      );
      try {
        const lanes: number[] = [];
        for (const [i, c] of clients.entries()) {
          await c.query('BEGIN');
          // With one chain lock held to commit, the second INSERT would wait here until the timeout.
          await c.query(`SET LOCAL lock_timeout = '2s'`);
          const [row] = (
            await c.query(`INSERT INTO audit_log (action, result, actor_username, details) VALUES ('test.lane', 'success', 'tester', $1) RETURNING lane`, [{ i, note: '并发 "写入" \\ 测试' }])
          ).rows;
          // The same transaction keeps its lane (a multi-row INSERT included).
          const again = (await c.query(`INSERT INTO audit_log (action, result, actor_username) SELECT 'test.lane', 'success', 'tester' FROM generate_series(1, 2) RETURNING lane`)).rows;
          expect(again.map((r) => r.lane)).toEqual([row.lane, row.lane]);
          lanes.push(row.lane);
        }
        expect(new Set(lanes).size).toBe(3);
        for (const c of clients) await c.query('COMMIT');
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('a rolled-back write leaves no gap in its lane', async () => {
      await expect(
        t.db.transaction(async (m) => {
          await m.query(`INSERT INTO audit_log (action, result, actor_username) VALUES ('test.rollback', 'success', 'tester')`);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'test.rollback'`)).toBe(0);
    });
  });

  describe('`cqo verify audit`, as the app role (last: it breaks the chain on purpose)', () => {
    it('passes on an intact chain: every row checked, exit 0', async () => {
      const ok = await cqo({ DATABASE_URL: databaseUrl }, 'verify', 'audit');
      const whole = JSON.parse(ok.stdout);
      expect(whole).toMatchObject({ ok: true, firstBroken: null, broken: [] });
      expect(whole.checked).toBe(await count(`SELECT count(*) AS n FROM audit_log`));
      expect(whole.lanes.length).toBeGreaterThanOrEqual(3);
    }, 60_000);

    it('names the row an owner edited, and the row after one the owner deleted; exit 1', async () => {
      const lanes: { lane: number }[] = await t.db.query(`SELECT lane FROM audit_log GROUP BY lane HAVING count(*) >= 3 ORDER BY count(*) DESC LIMIT 2`);
      expect(lanes.length).toBe(2);
      const [edited] = await t.db.query(`SELECT id::text AS id, seq::int AS seq FROM audit_log WHERE lane = $1 ORDER BY seq OFFSET 1 LIMIT 1`, [lanes[0].lane]);
      const [deleted, after] = await t.db.query(`SELECT id::text AS id, seq::int AS seq FROM audit_log WHERE lane = $1 ORDER BY seq OFFSET 1 LIMIT 2`, [lanes[1].lane]);

      // Tamper as the owner (here a superuser), the append-only trigger switched off for the session.
      const owner = new Client({ connectionString: asOwner(databaseUrl) });
      await owner.connect();
      try {
        await owner.query(`SET session_replication_role = replica`);
        await owner.query(`UPDATE audit_log SET result = 'success', details = '{"forged": true}' WHERE id = $1`, [edited.id]);
        await owner.query(`DELETE FROM audit_log WHERE id = $1`, [deleted.id]);
      } finally {
        await owner.end();
      }

      const broken = (await cqo({ DATABASE_URL: databaseUrl }, 'verify', 'audit').catch((e: unknown) => e)) as { code: number; stdout: string; stderr: string };
      expect(broken.code).toBe(1);
      const out = JSON.parse(broken.stdout);
      expect(out.ok).toBe(false);
      expect(out.broken).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: edited.id, lane: lanes[0].lane, seq: edited.seq, reason: expect.stringContaining('被改动') }),
          expect.objectContaining({ id: after.id, lane: lanes[1].lane, seq: after.seq, reason: expect.stringContaining('缺失') }),
        ]),
      );
      expect(out.broken).toHaveLength(2);
      expect(out.firstBroken).toEqual(BigInt(edited.id) < BigInt(after.id) ? out.broken[0] : out.broken[1]);
      expect(broken.stderr).toContain(`row ${out.firstBroken.id}`);
    }, 60_000);
  });

  describe('upgrading a database whose audit log already has rows', () => {
    it('the migration chains them on lane 0 in id order, grants every table (older and newer migrations), and verify passes as the app role', async () => {
      const env = testEnv();
      const name = `${env.databaseName}_auditup`;
      const admin = new Client({ connectionString: env.adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const ownerUrl = withDatabase(env.adminUrl, name);
      // Every migration but this item's, as a database of the version before would have them.
      const mine = new Set(['AppRole1764710000000', 'AuditChain1764710000001']);
      const before = new DataSource(dataSourceOptions(ownerUrl, { migrations: MIGRATIONS.filter((m) => !mine.has(m.name)) }));
      await before.initialize();
      try {
        await before.runMigrations({ transaction: 'each' });
        await before.query(
          `INSERT INTO audit_log (at, actor_username, actor_role, ip, action, object_type, object_id, result, details)
           SELECT now() - (n || ' minutes')::interval, '老用户' || n, 'city', '10.1.1.' || n, 'legacy.write', 'enterprise', n::text, 'success',
                  jsonb_build_object('n', n, 'note', E'换行\n"引号" \\\\ 反斜杠 \t')
             FROM generate_series(1, 25) n`,
        );
      } finally {
        await before.destroy();
      }
      expect(await runMigrations(ownerUrl)).toEqual(['AppRole1764710000000', 'AuditChain1764710000001']);

      const appUrl = withDatabase(env.databaseUrl, name);
      const out = JSON.parse((await cqo({ DATABASE_URL: appUrl }, 'verify', 'audit')).stdout);
      expect(out).toMatchObject({ ok: true, checked: 25, lanes: [{ lane: 0, headSeq: 25 }] });
      // The app's role may write every table, including those of migrations after this item's (default privileges or the grant on all).
      const c = new Client({ connectionString: appUrl });
      await c.connect();
      try {
        const { rows } = await c.query(
          `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'migrations'
              AND NOT has_table_privilege(c.oid, 'INSERT')`,
        );
        expect(rows).toEqual([]);
        await c.query(`INSERT INTO audit_log (action, result) VALUES ('test.after-upgrade', 'success')`);
      } finally {
        await c.end();
      }
      expect(JSON.parse((await cqo({ DATABASE_URL: appUrl }, 'verify', 'audit')).stdout)).toMatchObject({ ok: true, checked: 26 });
    }, 90_000);
  });

  describe('`cqo migrate` with DATABASE_OWNER_URL makes the app its login role (docs/database-roles.md)', () => {
    const role = `${testEnv().databaseName}_mig`;
    afterAll(async () => {
      const admin = new Client({ connectionString: testEnv().adminUrl });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
      await admin.end();
    });

    it('creates the role with its password as a member of cqo_app; it can sign the app in but not touch the audit log', async () => {
      const appUrl = withUser(databaseUrl, role, randomBytes(9).toString('hex'));
      const out = await cqo({ DATABASE_URL: appUrl, DATABASE_OWNER_URL: asOwner(databaseUrl) }, 'migrate');
      expect(JSON.parse(out.stdout)).toEqual({ migrated: [] });
      const c = new Client({ connectionString: appUrl });
      await c.connect();
      try {
        const [me] = (await c.query(`SELECT current_user AS name, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`)).rows;
        expect(me).toEqual({ name: role, su: false });
        expect(Number((await c.query(`SELECT count(*) AS n FROM audit_log`)).rows[0].n)).toBeGreaterThan(0);
        await expect(c.query(`DELETE FROM audit_log`)).rejects.toThrow(/permission denied for table audit_log/);
      } finally {
        await c.end();
      }
      // Run again: nothing to migrate, the role is left as it is (idempotent).
      expect(JSON.parse((await cqo({ DATABASE_URL: appUrl, DATABASE_OWNER_URL: asOwner(databaseUrl) }, 'migrate')).stdout)).toEqual({ migrated: [] });
    }, 60_000);
  });
});
