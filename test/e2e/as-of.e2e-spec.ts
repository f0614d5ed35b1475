import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { RegionStats } from '@cqo/contracts';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Figures judged as of a past date (issue 17 item 1). A roster of four CQOs appointed in different
 * years, training in different years and violations before and after the date. On D = Dec 31 of
 * last year, under hubei-2021 (annual training 004 三(二): the year before D's, for CQOs appointed
 * before it; disqualification 004 二(三)):
 *   A appointed P-2, trained in P-1 enough        → eligible on D (P-1 judged); today P is judged, no training → attention
 *   B appointed mid P-1                           → eligible on D (P-1 not judged); today attention (no P training)
 *   C appointed in P, 刑事处分 after D             → eligible on D; today ineligible
 *   E appointed P-1, 刑事处分 in P (before D)      → ineligible on D and today
 * So D counts 3 eligible of 4 in post, where the verdicts stored today count 0.
 */
describe('figures as of a past date (issue 17: the verdict on D, kept after later changes)', () => {
  let t: TestApp;
  let databaseUrl: string;
  let province: string;
  let wuhan: string;
  let dir: string;
  const { year: Y } = pinTestToday(); // dates of this year stay in the past on any day (issue 19 item 9)
  const P = Y - 1;
  const D = `${P}-12-31`;
  const ids: Record<string, { id: string; creditCode: string }> = {};

  const cqo = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' } });
    return JSON.parse(stdout);
  };
  const statsOn = (asOf?: string): Promise<RegionStats> => cqo('stats', '--region', '420100', '--year', String(P), ...(asOf ? ['--as-of', asOf] : []));

  async function appoint(key: string, appointedOn: string, name: string) {
    ids[key] = await makeEnterprise(t.db, '420102', { name: `${name}质造有限公司`, aboveSize: true });
    await t.http().post(`/api/enterprises/${ids[key].id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(appointedOn, { name, explanation: '补录历史聘任' })).expect(201);
  }
  async function train(key: string, year: number) {
    const auth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: ids[key].id })).username);
    for (const [category, hours] of [['继续教育(第一类)', 16], ['第二类', 32]] as const) {
      await t.http().post('/api/training/records').set('Authorization', auth)
        .send({ category, course: '质量管理专题', provider: '湖北省质量协会', startDate: `${year}-03-01`, endDate: `${year}-03-04`, hours, certificateNo: null })
        .expect(201);
    }
  }
  const violation = (key: string, occurredOn: string) =>
    t.http().post('/api/violations').set('Authorization', wuhan)
      .send({ enterpriseId: ids[key].id, subject: 'cqo', type: '刑事处分', occurredOn, sourceDocument: `（${occurredOn.slice(0, 4)}）鄂0102刑初1号` })
      .expect(201);
  const storedEligible = async () =>
    Number((await t.db.query(`SELECT count(*) FILTER (WHERE verdict = 'eligible') AS n FROM appointment WHERE status = 'active'`))[0].n);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    databaseUrl = await privateDatabase('asof');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:as-of` }) });
    dir = await mkdtemp(join(tmpdir(), 'cqo-as-of-'));
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    await appoint('A', `${P - 2}-03-01`, '安往年');
    await appoint('B', `${P - 1}-06-01`, '包去年');
    await appoint('C', `${P}-09-01`, '陈今年');
    await appoint('E', `${P - 1}-01-10`, '鄂违规');
    await train('A', P - 1);
    // C's enterprise has held an award since before D (its first known state, SPEC §8).
    await t.db.query(`INSERT INTO enterprise_award (enterprise_id, award, year) VALUES ($1, '长江质量奖', $2)`, [ids.C.id, P - 1]);
    await t.db.query(`UPDATE enterprise_award SET added_on = '-infinity' WHERE enterprise_id = $1`, [ids.C.id]);
    await violation('C', `${Y}-03-01`);
    await violation('E', `${P}-05-01`);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cqo stats --as-of D counts the CQOs in post on D by their verdict on D (004 三(二), 004 二(三)), not the verdict stored today', async () => {
    expect(await storedEligible()).toBe(0);
    const s = await statsOn(D);
    expect(s.asOf).toBe(D);
    expect(s.appointed.total).toBe(4);
    expect(s.eligible.count).toBe(3);
    expect(s.disqualifiedInPost).toBe(1);
    expect(s.violations).toMatchObject({ open: 1, total: 1 });
    expect([s.enterprises.award, s.appointed.award]).toEqual([1, 1]);
  });

  it('a violation counts as open on D by its status history: rectified before D and closed since, it was not open on D', async () => {
    const [v] = await t.db.query(`SELECT id FROM violation WHERE enterprise_id = $1`, [ids.E.id]);
    await t.db.query(`UPDATE violation SET status = 'rectified', updated_at = now() WHERE id = $1`, [v.id]);
    // As if that change had been made on Jun 1 of P (the trigger stamps the time of the write).
    await t.db.query(`UPDATE violation_status_change SET changed_at = $2 WHERE violation_id = $1`, [v.id, `${P}-06-01T10:00:00+08:00`]);
    await t.db.query(`UPDATE violation SET status = 'closed', updated_at = now() WHERE id = $1`, [v.id]);
    expect((await statsOn(D)).violations).toMatchObject({ open: 0, total: 1 });
    expect((await statsOn(`${P}-05-31`)).violations).toMatchObject({ open: 1, total: 1 });
  });

  it('cqo eligibility --as-of D gives the same verdicts as the figures of D', async () => {
    expect((await cqo('eligibility', '--credit-code', ids.A.creditCode, '--as-of', D)).verdict).toBe('eligible');
    expect((await cqo('eligibility', '--credit-code', ids.C.creditCode, '--as-of', D)).verdict).toBe('eligible');
    expect((await cqo('eligibility', '--credit-code', ids.E.creditCode, '--as-of', D)).verdict).toBe('ineligible');
    // Today's verdicts are today's: A lacks the training of P, C has the later violation.
    expect((await cqo('eligibility', '--credit-code', ids.A.creditCode)).verdict).toBe('attention');
    expect((await cqo('eligibility', '--credit-code', ids.C.creditCode)).verdict).toBe('ineligible');
  });

  it('the snapshot of year P (the dashboard) and its 统计表 say the same, and later changes move none of them', async () => {
    // Counted after P ended, as of its Dec 31: this closes P.
    expect(await cqo('aggregate', '--year', String(P))).toMatchObject({ kind: 'full', years: [P] });
    const dashboard = async () =>
      (await t.http().get('/api/stats/dashboard').query({ region: '420100', year: P }).set('Authorization', province).expect(200)).body;
    const before = await dashboard();
    expect(before.asOf).toBe(D);
    expect(before.self.eligible.count).toBe(3);
    expect(before.self.enterprises.aboveSize).toBe(4);
    expect(before.self.filings.submitted).toBe(0);

    const out = join(dir, 'before.xlsx');
    await cqo('export', 'attachment', '--region', '420100', '--year', String(P), '--out', out);
    const verdicts = async (file: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const sheet = wb.getWorksheet('基本情况')!;
      // The numbered rows (序号 in column 1): column 9 首席质量官姓名 → column 22 任职资格结论 | column 6 是否规上 | column 8 获奖情况.
      const byName: Record<string, string> = {};
      sheet.eachRow((row, n) => {
        const name = row.getCell(9).value;
        if (n > 4 && typeof row.getCell(1).value === 'number' && typeof name === 'string') byName[name] = `${row.getCell(22).value}|${row.getCell(6).value}|${row.getCell(8).value ?? ''}`;
      });
      return byName;
    };
    expect(await verdicts(out)).toEqual({ 安往年: '符合|是|', 包去年: '符合|是|', 陈今年: `符合|是|长江质量奖（${P - 1}）`, 鄂违规: '不符合|是|' });

    // Later facts, all dated after D: B trains this year and has a violation this year; A's enterprise
    // is reclassified (SPEC §8: a new dated state); A's report of P arrives now.
    await train('B', Y);
    await violation('B', `${Y}-02-01`);
    await t.db.query(`UPDATE enterprise SET above_size = false, version = version + 1 WHERE id = $1`, [ids.A.id]);
    // The award lists change today: C's award is taken off, A gets one (SPEC §8: a new dated state).
    await t.db.query(`DELETE FROM enterprise_award WHERE enterprise_id = $1`, [ids.C.id]);
    await t.db.query(`INSERT INTO enterprise_award (enterprise_id, award, year) VALUES ($1, '长江质量奖', $2)`, [ids.A.id, P]);
    const [{ region_path }] = await t.db.query(`SELECT region_path FROM enterprise WHERE id = $1`, [ids.A.id]);
    await t.db.query(
      `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at, late) VALUES ($1, $2, $3, 'submitted', '{}', now(), true)`,
      [ids.A.id, region_path, P],
    );

    const live = await statsOn(D);
    expect([live.eligible.count, live.enterprises.aboveSize, live.filings.submitted, live.enterprises.award]).toEqual([3, 4, 0, 1]);
    expect((await cqo('stats', '--region', '420100', '--year', String(Y))).enterprises.award).toBe(1);
    // A rebuild of the closed year re-counts it, finds the same figures and keeps them.
    expect(await cqo('aggregate', '--year', String(P))).toMatchObject({ years: [], closed: [{ year: P, asOf: D, identical: true, differing: [] }] });
    const after = await dashboard();
    expect([after.self.eligible.count, after.self.enterprises.aboveSize, after.self.filings.submitted]).toEqual([3, 4, 0]);
    expect(after.updatedAt).toBe(before.updatedAt);
    const file = join(dir, 'after.xlsx');
    await cqo('export', 'attachment', '--region', '420100', '--year', String(P), '--out', file);
    expect(await verdicts(file)).toEqual({ 安往年: '符合|是|', 包去年: '符合|是|', 陈今年: `符合|是|长江质量奖（${P - 1}）`, 鄂违规: '不符合|是|' });
  });

  it('a fact about the closed year recorded after it closed is reported by a rebuild, and the kept figures stay', async () => {
    const before = (await t.http().get('/api/stats/dashboard').query({ region: '420100', year: P }).set('Authorization', province).expect(200)).body;
    // B's training of P, recorded only now: a re-count of P would count B as meeting the yearly rule.
    await train('B', P);
    const result = await cqo('aggregate', '--year', String(P));
    expect(result.closed).toEqual([expect.objectContaining({ year: P, identical: false, differing: expect.arrayContaining(['420102']) })]);
    const after = (await t.http().get('/api/stats/dashboard').query({ region: '420100', year: P }).set('Authorization', province).expect(200)).body;
    expect(after.self.training).toEqual(before.self.training);
    expect(after.updatedAt).toBe(before.updatedAt);
  });
});
