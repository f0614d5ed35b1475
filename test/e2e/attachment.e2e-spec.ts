import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import ExcelJS from 'exceljs';
import type { AttachmentExportSummary, RegionStats } from '@cqo/contracts';
import { AttachmentExportService, AttachmentModule } from '@cqo/server-attachment';
import { AuditModule } from '@cqo/server-audit';
import { Clock, CoreModule, JobCancelledError, type Actor, type AppConfig, type ProgressSink } from '@cqo/server-common';
import { DatabaseModule } from '@cqo/server-database';
import { EligibilityModule } from '@cqo/server-eligibility';
import { OutboxModule } from '@cqo/server-queue';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const HYPERLINK = '=HYPERLINK("http://x","y")';

/** The attachment service in a Nest context of its own (the api does not serve it: the job runner does). */
@Module({})
class AttachmentTestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AttachmentTestModule, imports: [CoreModule.forRoot(config), DatabaseModule, OutboxModule, AuditModule, EligibilityModule, AttachmentModule] };
  }
}

/**
 * The statutory attachment table (SPEC §7 附件, §9 `export attachment`) on real Postgres. A fixture
 * city (武汉: 江岸区 with two CQOs, one enterprise named like a formula; 江汉区 with one; 宜昌 with one
 * outside the city) is built through the API; the export, through the CLI and the service, is read
 * back with exceljs: layout, cell types, 合计, 汇总 equal to `cqo stats`, formula safety, scope,
 * audit, and no file left behind by a cancelled export.
 */
