import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { DashboardResponse, RegionStats } from '@cqo/contracts';
import type { Actor } from '@cqo/server-common';
import { RosterImportService } from '@cqo/server-roster';
import { SnapshotService } from '@cqo/server-stats';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { rosterCqo, rosterWorkbook } from '../support/roster';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Open/closed enterprises and the region as of a date (issue 17 item 1: the enterprise's dated
 * attributes include its region and whether it is open). Wuhan, four enterprises whose CQOs were
 * appointed in P-1 (so in post all of P and this year Y):
 *   S in 江岸 420102, stays;  N in 江汉 420103, stays;
 *   X in 江岸, closed (注销) on Y-06-01;  M in 江岸, moved to 江汉 on Y-03-01.
 */
describe('closed enterprises and moved enterprises counted as of a date (issue 17)', () => {
  let t: TestApp;
  let databaseUrl: string;
  let province: string;
  let jiangan: string;
  let dir: string;
  const { year: Y } = pinTestToday(); // dates of this year stay in the past on any day (issue 19 item 9)
  const P = Y - 1;
  const CLOSED_ON = `${Y}-06-01`;
  const MOVED_ON = `${Y}-03-01`;
  const ids: Record<string, { id: string; creditCode: string; name: string }> = {};

  const cqo = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' } });
    return JSON.parse(stdout);
  };
  const statsOn = (region: string, asOf: string): Promise<RegionStats> => cqo('stats', '--region', region, '--year', String(Y), '--as-of', asOf);
  const totals = async (region: string, asOf: string) => {
    const s = await statsOn(region, asOf);
    return [s.enterprises.total, s.appointed.total];
  };
  const dashboard = async (): Promise<DashboardResponse> =>
    (await t.http().get('/api/stats/dashboard').query({ region: '420100', year: Y }).set('Authorization', province).expect(200)).body;
  const detail = async (key: string) => (await t.http().get(`/api/enterprises/${ids[key].id}`).set('Authorization', province).expect(200)).body;

  /** The 统计表 of a county as of a date: the enterprise names of 基本情况 and the 企业数 of 汇总's 合计 row. */
  async function workbook(region: string, asOf: string): Promise<{ names: string[]; total: unknown }> {
    const out = join(dir, `${region}-${asOf}.xlsx`);
    await cqo('export', 'attachment', '--region', region, '--year', String(Y), '--as-of', asOf, '--out', out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const names: string[] = [];
    wb.getWorksheet('基本情况')!.eachRow((row) => {
      if (typeof row.getCell(1).value === 'number' && typeof row.getCell(2).value === 'string') names.push(row.getCell(2).value as string);
    });
    let total: unknown = null;
    wb.getWorksheet('汇总')!.eachRow((row) => {
      if (row.getCell(1).value === '合计') total = row.getCell(2).value;
    });
    return { names: names.sort(), total };
  }

  async function appoint(key: string, region: string, name: string) {
    ids[key] = await makeEnterprise(t.db, region, { name: `${name}质造有限公司`, aboveSize: true });
    await t.http().post(`/api/enterprises/${ids[key].id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${P - 1}-03-01`, { name, explanation: '补录历史聘任' })).expect(201);
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    databaseUrl = await privateDatabase('closing');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:closing` }) });
    dir = await mkdtemp(join(tmpdir(), 'cqo-closing-'));
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    jiangan = await bearer(t.http, (await makeUser(t.db, 'county', { regionCode: '420102' })).username);
    await appoint('S', '420102', '沈留守');
    await appoint('X', '420102', '谢注销');
    await appoint('M', '420102', '莫迁移');
    await appoint('N', '420103', '倪江汉');
    // P counted after it ended, as of its Dec 31: this closes P (its snapshot is kept from now on).
    expect(await cqo('aggregate', '--year', String(P))).toMatchObject({ kind: 'full', years: [P] });
    expect(await cqo('aggregate', '--year', String(Y))).toMatchObject({ kind: 'full', years: [Y] });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('closing is checked field by field (zh-CN) and only an officer whose scope holds the enterprise may close it', async () => {
    const { version } = await detail('X');
    const future = await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jiangan).send({ closedOn: `${Y + 1}-01-01`, reason: '注销', version }).expect(400);
    expect(future.body.details).toEqual([expect.objectContaining({ field: 'closedOn', code: 'future', message: '注销日期不能晚于今天' })]);
    const early = await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jiangan).send({ closedOn: `${P - 1}-03-01`, reason: '注销', version }).expect(400);
    expect(early.body.details).toEqual([expect.objectContaining({ field: 'closedOn', code: 'beforeAppointment' })]);
    const reason = await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jiangan).send({ closedOn: CLOSED_ON, reason: '倒闭', version }).expect(400);
    expect(reason.body.details).toEqual([expect.objectContaining({ field: 'reason', message: '注销原因应为注销/吊销/迁出/其他之一' })]);
    const jianghan = await bearer(t.http, (await makeUser(t.db, 'county', { regionCode: '420103' })).username);
    await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jianghan).send({ closedOn: CLOSED_ON, reason: '注销', version }).expect(404);
    const own = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: ids.X.id })).username);
    await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', own).send({ closedOn: CLOSED_ON, reason: '注销', version }).expect(404);
    expect((await detail('X')).closed).toBeNull();
  });

  it('an enterprise closed on D counts before D and not from D on, in cqo stats --as-of, the dashboard and the 统计表; its CQO term ends on D', async () => {
    const before = await dashboard();
    expect(before.self.enterprises.total).toBe(4);
    expect(await totals('420102', `${Y}-05-31`)).toEqual([3, 3]);

    const { version } = await detail('X');
    const closed = await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jiangan).send({ closedOn: CLOSED_ON, reason: '注销', note: '市场监管局注销登记', version }).expect(200);
    expect(closed.body.closed).toEqual({ closedOn: CLOSED_ON, reason: '注销' });
    expect(closed.body.cqo).toBeNull();
    const [ended] = await t.db.query(`SELECT status, ended_on::text AS ended_on, end_reason FROM appointment WHERE enterprise_id = $1`, [ids.X.id]);
    expect(ended).toEqual({ status: 'dismissed', ended_on: CLOSED_ON, end_reason: '企业注销' });
    const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'enterprise.close' AND object_id = $1`, [ids.X.id]);
    expect(audit.details).toMatchObject({ closedOn: CLOSED_ON, reason: '注销' });
    const [state] = await t.db.query(`SELECT closed_on::text AS closed_on, closed_reason FROM enterprise_state WHERE enterprise_id = $1 ORDER BY valid_from DESC LIMIT 1`, [ids.X.id]);
    expect(state).toEqual({ closed_on: CLOSED_ON, closed_reason: '注销' });
    // The list shows the 标签.
    const list = await t.http().get('/api/enterprises').query({ region: '420102', page: 1, pageSize: 50 }).set('Authorization', jiangan).expect(200);
    expect(list.body.items.find((i: { id: string }) => i.id === ids.X.id).closed).toEqual({ closedOn: CLOSED_ON, reason: '注销' });

    // The day before: S, X, M (M moves only later in this file); from D on: S and M.
    expect(await totals('420102', `${Y}-05-31`)).toEqual([3, 3]);
    expect(await totals('420102', CLOSED_ON)).toEqual([2, 2]);
    expect(await workbook('420102', `${Y}-05-31`)).toEqual({ names: [ids.M.name, ids.S.name, ids.X.name].sort(), total: 3 });
    expect(await workbook('420102', CLOSED_ON)).toEqual({ names: [ids.M.name, ids.S.name].sort(), total: 2 });
    // The dashboard of this year (its snapshot as of today) no longer counts it.
    expect(await cqo('aggregate', '--year', String(Y))).toMatchObject({ years: [Y] });
    const after = await dashboard();
    expect([after.self.enterprises.total, after.self.appointed.total]).toEqual([3, 3]);
    expect(after.children.find((c) => c.region === '420102')?.enterprises.total).toBe(2);
    // Not expected to report for this year: its CQO was not in post on the window's opening day.
    expect(after.self.filings.expected).toBe(before.self.filings.expected - 1);

    // A report change of the closed enterprise: the incremental refresh leaves it out, as the full recount does.
    const [{ region_path: path }] = await t.db.query(`SELECT region_path FROM enterprise WHERE id = $1`, [ids.X.id]);
    await t.db.query(`INSERT INTO annual_report (enterprise_id, region_path, year, status, data) VALUES ($1, $2, $3, 'draft', '{}')`, [ids.X.id, path, Y]);
    const snapshots = t.app.get(SnapshotService);
    await t.db.transaction((m) => snapshots.markDirty(m, [{ reason: 'annual_report.save', enterpriseId: ids.X.id, years: [Y] }]));
    expect((await snapshots.drain('test')).remaining).toBe(0);
    // Read by the command line (the api caches its dashboards for a moment).
    const draftNow = async () => ((await cqo('stats', '--region', '420102', '--year', String(Y))) as RegionStats).filings.progress.draft;
    const drained = await draftNow();
    expect(await cqo('aggregate', '--year', String(Y))).toMatchObject({ years: [Y] });
    expect(await draftNow()).toBe(drained);
    // A closed enterprise takes no new CQO.
    const filing = await t.http().post(`/api/enterprises/${ids.X.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y}-07-01`, { name: '再聘任', explanation: '补录历史聘任' })).expect(409);
    expect(filing.body.message).toBe(`该企业已于${CLOSED_ON}注销，不能备案首席质量官`);
    // Nor through the roster (SPEC §8): the row is refused, naming the column.
    const roster = join(dir, 'roster.xlsx');
    await writeFile(roster, await rosterWorkbook([{ 统一社会信用代码: ids.X.creditCode, 企业名称: ids.X.name, 所在地区代码: '420102', 是否规上: '是', ...rosterCqo(1, 'CL') }]));
    const officer: Actor = { userId: '', username: 'test', role: 'province', sessionId: 's', regionCode: '420000', regionPath: '/420000/', enterpriseId: null, ip: null };
    const imported = await t.app.get(RosterImportService).import(officer, { path: roster, originalname: '名册.xlsx' }, { mode: 'all-or-nothing', dryRun: false });
    expect(imported).toMatchObject({ committed: false, rejected: [{ row: 2, column: '统一社会信用代码', reason: expect.stringContaining(`该企业已于${CLOSED_ON}注销`) }] });
    // Closed twice: refused, naming the field.
    const again = await t.http().post(`/api/enterprises/${ids.X.id}/close`).set('Authorization', jiangan).send({ closedOn: CLOSED_ON, reason: '吊销', version: closed.body.version }).expect(400);
    expect(again.body.details).toEqual([expect.objectContaining({ field: 'closedOn', code: 'closed' })]);
  }, 120_000); // a dozen runs of the built cli: slow on a loaded machine

  it('a reopened enterprise counts again from the day it reopened, and not in the days it was closed', async () => {
    const { version } = await detail('X');
    const bad = await t.http().post(`/api/enterprises/${ids.X.id}/reopen`).set('Authorization', jiangan).send({ reopenedOn: CLOSED_ON, version }).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'reopenedOn', code: 'beforeClosing' })]);
    const reopened = await t.http().post(`/api/enterprises/${ids.X.id}/reopen`).set('Authorization', jiangan).send({ reopenedOn: `${Y}-09-01`, version }).expect(200);
    expect(reopened.body.closed).toBeNull();
    expect((await statsOn('420102', `${Y}-08-31`)).enterprises.total).toBe(2);
    // Open again, without a CQO (the term ended with the closing).
    expect(await totals('420102', `${Y}-09-01`)).toEqual([3, 2]);
  });

  it('an enterprise moved from 江岸 to 江汉 on D counts under 江岸 before D and under 江汉 from D on, in stats, the 统计表 and the city roll-up', async () => {
    const { version } = await detail('M');
    const moved = await t.http().patch(`/api/enterprises/${ids.M.id}`).set('Authorization', province).send({ regionCode: '420103', version }).expect(200);
    expect(moved.body.regionCode).toBe('420103');
    // As if the move had been recorded on D (the trigger stamps the day of the write).
    await t.db.query(
      `UPDATE enterprise_state SET valid_from = $2 WHERE enterprise_id = $1 AND valid_from = (SELECT max(valid_from) FROM enterprise_state WHERE enterprise_id = $1)`,
      [ids.M.id, MOVED_ON],
    );
    const dayBefore = `${Y}-02-28`;
    expect(await totals('420102', dayBefore)).toEqual([3, 3]);
    expect(await totals('420103', dayBefore)).toEqual([1, 1]);
    expect(await totals('420102', MOVED_ON)).toEqual([2, 2]);
    expect(await totals('420103', MOVED_ON)).toEqual([2, 2]);
    // The city's figures roll its counties up by the county of the date.
    const city = await statsOn('420100', dayBefore);
    expect([city.enterprises.total, city.appointed.total]).toEqual([4, 4]);
    expect((await workbook('420102', dayBefore)).names).toEqual([ids.M.name, ids.S.name, ids.X.name].sort());
    expect((await workbook('420103', dayBefore)).names).toEqual([ids.N.name]);
    expect((await workbook('420103', MOVED_ON)).names).toEqual([ids.M.name, ids.N.name].sort());
    // And a past year, counted live as of its Dec 31, has M in 江岸 (it moved in Y).
    const past = await cqo('stats', '--region', '420102', '--year', String(P), '--as-of', `${P}-12-30`);
    expect(past.enterprises.total).toBe(3);
  }, 120_000);

  it("a city report of P submitted after the move in Y counts M under 江岸, where it lay on P's Dec 31, as the statistics of that date do", async () => {
    const wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    const draft = await t.http().put(`/api/city-reports/420100/${P}`).set('Authorization', wuhan).send({ narrative: '上年度推进情况', version: 0 }).expect(200);
    await t.http().post(`/api/city-reports/420100/${P}/submit`).set('Authorization', wuhan).send({ narrative: '上年度推进情况', version: draft.body.version }).expect(200);
    const report = (await t.http().get(`/api/city-reports/420100/${P}`).set('Authorization', wuhan).expect(200)).body;
    expect(report.snapshot.asOf).toBe(`${P}-12-31`);
    const county = (code: string) => report.snapshot.children.find((c: { code: string }) => c.code === code);
    // On P's Dec 31: S, X (closed only in Y) and M (moved only in Y) in 江岸; N in 江汉.
    expect([county('420102').enterprises.total, county('420102').appointed.total]).toEqual([3, 3]);
    expect([county('420103').enterprises.total, county('420103').appointed.total]).toEqual([1, 1]);
    expect([report.snapshot.total.enterprises.total, report.snapshot.total.appointed.total]).toEqual([4, 4]);
    // The same as the statistics of that date.
    const stats = await cqo('stats', '--region', '420102', '--year', String(P), '--as-of', `${P}-12-31`);
    expect(stats.enterprises.total).toBe(county('420102').enterprises.total);
  }, 120_000);

  it('the closed year P is kept as counted: its rebuild after the closing and the move finds the same figures', async () => {
    const result = await cqo('aggregate', '--year', String(P));
    expect(result).toMatchObject({ years: [], closed: [{ year: P, asOf: `${P}-12-31`, identical: true, differing: [] }] });
    const kept = (await t.http().get(`/api/stats/regions/420102`).query({ year: P }).set('Authorization', province).expect(200)).body as RegionStats;
    expect([kept.enterprises.total, kept.appointed.total]).toEqual([3, 3]);
  });
});
