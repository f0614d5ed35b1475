// The province every large bench runs against: BENCH_ENTERPRISES enterprises (default 1,000,000)
// over Hubei's counties with CQOs, five years of training ledger, annual reports and violations,
// written by set-based SQL (seeded random(), so builds repeat).
//
//   provinceDatabase({ name, enterprises })  → a migrated, filled database, built once and kept:
//     a later call with the same size and year reuses it (after `cqo migrate`, so new migrations
//     apply). Benches that change data (submits, imports) pick rows that are still untouched, so
//     a kept database serves many runs. BENCH_FRESH=1 drops and builds it again.
//   generate(c, …)                           → the fill itself, for a bench that wants its own database.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
export const API = join(ROOT, 'dist/apps/api/src/main.js');
export const WORKER = join(ROOT, 'dist/apps/worker/src/main.js');
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_JWT_SECRET = 'bench-secret-0123456789abcdef-0123456789abcdef';
/** The image's NODE_OPTIONS (deploy/Dockerfile, runtime stage), so the benches run the api and worker as deployed. */
export const IMAGE_NODE_OPTIONS = /^\s*NODE_OPTIONS=(\S+)/m.exec(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8'))?.[1] ?? '';
const run = promisify(execFile);
const defaultLog = (msg) => process.stderr.write(`[province-data ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** China's calendar date (the server counts in Asia/Shanghai). */
export const chinaToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

export function databaseUrlFor(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The environment the built api, worker and cli run with against `databaseUrl`. */
export function benchEnv(databaseUrl, extra = {}) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? IMAGE_NODE_OPTIONS,
    JWT_SECRET: BENCH_JWT_SECRET,
    CQO_REDIS_PREFIX: `bench-${process.pid}`,
    CQO_PROVINCE: '420000',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    ...extra,
  };
}

/** cqo_bench_1m for the full size, cqo_bench_<n> for a smaller one, so sizes never evict each other. */
export const defaultName = (enterprises) => (enterprises === 1_000_000 ? 'cqo_bench_1m' : `cqo_bench_${enterprises}`);

/**
 * A migrated database holding the generated province, built on first use and kept. Builds are
 * serialised across processes by an advisory lock, so benches started together share one build.
 */
export async function provinceDatabase({ enterprises = Number(process.env.BENCH_ENTERPRISES || 1_000_000), name = defaultName(enterprises), log = defaultLog } = {}) {
  const databaseUrl = databaseUrlFor(name);
  const year = Number(chinaToday().slice(0, 4));
  const env = benchEnv(databaseUrl);
  return withClient(ADMIN_URL, async (admin) => {
    await admin.query(`SELECT pg_advisory_lock(hashtext($1))`, [`bench:${name}`]);
    try {
      const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount > 0;
      let meta = null;
      if (exists && process.env.BENCH_FRESH !== '1') {
        meta = await withClient(databaseUrl, async (c) => {
          const t = await c.query(`SELECT to_regclass('bench_meta') IS NOT NULL AS ok`);
          if (!t.rows[0].ok) return null;
          return (await c.query(`SELECT enterprises, year, as_of::text AS "asOf", window_opens::text AS "windowOpens", gen_seconds AS "genSeconds" FROM bench_meta`)).rows[0] ?? null;
        });
      }
      if (meta && meta.enterprises === enterprises && meta.year === year) {
        log(`reusing ${name} (${enterprises.toLocaleString('en')} enterprises, built for ${meta.asOf}); migrating`);
        await run(process.execPath, [CLI, 'migrate'], { env, maxBuffer: 16 << 20 });
        return { databaseUrl, name, env, year, asOf: meta.asOf, windowOpens: meta.windowOpens, genSeconds: meta.genSeconds, reused: true };
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      log(`database ${name}; migrating`);
      await run(process.execPath, [CLI, 'migrate'], { env, maxBuffer: 16 << 20 });
      const asOf = chinaToday();
      const built = await withClient(databaseUrl, async (c) => {
        const { rows } = await c.query(`SELECT window_opens::text AS w FROM filing_setting WHERE province_code = '420000' AND year = $1`, [year]);
        const windowOpens = rows[0]?.w ?? `${year}-11-01`;
        log(`generating ${enterprises.toLocaleString('en')} enterprises (year ${year}, as of ${asOf}, window opens ${windowOpens})`);
        const t0 = performance.now();
        await generate(c, { year, asOf, windowOpens, enterprises, log });
        const genSeconds = (performance.now() - t0) / 1000;
        await c.query(`CREATE TABLE bench_meta (enterprises int, year int, as_of date, window_opens date, gen_seconds real)`);
        await c.query(`INSERT INTO bench_meta VALUES ($1, $2, $3, $4, $5)`, [enterprises, year, asOf, windowOpens, genSeconds]);
        return { windowOpens, genSeconds };
      });
      log(`built ${name} in ${built.genSeconds.toFixed(0)} s`);
      return { databaseUrl, name, env, year, asOf, ...built, reused: false };
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`bench:${name}`]);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The fill
// ---------------------------------------------------------------------------------------------

/** Fills the migrated database. Every statement is set-based; random() is seeded, so runs repeat. */
export async function generate(c, { year: Y, asOf, windowOpens, enterprises: N, province: PROVINCE = '420000', log = defaultLog }) {
  const T = 5 * N;
  const step = async (label, sql) => {
    const t0 = performance.now();
    const res = await c.query(sql);
    const rows = Array.isArray(res) ? res.at(-1).rowCount : res.rowCount;
    log(`  ${label}: ${rows ?? ''} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  const prevWindow = `${Y - 1}-11-01`;
  await c.query(`SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET temp_buffers = '1GB'; SET synchronous_commit = off`);
  await c.query(`SELECT setseed(0.2026)`);
  // Bulk load: the plain (non-constraint) indexes of the tables filled here are dropped first and
  // created again, from their own definitions, once the rows are in. Keys, unique constraints,
  // foreign keys and triggers stay in force throughout.
  const { rows: indexes } = await c.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid = ANY (ARRAY['enterprise','enterprise_award','cqo_person','appointment','training_record','annual_report','violation']::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
  );
  for (const ix of indexes) await c.query(`DROP INDEX ${ix.name}`);

  // Staging tables are session-local temp tables; the real tables are written with plain INSERTs.
  await step(
    'counties',
    `CREATE TEMP TABLE cty AS
       SELECT (row_number() OVER (ORDER BY code))::int - 1 AS k, code, path FROM region WHERE level = 3 AND path LIKE '/${PROVINCE}/%'`,
  );
  // One row per enterprise with its draws: county (skewed towards the first codes, i.e. 武汉),
  // size, award, and the CQO scenario:
  //   scen < 0.69   a CQO in post (1.5% of them with a term that ran out but still 'active';
  //                 25% with an earlier, replaced CQO)
  //   0.69 – 0.71   CQO dismissed in the last 30 days (expected to file if before the window)
  //   0.71 – 0.79   CQO expired years ago
  //   ≥ 0.79        never had a CQO
  await step(
    'stage enterprises',
    `CREATE TEMP TABLE ent AS
       SELECT g.i, g.id, c.code, c.path, g.above, g.r_award, g.scen
         FROM (SELECT i, gen_random_uuid() AS id,
                      floor((SELECT count(*) FROM cty) * power(random(), 1.6))::int AS k,
                      random() < 0.30 AS above, random() AS r_award, random() AS scen
                 FROM generate_series(1, ${N}) AS i) g
         JOIN cty c ON c.k = g.k`,
  );
  await step(
    'enterprise',
    `INSERT INTO enterprise (id, credit_code, name, region_code, region_path, above_size, size_class, ownership, industry, created_at, updated_at)
     SELECT e.id, '9142' || lpad(e.i::text, 13, '0') || 'X',
            (ARRAY['武汉','荆楚','江汉','宜昌','襄阳','黄石','十堰','荆州','孝感','黄冈','咸宁','随州','恩施','鄂州','天门','潜江'])[1 + e.i % 16]
              || (ARRAY['华','鑫','楚','恒','泰','宏','达','源','丰','盛','通','瑞','星','光','科','信','诚','精','博','汇'])[1 + (e.i / 16) % 20]
              || (ARRAY['华','鑫','楚','恒','泰','宏','达','源','丰','盛','通','瑞','星','光','科','信','诚','精','博','汇'])[1 + (e.i / 320) % 20]
              || (ARRAY['机械','化工','食品','电子','纺织','建材','汽车零部件','医药','光电','钢铁','包装','新材料'])[1 + (e.i / 6400) % 12]
              || (ARRAY['有限公司','股份有限公司','有限责任公司'])[1 + e.i % 3] || e.i::text,
            e.code, e.path, e.above,
            CASE WHEN e.above THEN (ARRAY['大型','中型','中型'])[1 + e.i % 3] ELSE (ARRAY['小型','微型','小型'])[1 + e.i % 3] END,
            (ARRAY['国有','民营','民营','民营','外资','其他'])[1 + e.i % 6],
            (ARRAY['C','C','C','C','D','E','F','G','I','M'])[1 + e.i % 10],
            now() - (e.i % 3000) * interval '1 day', now()
       FROM ent e ORDER BY e.i`,
  );
  await step(
    'enterprise_award',
    `INSERT INTO enterprise_award (enterprise_id, award, year)
     SELECT e.id, (ARRAY['长江质量奖','湖北省长江质量奖提名奖','市长质量奖','县长质量奖'])[1 + e.i % 4], ${Y} - (e.i % 10)
       FROM ent e WHERE e.r_award < 0.03
     UNION ALL
     SELECT e.id, (ARRAY['长江质量奖','湖北省长江质量奖提名奖','市长质量奖','县长质量奖'])[1 + (e.i + 1) % 4], ${Y} - (e.i % 7)
       FROM ent e WHERE e.r_award < 0.006`,
  );

  // Appointments: the current ones, the replaced ones before them, and ended ones.
  await step(
    'stage appointments (in post)',
    `CREATE TEMP TABLE cur AS
       SELECT e.id AS enterprise_id, e.path, e.i, gen_random_uuid() AS aid, gen_random_uuid() AS pid,
              x.appointed_on, x.term_end, least(x.appointed_on + (random() * 5)::int, greatest(x.appointed_on, date '${asOf}')) AS effective_from,
              random() < 0.25 AS has_prev,
              CASE WHEN x.r < 0.62 THEN 'eligible' WHEN x.r < 0.85 THEN 'attention' WHEN x.r < 0.99 THEN 'ineligible' END AS verdict,
              random() < 0.004 AS disqualified
         FROM ent e
         CROSS JOIN LATERAL (
           SELECT CASE WHEN s.stale THEN date '${asOf}' - 1096 - (random() * 300)::int
                       WHEN s.open_term THEN date '${asOf}' - 1 - (random() * 2500)::int
                       ELSE date '${asOf}' - 1 - (random() * 1090)::int END AS appointed_on,
                  s.open_term, s.r
             FROM (SELECT random() < 0.015 AS stale, random() < 0.15 AS open_term, random() AS r, e.i AS dep) s
         ) y
         CROSS JOIN LATERAL (SELECT y.appointed_on, CASE WHEN y.open_term THEN NULL ELSE (y.appointed_on + interval '3 years' - interval '1 day')::date END AS term_end, y.r) x
        WHERE e.scen < 0.69`,
  );
  await step(
    'stage appointments (history)',
    `CREATE TEMP TABLE hist AS
       SELECT c.enterprise_id, c.path, c.i, gen_random_uuid() AS aid, gen_random_uuid() AS pid, c.aid AS next_aid,
              'replaced' AS status, h.appointed_on, (h.appointed_on + interval '3 years' - interval '1 day')::date AS term_end,
              h.appointed_on AS effective_from, c.effective_from AS ended_on, '更换首席质量官' AS end_reason
         FROM cur c CROSS JOIN LATERAL (SELECT c.appointed_on - 200 - (random() * 1000)::int AS appointed_on) h
        WHERE c.has_prev
       UNION ALL
       SELECT e.id, e.path, e.i, gen_random_uuid(), gen_random_uuid(), NULL,
              'dismissed', d.appointed_on, (d.appointed_on + interval '3 years' - interval '1 day')::date, d.appointed_on,
              date '${asOf}' - (random() * 29)::int, '离职解聘'
         FROM ent e CROSS JOIN LATERAL (SELECT date '${asOf}' - 60 - (random() * 900)::int AS appointed_on, e.i AS dep) d
        WHERE e.scen >= 0.69 AND e.scen < 0.71
       UNION ALL
       SELECT e.id, e.path, e.i, gen_random_uuid(), gen_random_uuid(), NULL,
              'expired', d.appointed_on, (d.appointed_on + interval '3 years' - interval '1 day')::date, d.appointed_on,
              (d.appointed_on + interval '3 years' - interval '1 day')::date, '任期届满'
         FROM ent e CROSS JOIN LATERAL (SELECT date '${asOf}' - 1200 - (random() * 1800)::int AS appointed_on, e.i AS dep) d
        WHERE e.scen >= 0.71 AND e.scen < 0.79`,
  );
  await step(
    'cqo_person',
    `INSERT INTO cqo_person (id, name, phone, created_at)
     SELECT pid, nm, '13' || lpad(n::text, 9, '0'), now()
       FROM (SELECT pid, i, (ARRAY['张','王','李','刘','陈','杨','黄','赵','周','吴','徐','孙','胡','朱','高','林'])[1 + i % 16]
                          || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀','霞','平'])[1 + (i / 16) % 20]
                          || (ARRAY['','华','红','建','国','志','文','海'])[1 + (i / 320) % 8] AS nm,
                    row_number() OVER () AS n
               FROM (SELECT pid, i FROM cur UNION ALL SELECT pid, i FROM hist) p) q`,
  );
  const attrs = (alias) => `
       (ARRAY['男','男','女'])[1 + ${alias}.i % 3],
       to_char(date '1965-01-01' + (${alias}.i * 37) % 9000, 'YYYY-MM'),
       '13' || lpad((${alias}.i::bigint * 7919 % 1000000000)::text, 9, '0'),
       (ARRAY['副总经理','质量总监','总工程师','质量部部长','总经理'])[1 + ${alias}.i % 5],
       (ARRAY['决策层','高层副职','高层副职','中层','其他'])[1 + ${alias}.i % 5],
       ${alias}.i % 4 = 0,
       (ARRAY['大学本科','大学本科','硕士研究生','大专','大学本科','博士研究生','中专','高中及以下','大学本科','硕士研究生'])[1 + ${alias}.i % 10],
       (ARRAY['质量专业技术人员职业资格','质量专业技术人员职业资格','专业技术职称','无'])[1 + ${alias}.i % 4],
       CASE WHEN ${alias}.i % 4 = 3 THEN NULL ELSE (ARRAY['初级','中级','中级','副高级','正高级'])[1 + (${alias}.i / 4) % 5] END,
       ${alias}.i % 5 <> 0, 3 + ${alias}.i % 20`;
  const cols = `enterprise_id, region_path, person_id, previous_id, filing_type, status, name, gender, birth_month, phone, position_title,
                position_level, concurrent_post, education, qualification_type, qualification_level, quality_related, years_in_quality,
                appointed_on, term_end, effective_from, ended_on, end_reason, initial_training_hours, filed_at, late_filing,
                verdict, evaluated_at, disqualified, id`;
  await step(
    'appointment (history)',
    `INSERT INTO appointment (${cols})
     SELECT h.enterprise_id, h.path, h.pid, NULL, 'appoint', h.status, p.name, ${attrs('h')},
            h.appointed_on, h.term_end, h.effective_from, h.ended_on, h.end_reason, 24, h.appointed_on + interval '9 hours', false,
            (ARRAY['eligible','eligible','attention','ineligible'])[1 + h.i % 4], h.appointed_on + interval '10 hours', false, h.aid
       FROM hist h JOIN cqo_person p ON p.id = h.pid`,
  );
  await step(
    'appointment (in post)',
    `INSERT INTO appointment (${cols})
     SELECT c.enterprise_id, c.path, c.pid, h.aid, CASE WHEN h.aid IS NULL THEN 'appoint' ELSE 'change' END, 'active', p.name, ${attrs('c')},
            c.appointed_on, c.term_end, c.effective_from, NULL, NULL, 24, c.appointed_on + interval '9 hours', c.i % 50 = 0,
            c.verdict, CASE WHEN c.verdict IS NOT NULL THEN c.appointed_on + interval '10 hours' END, c.disqualified, c.aid
       FROM cur c JOIN cqo_person p ON p.id = c.pid LEFT JOIN hist h ON h.next_aid = c.aid`,
  );

  // Training ledger: T records over five years (recent years heavier), 85% for the CQOs in post
  // (drawn with a skew, so some people train a lot and many little), the rest for former CQOs.
  // The hash chain links (prev_hash = the previous record's hash) but the hashes are of the
  // sequence number, not of the content: `cqo verify training` would not pass on this data.
  await step(
    'stage training persons',
    `CREATE TEMP TABLE tp AS
       SELECT (row_number() OVER ())::int - 1 AS k, true AS current, pid, enterprise_id FROM cur
       UNION ALL
       SELECT (row_number() OVER ())::int - 1, false, pid, enterprise_id FROM hist;
     CREATE INDEX ON tp (current, k);
     ANALYZE tp`,
  );
  const nCur = Number((await c.query(`SELECT count(*) FROM cur`)).rows[0].count);
  const nHist = Number((await c.query(`SELECT count(*) FROM hist`)).rows[0].count);
  await step(
    'stage training records',
    `CREATE TEMP TABLE tr AS
       SELECT g, d.cur, CASE WHEN d.cur THEN floor(${nCur} * power(random(), 1.5))::int ELSE floor(${Math.max(nHist, 1)} * random())::int END AS k,
              d.cat, d.end_date, d.end_date - (random() * 2)::int AS start_date,
              CASE d.cat WHEN '继续教育(第一类)' THEN (ARRAY[8,12,14,16,20])[1 + floor(random() * 5)::int]
                         WHEN '第二类' THEN (ARRAY[12,16,24,30,32,40])[1 + floor(random() * 6)::int]
                         WHEN '组织培训活动' THEN (ARRAY[2,4])[1 + floor(random() * 2)::int]
                         ELSE (ARRAY[21,24])[1 + floor(random() * 2)::int] END AS hours,
              least(d.end_date + 1 + (random() * 9)::int + random() * interval '10 hours' + interval '8 hours', now()) AS recorded_at
         FROM (SELECT g, random() < 0.85 AS cur,
                      CASE WHEN r < 0.30 THEN '继续教育(第一类)' WHEN r < 0.75 THEN '第二类' WHEN r < 0.90 THEN '组织培训活动' ELSE '任职培训' END AS cat,
                      CASE WHEN u < 0.30 THEN date '${Y}-01-01' + (v * (date '${asOf}' - date '${Y}-01-01'))::int
                           ELSE make_date(${Y} - CASE WHEN u < 0.55 THEN 1 WHEN u < 0.75 THEN 2 WHEN u < 0.90 THEN 3 ELSE 4 END, 1, 1) + (v * 364)::int
                      END AS end_date
                 FROM (SELECT g, random() AS r, random() AS u, random() AS v FROM generate_series(1, ${T}) AS g) a) d`,
  );
  await step(
    'training_record (entries)',
    `INSERT INTO training_record (id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                                  certificate_no, source, recorded_at, prev_hash, hash)
     SELECT (lpad(to_hex((extract(epoch FROM s.recorded_at) * 1000)::bigint), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid,
            s.seq, 'entry', p.pid, p.enterprise_id, s.cat, '课程' || (s.g % 997), (ARRAY['湖北省质量协会','武汉质量学院','省标准化研究院','企业内训'])[1 + s.g % 4],
            s.start_date, s.end_date, s.hours, 'BM' || s.g, CASE WHEN s.g % 4 = 3 THEN 'enterprise' ELSE 'provider' END, s.recorded_at,
            CASE WHEN s.seq = 1 THEN repeat('0', 64) ELSE encode(sha256(convert_to('bench:' || (s.seq - 1), 'UTF8')), 'hex') END,
            encode(sha256(convert_to('bench:' || s.seq, 'UTF8')), 'hex')
       FROM (SELECT tr.*, row_number() OVER (ORDER BY tr.recorded_at, tr.g) AS seq FROM tr) s
       JOIN tp p ON p.current = s.cur AND p.k = s.k
      ORDER BY s.seq`,
  );
  // A few corrections: reversal records (training_live leaves out the entries they reverse).
  await step(
    'training_record (reversals)',
    `INSERT INTO training_record (id, seq, kind, person_id, enterprise_id, category, course, provider, start_date, end_date, hours,
                                  certificate_no, source, recorded_at, reverses, reason, prev_hash, hash)
     SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid,
            r.seq, 'reversal', r.person_id, r.enterprise_id, r.category, r.course, r.provider, r.start_date, r.end_date, -r.hours,
            NULL, r.source, now(), r.id, '录入错误，冲销',
            encode(sha256(convert_to('bench:' || (r.seq - 1), 'UTF8')), 'hex'), encode(sha256(convert_to('bench:' || r.seq, 'UTF8')), 'hex')
       FROM (SELECT t.*, (SELECT max(seq) FROM training_record) + row_number() OVER (ORDER BY t.seq) AS seq2 FROM training_record t WHERE t.seq % 1000 = 7) r0
       CROSS JOIN LATERAL (SELECT r0.seq2 AS seq, r0.person_id, r0.enterprise_id, r0.category, r0.course, r0.provider, r0.start_date, r0.end_date,
                                  r0.hours, r0.source, r0.id) r
      ORDER BY r.seq`,
  );

  // Annual reports of this year and last: those expected (a CQO on the window's opening day) in a
  // mix of states, and a few from enterprises that were not expected.
  const reports = (year, win, mix) => `
     INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at, late, return_reason, reviewed_at, created_at, updated_at)
     SELECT q.enterprise_id, q.region_path, ${year}, q.status,
            jsonb_build_object('employees', 50 + q.n % 5000, 'qualityStaff', 2 + q.n % 80, 'qualityInvestment', (q.n % 900) * 1000,
                               'summary', '本年度质量工作总结：建立健全质量管理体系，开展质量提升活动。'),
            CASE WHEN q.status IN ('submitted','accepted','returned') THEN
                 CASE WHEN q.late THEN date '${year}-12-16' + (q.n % 20)::int ELSE date '${win}' + (q.n % 40)::int END + interval '10 hours' END,
            q.late AND q.status IN ('submitted','accepted'),
            CASE WHEN q.status = 'returned' THEN '数据不完整，请补充质量投入' END,
            CASE WHEN q.status IN ('accepted','returned') THEN date '${win}' + (q.n % 45)::int + interval '15 hours' END,
            date '${win}' + interval '9 hours', now()
       FROM (SELECT x.enterprise_id, x.region_path, x.n, random() < 0.12 AS late,
                    CASE WHEN x.r < ${mix[0]} THEN NULL WHEN x.r < ${mix[1]} THEN 'draft' WHEN x.r < ${mix[2]} THEN 'submitted'
                         WHEN x.r < ${mix[3]} THEN 'returned' ELSE 'accepted' END AS status
               FROM (SELECT a.enterprise_id, a.region_path, row_number() OVER () AS n, random() AS r
                       FROM (SELECT DISTINCT a.enterprise_id, a.region_path FROM appointment a
                              WHERE a.effective_from <= date '${win}' AND (a.ended_on IS NULL OR a.ended_on > date '${win}')
                                AND (a.term_end IS NULL OR a.term_end >= date '${win}')
                             UNION
                             SELECT e.id, e.region_path FROM enterprise e TABLESAMPLE BERNOULLI (0.5) REPEATABLE (7)) a) x) q
      WHERE q.status IS NOT NULL`;
  await step(`annual_report ${Y - 1}`, reports(Y - 1, prevWindow, [0.05, 0.07, 0.12, 0.15]));
  await step(`annual_report ${Y}`, reports(Y, windowOpens, [0.22, 0.37, 0.6, 0.65]));

  const V = Math.max(200, Math.round(N * 0.004));
  await step(
    'violation',
    `INSERT INTO violation (enterprise_id, region_path, subject, person_id, appointment_id, type, accident_level, occurred_on, source_document,
                            description, status, recorded_role, recorded_at, updated_at)
     SELECT e.id, e.path, s.subject, CASE WHEN s.subject <> 'enterprise' THEN c.pid END, CASE WHEN s.subject <> 'enterprise' THEN c.aid END,
            s.type, CASE WHEN s.type = '较大以上质量安全事故' THEN '较大' END, s.occurred_on, '鄂市监罚〔' || extract(year FROM s.occurred_on) || '〕' || e.i || '号',
            '监督抽查发现问题', s.status, 'county', s.occurred_on + interval '3 days', s.occurred_on + interval '30 days'
       FROM ent e LEFT JOIN cur c ON c.enterprise_id = e.id
       CROSS JOIN LATERAL (
         SELECT CASE WHEN c.pid IS NULL OR z.r < 0.5 THEN 'enterprise' WHEN z.r < 0.8 THEN 'cqo' ELSE 'both' END AS subject,
                (ARRAY['违法违规','重大失误受处分','刑事处分','谋取不正当利益','泄露商业秘密','损害合法权益','较大以上质量安全事故','失信','知情不报或虚假报告'])[1 + e.i % 9] AS type,
                date '${asOf}' - (z.r2 * 1000)::int AS occurred_on,
                CASE WHEN z.r3 < 0.4 THEN 'open' WHEN z.r3 < 0.7 THEN 'rectified' ELSE 'closed' END AS status
           FROM (SELECT random() AS r, random() AS r2, random() AS r3, e.i AS dep) z) s
      WHERE e.i % ${Math.max(1, Math.floor(N / V))} = 17 % ${Math.max(1, Math.floor(N / V))}`,
  );
  for (const t of ['ent', 'cur', 'hist', 'tp', 'tr', 'cty']) await c.query(`DROP TABLE ${t}`);
  const ti = performance.now();
  for (const ix of indexes) await c.query(ix.def);
  log(`  ${indexes.length} indexes created again: ${((performance.now() - ti) / 1000).toFixed(1)} s`);
  const t0 = performance.now();
  await c.query('VACUUM ANALYZE');
  log(`  VACUUM ANALYZE: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