describe('attachment table export (real Postgres)', () => {
  let t: TestApp;
  let ctx: INestApplicationContext;
  let service: AttachmentExportService;
  let databaseUrl: string;
  let dir: string;
  let province: string;
  const { year: Y } = pinTestToday();
  const P = Y - 1;
  const ids: Record<string, string> = {};

  const cqo = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' } });
    return JSON.parse(stdout);
  };
  const stats = (region: string): Promise<RegionStats> => cqo('stats', '--region', region, '--year', String(Y));
  const actor = (role: Actor['role'], regionCode: string | null, over: Partial<Actor> = {}): Actor => ({
    userId: '',
    username: `${role}-test`,
    role,
    sessionId: 's',
    regionCode,
    regionPath: null,
    enterpriseId: null,
    ip: '127.0.0.1',
    ...over,
  });
  const read = async (file: string) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    return wb;
  };

  async function enterprise(key: string, region: string, name: string, aboveSize: boolean) {
    ids[key] = (await makeEnterprise(t.db, region, { name, aboveSize })).id;
  }
  async function appoint(key: string, name: string) {
    await t.http().post(`/api/enterprises/${ids[key]}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${P}-06-01`, { name, explanation: '补录历史聘任' })).expect(201);
  }
  async function train(key: string, category: string, hours: number) {
    const auth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: ids[key] })).username);
    await t.http().post('/api/training/records').set('Authorization', auth)
      .send({ category, course: '质量管理专题', provider: '湖北省质量协会', startDate: `${Y}-01-01`, endDate: `${Y}-01-04`, hours, certificateNo: null })
      .expect(201);
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    databaseUrl = await privateDatabase('attachment');
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:attachment` });
    t = await createTestApp({ config });
    ctx = await NestFactory.createApplicationContext(AttachmentTestModule.forRoot(config), { logger: ['error'] });
    service = ctx.get(AttachmentExportService);
    dir = await mkdtemp(join(tmpdir(), 'cqo-attachment-'));
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);

    // 江岸区 (420102): H (the formula-like name, 规上) and A (中小) with CQOs, N without; 江汉区 (420103): B (规上, award);
    // 宜昌 西陵区 (420502): C, outside 武汉.
    await enterprise('H', '420102', HYPERLINK, true);
    await enterprise('A', '420102', '江岸精工有限公司', false);
    await enterprise('N', '420102', '江岸未聘有限公司', false);
    await enterprise('B', '420103', '江汉质造有限公司', true);
    await enterprise('C', '420502', '宜昌外地有限公司', true);
    await t.db.query(`INSERT INTO enterprise_award (enterprise_id, award, year) VALUES ($1, '长江质量奖', $2)`, [ids.B, P]);
    await appoint('H', '何公式');
    await appoint('A', '安江岸');
    await appoint('B', '包江汉');
    await appoint('C', '陈宜昌');
    await train('H', '继续教育(第一类)', 16);
    await train('H', '第二类', 32);
    await train('B', '继续教育(第一类)', 8);
    expect(await cqo('aggregate', '--year', String(Y))).toMatchObject({ kind: 'full', years: [Y] });
  }, 180_000);

  afterAll(async () => {
    await ctx?.close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cqo export attachment writes the seed form: merged headers, typed cells, 合计, provenance', async () => {
    const out = join(dir, 'wuhan.xlsx');
    const summary: AttachmentExportSummary = await cqo('export', 'attachment', '--region', '420100', '--year', String(Y), '--out', out);
    const city = await stats('420100');
    expect(summary).toMatchObject({ region: '420100', regionName: '武汉市', year: Y, asOf: city.asOf, rows: 3, summaryRows: 13, snapshotRunId: city.source.runId });
    expect(summary.rows).toBe(city.appointed.total);
    expect(summary.fileName).toBe(`武汉市-${Y}-企业首席质量官基本情况统计表.xlsx`);
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);

    const wb = await read(out);
    expect(wb.creator).toBe('企业首席质量官制度监管平台');
    expect(wb.title).toContain('武汉市');
    expect(wb.keywords).toContain(`snapshotRunId=${city.source.runId}`);
    expect(wb.description).toContain(`统计快照 #${city.source.runId}`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['基本情况', '汇总']);

    const ws = wb.getWorksheet('基本情况')!;
    expect([...ws.model.merges].sort()).toEqual(['A1:X1', 'A2:L2', 'A3:A4', 'B3:H3', 'I3:R3', 'M2:X2', 'S3:U3', 'V3:V4', 'W3:W4', 'X3:X4'].sort());
    expect(ws.getCell('A1').value).toBe('企业首席质量官基本情况统计表');
    expect(ws.getCell('A2').value).toBe('填报单位：武汉市');
    expect(ws.getCell('M2').value).toBe(`统计截止日期：${city.asOf}`);
    expect(['A3', 'B3', 'I3', 'S3', 'V3', 'W3', 'X3'].map((a) => ws.getCell(a).value)).toEqual(['序号', '企业基本情况', '首席质量官基本情况', '培训情况', '任职资格结论', '联系电话', '备注']);
    expect((ws.getRow(4).values as unknown[]).slice(2, 22)).toEqual([
      '企业名称', '统一社会信用代码', '所在县（市、区）', '所属行业', '是否规上', '企业类型', '获奖情况', '首席质量官姓名', '性别', '出生年月',
      '职务', '学历', '职称或职业资格', '从事质量管理工作年限', '聘任日期', '任期届满日期', '聘任授权证书编号', '任职培训学时', '本年度继续教育学时(第一类)', '本年度第二类学时',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    // A3 landscape, one page wide, header rows repeated: 24 columns stay legible (issue 20 item 10).
    expect(ws.pageSetup).toMatchObject({ paperSize: 8, orientation: 'landscape', fitToWidth: 1, printTitlesRow: '3:4' });
    expect(ws.headerFooter.oddFooter).toContain(`统计快照 #${city.source.runId}`);

    // Data rows 5–7: by county (江岸区 before 江汉区), numbers are numbers and dates are dates.
    const rows = [5, 6, 7].map((n) => ws.getRow(n));
    expect(rows.map((r) => r.getCell(4).value)).toEqual(['江岸区', '江岸区', '江汉区']);
    expect(rows.map((r) => r.getCell(1).value)).toEqual([1, 2, 3]);
    const h = rows.find((r) => r.getCell(9).value === '何公式')!;
    const b = rows[2];
    expect(b.getCell(2).value).toBe('江汉质造有限公司');
    expect(b.getCell(8).value).toBe(`长江质量奖（${P}）`);
    // Text wraps in its column rather than being cut at the cell edge when printed (issue 20 item 10).
    expect([b.getCell(5).alignment?.wrapText, b.getCell(8).alignment?.wrapText, b.getCell(12).alignment?.wrapText]).toEqual([true, true, true]);
    expect(b.getCell(6).value).toBe('是');
    expect(b.getCell(11).value).toEqual(new Date(Date.UTC(1980, 4, 1)));
    expect(b.getCell(11).numFmt).toBe('yyyy-mm');
    expect(b.getCell(16).value).toEqual(new Date(Date.UTC(P, 5, 1)));
    expect(b.getCell(16).numFmt).toBe('yyyy-mm-dd');
    expect(b.getCell(15).value).toBe(8);
    expect([h.getCell(19).value, h.getCell(20).value, h.getCell(21).value]).toEqual([24, 16, 32]);
    expect(b.getCell(22).value).toBe('符合');
    expect(b.getCell(23).value).toMatch(/^1[3-9]\d{9}$/); // the statutory export shows the phone whole (SPEC §1)

    // The formula-like name comes back as text, not as a formula.
    const name = h.getCell(2);
    expect(name.value).toBe(HYPERLINK);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.formula).toBeUndefined();
    expect(name.numFmt).toBe('@');

    // 合计: count of enterprises and the hour sums; then the 填表人 line.
    const total = ws.getRow(8);
    expect(total.getCell(1).value).toBe('合计');
    expect([total.getCell(2).value, total.getCell(19).value, total.getCell(20).value, total.getCell(21).value]).toEqual([3, 72, 24, 32]);
    expect((ws.getRow(10).values as unknown[]).filter(Boolean)).toEqual(['填表人：', '联系电话：', '填报日期：']);
  }, 60_000);

  it('汇总 equals cqo stats for the city and its counties', async () => {
    const out = join(dir, 'wuhan-summary.xlsx');
    await cqo('export', 'attachment', '--region', '420100', '--year', String(Y), '--out', out);
    const ws = (await read(out)).getWorksheet('汇总')!;
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(['地区', '企业数', '其中规上', '已聘任企业数', '其中规上', '规上聘任率', '中小企业聘任率', '获奖企业聘任率', '符合任职条件人数', '培训达标人数', '年报报送率', '违规记录数']);
    const byName = new Map<string, ExcelJS.Row>();
    for (let n = 4; n <= ws.rowCount; n++) byName.set(String(ws.getRow(n).getCell(1).value), ws.getRow(n));
    expect(byName.size).toBe(14); // 13 districts + 合计
    const expected = (s: RegionStats) => [s.enterprises.total, s.enterprises.aboveSize, s.appointed.total, s.appointed.aboveSize, s.rates.aboveSize ?? '—', s.rates.sme ?? '—', s.rates.award ?? '—', s.eligible.count, s.training.compliant, s.filings.rate ?? '—', s.violations.total];
    const cells = (r: ExcelJS.Row) => (r.values as unknown[]).slice(2, 13);
    expect(cells(byName.get('合计')!)).toEqual(expected(await stats('420100')));
    expect(cells(byName.get('江岸区')!)).toEqual(expected(await stats('420102')));
    expect(cells(byName.get('江汉区')!)).toEqual(expected(await stats('420103')));
    expect(byName.get('合计')!.getCell(6).numFmt).toBe('0.0%');
    expect(byName.get('江岸区')!.getCell(2).value).toBe(3);
  }, 60_000);

  it('a county exports its own rows with a 汇总 of the total row only', async () => {
    const out = join(dir, 'jiangan.xlsx');
    const u = await makeUser(t.db, 'county', { regionCode: '420102' });
    const summary = await service.export(actor('county', '420102', { userId: u.id, username: u.username }), { region: '420102', year: Y }, out);
    expect(summary).toMatchObject({ region: '420102', rows: 2, summaryRows: 0 });
    const wb = await read(out);
    const sum = wb.getWorksheet('汇总')!;
    expect(sum.getRow(4).getCell(1).value).toBe('合计');
    expect(sum.getRow(5).getCell(1).value).toBeNull();
    const [audit] = await t.db.query(`SELECT actor_id, actor_role, object_type, details FROM audit_log WHERE action = 'export.attachment' AND object_id = '420102'`);
    expect(audit).toMatchObject({ actor_id: u.id, actor_role: 'county', object_type: 'region', details: { year: Y, rows: 2, sha256: summary.sha256, asOf: summary.asOf } });
  }, 60_000);

  it('every export is audited with its row count and hash', async () => {
    const rows = await t.db.query(`SELECT actor_username, object_type, details FROM audit_log WHERE action = 'export.attachment' AND object_id = '420100' ORDER BY id`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows[0]).toMatchObject({ actor_username: 'cli', object_type: 'region', details: { year: Y, rows: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), snapshotRunId: expect.any(Number) } });
  });

  it('scope: a city its own subtree only; enterprise, evaluator and admin get 404', async () => {
    const params = (region: string) => ({ region, year: Y });
    await expect(service.authorize(actor('city', '420100'), params('420102'))).resolves.toBeUndefined();
    await expect(service.authorize(actor('province', '420000'), params('420502'))).resolves.toBeUndefined();
    for (const [who, region] of [
      [actor('city', '420100'), '420500'],
      [actor('city', '420100'), '420000'],
      [actor('county', '420102'), '420103'],
      [actor('enterprise', null, { enterpriseId: ids.H }), '420102'],
      [actor('evaluator', '420000'), '420100'],
      [actor('admin', null), '420100'],
      [actor('province', '420000'), '999999'],
    ] as const) {
      await expect(service.authorize(who, params(region))).rejects.toMatchObject({ status: 404, message: '地区不存在或无权访问' });
    }
    const out = join(dir, 'denied.xlsx');
    await expect(service.export(actor('city', '420100'), params('420500'), out)).rejects.toMatchObject({ status: 404 });
    expect(existsSync(out)).toBe(false);
    await expect(service.export(actor('province', '420000'), { region: '4201', year: 1999 }, out)).rejects.toMatchObject({ status: 400 });
    // The CLI: bad arguments exit 2 with a message.
    await expect(cqo('export', 'attachment', '--region', '42', '--out', out)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--region') });
  }, 60_000);

  it('two exports of the same region, year and as-of made a week and a few seconds apart are the same bytes (issue 21, issue 17)', async () => {
    const p = actor('province', '420000');
    const params = { region: '420100', year: Y, asOf: `${Y}-01-01` };
    const first = await service.export(p, params, join(dir, 'same-1.xlsx'));
    // Later by the app's clock (a week) and by the wall clock (more than the zip's 2-second resolution).
    const clock = ctx.get(Clock);
    const later = new Date(clock.now().getTime() + 7 * 24 * 3600_000);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(later);
    await new Promise((r) => setTimeout(r, 2_100));
    try {
      const second = await service.export(p, params, join(dir, 'same-2.xlsx'));
      expect(second.sha256).toBe(first.sha256);
      expect((await readFile(join(dir, 'same-2.xlsx'))).equals(await readFile(join(dir, 'same-1.xlsx')))).toBe(true);
    } finally {
      spy.mockRestore();
    }
    // What the file says it was made from: the figures' date, never the moment of the export.
    const wb = await read(join(dir, 'same-1.xlsx'));
    const figuresAt = first.snapshotBuiltAt ? new Date(first.snapshotBuiltAt) : new Date(`${first.asOf}T00:00:00Z`);
    expect([wb.created, wb.modified]).toEqual([figuresAt, figuresAt]);
    const footer = wb.getWorksheet('基本情况')!.headerFooter.oddFooter ?? '';
    expect(footer).toContain(`统计截止日期 ${first.asOf}`);
    expect(footer).not.toContain('导出');
  }, 60_000);

  it('a cancelled export leaves no file and no audit row', async () => {
    const before = Number((await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export.attachment'`))[0].n);
    const cancelAt = (when: (done: number) => boolean): ProgressSink => ({
      report: async (done) => {
        if (when(done)) throw new JobCancelledError();
      },
    });
    const p = actor('province', '420000');
    // Cancelled after every row was written (the last report), and before the first one.
    for (const [name, sink] of [['late.xlsx', cancelAt((d) => d > 0)], ['early.xlsx', cancelAt(() => true)]] as const) {
      const out = join(dir, name);
      await expect(service.export(p, { region: '420000', year: Y }, out, sink)).rejects.toBeInstanceOf(JobCancelledError);
      expect(existsSync(out)).toBe(false);
    }
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export.attachment'`))[0].n)).toBe(before);
  }, 60_000);
});
