import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { AssessmentResponse, EnterpriseListItem, FileJobInfo, FilingStatusResponse } from '@cqo/contracts';
import { chinaDate, currentReportingYear, yearOf } from '@cqo/policy';
import { bearer, completeReport, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, statsSettled, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

/**
 * List tools (issue 20 items 3 and 6) on real Postgres, Redis and the worker: a whitelisted sort
 * is the list's ORDER BY (an unknown key is a 400 on `sort`), and the export of a list is what the
 * page shows: the same filters and sort, the visible columns, every row.
 */
describe('list tools: server sort and export of what the list shows', () => {
  const env = testEnv();
  let t: TestApp;
  let worker: INestApplicationContext;
  let dir: string;
  let city: string;
  let admin: string;
  let adminName: string;

  const poll = (auth: string, id: string) =>
    waitFor(async () => {
      const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${id}`).set('Authorization', auth).expect(200)).body;
      return ['queued', 'running'].includes(j.status) ? null : j;
    }, 30_000, 150);

  async function download(auth: string, job: FileJobInfo): Promise<{ sheet: ExcelJS.Worksheet; sha256: string }> {
    const res = await t.http().get(job.downloadUrl!).set('Authorization', auth).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    return { sheet: wb.worksheets[0], sha256: createHash('sha256').update(res.body as Buffer).digest('hex') };
  }

  const values = (sheet: ExcelJS.Worksheet): string[][] =>
    sheet.getSheetValues().slice(1).map((row) => ((row ?? []) as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));

  beforeAll(async () => {
    const db = { url: await privateDatabase('listtools') };
    dir = await mkdtemp(join(tmpdir(), 'cqo-list-tools-'));
    const config = testConfig({ DATABASE_URL: db.url, CQO_FILES_DIR: dir, CQO_REDIS_PREFIX: `${env.redisPrefix}-listtools`, CQO_FILE_JOB_STEP_DELAY_MS: '0' });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    city = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    const a = await makeUser(t.db, 'admin');
    adminName = a.username;
    admin = await bearer(t.http, a.username);
    for (let i = 0; i < 7; i++) await makeEnterprise(t.db, i % 2 ? '420102' : '420103', { name: `排序测试${String.fromCharCode(70 - i)}企业有限公司`, aboveSize: i % 3 === 0 });
    await makeEnterprise(t.db, '420202', { name: '排序测试Z外市企业有限公司' });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sorts the enterprise list by a whitelisted column both ways, and refuses an unknown key on `sort`', async () => {
    const list = async (sort: string) =>
      ((await t.http().get('/api/enterprises').query({ q: '排序测试', sort, pageSize: 50 }).set('Authorization', city).expect(200)).body.items as EnterpriseListItem[]);
    const asc = await list('creditCode');
    const desc = await list('-creditCode');
    expect(asc).toHaveLength(7); // the other city's enterprise stays out of scope
    const codes = asc.map((e) => e.creditCode);
    expect(codes).toEqual([...codes].sort());
    expect(desc.map((e) => e.creditCode)).toEqual([...codes].reverse());
    const byName = await list('-name');
    expect(byName.map((e) => e.name)).toEqual(asc.map((e) => e.name).sort((a, b) => (a < b ? 1 : -1)));

    const bad = await t.http().get('/api/enterprises').query({ sort: 'password_hash' }).set('Authorization', city).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    const badAudit = await t.http().get('/api/audit').query({ sort: 'details' }).set('Authorization', admin).expect(400);
    expect(badAudit.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
  });

  it('exports the enterprise list with the same filters, sort and visible columns as the page', async () => {
    const query = { q: '排序测试', aboveSize: 'false', sort: '-name' };
    const shown = ((await t.http().get('/api/enterprises').query({ ...query, pageSize: 50 }).set('Authorization', city).expect(200)).body.items as EnterpriseListItem[]);
    expect(shown.length).toBe(4);

    const bad = await t.http().post('/api/files/exports/enterprises').query(query).send({ columns: ['name', 'secret'] }).set('Authorization', city).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'columns' })]);
    await t.http().post('/api/files/exports/enterprises').query({ sort: 'nope' }).send({}).set('Authorization', city).expect(400);

    const started = await t.http().post('/api/files/exports/enterprises').query(query).send({ columns: ['creditCode', 'name'] }).set('Authorization', city).expect(202);
    expect(started.body).toMatchObject({ kind: 'export-list', params: { list: 'enterprises', columns: ['name', 'creditCode'] } });
    const job = await poll(city, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', percent: 100, result: { list: 'enterprises', rows: 4 } });
    const { sheet, sha256 } = await download(city, job);
    expect(sha256).toBe(job.outputSha256);
    // The page's column order, its header names, its rows in its order.
    expect(values(sheet)).toEqual([['企业名称', '统一社会信用代码'], ...shown.map((e) => [e.name, e.creditCode])]);
  }, 60_000);

  it('sorts violations by a whitelisted column and exports them as the page shows them', async () => {
    const ids = (await t.db.query(`SELECT id, region_path FROM enterprise WHERE name LIKE '排序测试%' AND region_code LIKE '4201%' ORDER BY name`)) as { id: string; region_path: string }[];
    for (const [i, e] of ids.slice(0, 3).entries()) {
      await t.db.query(
        `INSERT INTO violation (enterprise_id, region_path, subject, type, occurred_on, source_document, status, recorded_role, recorded_at, updated_at)
         VALUES ($1, $2, 'enterprise', '违法违规', $3::date, $4, 'open', 'city', now(), now())`,
        [e.id, e.region_path, `2025-0${[2, 1, 3][i]}-15`, `文书${i}`],
      );
    }
    const list = async (sort: string) =>
      ((await t.http().get('/api/violations').query({ sort }).set('Authorization', city).expect(200)).body.items as { occurredOn: string; enterpriseName: string }[]);
    expect((await list('occurredOn')).map((v) => v.occurredOn)).toEqual(['2025-01-15', '2025-02-15', '2025-03-15']);
    const byName = await list('-enterprise');
    expect(byName.map((v) => v.enterpriseName)).toEqual(byName.map((v) => v.enterpriseName).sort().reverse());
    const bad = await t.http().get('/api/violations').query({ sort: 'description; DROP TABLE violation' }).set('Authorization', city).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);

    const started = await t.http().post('/api/files/exports/violations').query({ sort: 'occurredOn' }).send({ columns: ['occurredOn', 'enterprise', 'status'] }).set('Authorization', city).expect(202);
    const job = await poll(city, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', result: { list: 'violations', rows: 3 } });
    const { sheet } = await download(city, job);
    expect(values(sheet)).toEqual([
      ['企业', '发生日期', '状态'],
      ...(await list('occurredOn')).map((v) => [v.enterpriseName, v.occurredOn, '待整改']),
    ]);
  }, 60_000);

  it('sorts the training shortfall list of a year and exports it with the same sort (the list to chase)', async () => {
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    // The product's year (Clock.today(), a China date), not the machine's: in another zone they differ around New Year.
    const lastYear = yearOf(chinaDate(new Date())) - 1;
    for (const name of ['乙学时', '甲学时', '丙学时']) {
      const e = await makeEnterprise(t.db, '420104', { name: `学时排序${name}企业有限公司` });
      await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling('2023-03-01', { name, authorisationCertNo: 'SQ-2023-001', initialTrainingCertNo: 'PX-2023-001', explanation: '补录历史聘任' }))
        .expect(201);
    }
    const list = async (sort: string) =>
      ((await t.http().get('/api/training/shortfall').query({ year: lastYear, sort }).set('Authorization', city).expect(200)).body.items as { personName: string; regionName: string; shortHours: number }[]);
    const asc = await list('person');
    expect(asc.map((i) => i.personName)).toEqual(['丙学时', '乙学时', '甲学时'].sort());
    expect((await list('-person')).map((i) => i.personName)).toEqual(asc.map((i) => i.personName).reverse());
    const bad = await t.http().get('/api/training/shortfall').query({ sort: 'person_id' }).set('Authorization', city).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);

    const started = await t.http().post('/api/files/exports/shortfall').query({ year: lastYear, sort: '-person' }).send({ columns: ['person', 'shortHours'] }).set('Authorization', city).expect(202);
    const job = await poll(city, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', result: { list: 'shortfall', rows: 3 } });
    const { sheet } = await download(city, job);
    expect(values(sheet)).toEqual([['首席质量官', '还差学时'], ...(await list('-person')).map((i) => [i.personName, String(i.shortHours)])]);
  }, 60_000);

  it('sorts the account list by a whitelisted column, and refuses an unknown key on `sort`', async () => {
    const names = async (sort: string) =>
      ((await t.http().get('/api/users').query({ sort, pageSize: 100 }).set('Authorization', admin).expect(200)).body.items as { username: string; role: string }[]);
    const desc = (await names('-username')).map((u) => u.username);
    expect(desc.length).toBeGreaterThan(2);
    expect(desc).toEqual([...desc].sort().reverse());
    const byRole = (await names('role')).map((u) => u.role);
    expect(byRole).toEqual([...byRole].sort());
    const bad = await t.http().get('/api/users').query({ sort: 'password_hash' }).set('Authorization', admin).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
  });

  it('exports the audit log with its filters (issue 20 item 6), actions named as the page names them', async () => {
    const today = chinaDate(new Date());
    const query = { actor: adminName, from: today, to: today, sort: 'at' };
    const page = async () => (await t.http().get('/api/audit').query({ ...query, pageSize: 200 }).set('Authorization', admin).expect(200)).body.items as { action: string }[];
    // Those who may not read the log may not export it either (refused as its page is).
    const refused = (await t.http().get('/api/audit').set('Authorization', city)).status;
    expect(refused).toBeGreaterThanOrEqual(400);
    await t.http().post('/api/files/exports/audit').query(query).send({}).set('Authorization', city).expect(refused);
    const reversed = await t.http().post('/api/files/exports/audit').query({ from: today, to: '2000-01-01' }).send({}).set('Authorization', admin).expect(400);
    expect(reversed.body.details).toEqual([expect.objectContaining({ field: 'to' })]);

    const started = await t.http().post('/api/files/exports/audit').query(query).send({ columns: ['action', 'actor'] }).set('Authorization', admin).expect(202);
    const job = await poll(admin, started.body.id);
    // The log as the page shows it once the job ran (the export's own request is in it).
    const shown = await page();
    expect(shown.map((e) => e.action)).toEqual(['auth.login', 'export.request']);
    expect(job).toMatchObject({ status: 'succeeded', result: { list: 'audit', rows: shown.length } });
    const { sheet } = await download(admin, job);
    const rows = values(sheet);
    expect(rows[0]).toEqual(['操作人', '操作']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(shown.map(() => adminName));
    // Named as the page names them: 登录 rather than auth.login.
    expect(rows.slice(1).map((r) => r[1])).toEqual(['登录', '申请导出']);
  }, 60_000);

  it('sorts 报送情况 by a whitelisted column, refuses an unknown key on `sort`, and exports the list in the page\'s order', async () => {
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const year = currentReportingYear(chinaDate(new Date()));
    const names: string[] = [];
    for (const n of ['乙', '丙', '甲']) {
      const e = await makeEnterprise(t.db, '420105', { name: `报送排序${n}企业有限公司` });
      await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${year}-01-01`, { explanation: '补录历史聘任' })).expect(201);
      names.push(e.name);
      if (n === '丙') {
        // One has filed: the status sort puts it after those not started.
        const filer = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
        await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${year}/submit`).set('Authorization', filer)
          .send({ data: completeReport(), version: 0 }).expect(200);
      }
    }
    const list = async (sort: string) =>
      ((await t.http().get('/api/annual-reports/status').query({ year, regionCode: '420105', sort, pageSize: 50 }).set('Authorization', city).expect(200)).body as FilingStatusResponse).enterprises.items;
    const asc = (await list('enterprise')).map((e) => e.enterpriseName);
    expect(asc).toEqual([...names].sort());
    expect((await list('-enterprise')).map((e) => e.enterpriseName)).toEqual([...asc].reverse());
    const byStatus = await list('-status');
    expect(byStatus.map((e) => e.status)).toEqual(['submitted', 'not-started', 'not-started']);
    expect(byStatus[0].enterpriseName).toBe('报送排序丙企业有限公司');

    const bad = await t.http().get('/api/annual-reports/status').query({ sort: 'e.id; DROP TABLE enterprise' }).set('Authorization', city).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    const badExport = await t.http().post('/api/files/exports/filing-status').query({ sort: 'nope' }).send({}).set('Authorization', city).expect(400);
    expect(badExport.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);

    const started = await t.http().post('/api/files/exports/filing-status').query({ year, regionCode: '420105', sort: '-enterprise' })
      .send({ columns: ['status', 'enterprise'] }).set('Authorization', city).expect(202);
    expect(started.body).toMatchObject({ kind: 'export-list', params: { list: 'filing-status', columns: ['enterprise', 'status'] } });
    const job = await poll(city, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', result: { list: 'filing-status', rows: 3 } });
    const { sheet } = await download(city, job);
    const shown = await list('-enterprise');
    expect(values(sheet)).toEqual([['企业', '状态'], ...shown.map((e) => [e.enterpriseName, e.status === 'submitted' ? '已上报' : '未填报'])]);
  }, 90_000);

  it('sorts the 市州 ranking by a whitelisted column, refuses an unknown key on `sort`, and exports it in that order', async () => {
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    // The figures of the test before this one are drained a moment after its writes: compare the page
    // and the export on figures that no longer move.
    await statsSettled(t.db, worker);
    const ranking = async (sort?: string) =>
      ((await t.http().get('/api/stats/assessment').query(sort ? { sort } : {}).set('Authorization', province).expect(200)).body as AssessmentResponse).items;
    const byRank = await ranking();
    expect(byRank.length).toBeGreaterThan(2);
    expect(byRank.map((i) => i.rank)).toEqual([...byRank.map((i) => i.rank)].sort((a, b) => a - b));
    const byName = (await ranking('-name')).map((i) => i.name);
    const collator = new Intl.Collator('zh-CN');
    expect(byName).toEqual([...byName].sort((a, b) => collator.compare(b, a)));
    const byScore = (await ranking('score')).map((i) => i.score);
    expect(byScore).toEqual([...byScore].sort((a, b) => a - b));
    const bad = await t.http().get('/api/stats/assessment').query({ sort: 'secret' }).set('Authorization', province).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    // The ranking is the province's: a city may neither read nor export it.
    const refused = (await t.http().get('/api/stats/assessment').set('Authorization', city)).status;
    expect(refused).toBeGreaterThanOrEqual(400);
    await t.http().post('/api/files/exports/ranking').send({}).set('Authorization', city).expect(refused);

    const started = await t.http().post('/api/files/exports/ranking').query({ sort: '-name' }).send({ columns: ['name', 'rank', 'score'] }).set('Authorization', province).expect(202);
    const job = await poll(province, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', result: { list: 'ranking', rows: byName.length } });
    const { sheet } = await download(province, job);
    const shown = await ranking('-name');
    expect(values(sheet)).toEqual([['排名', '市州', '得分'], ...shown.map((i) => [String(i.rank), i.name, String(i.score)])]);
  }, 90_000);
});
