import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { chinaDate, currentReportingYear } from '@cqo/policy';
import { bearer, completeReport, hubeiEligibleFiling, makeEnterprise, makeUser, PASSWORD } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');
const ENTERPRISES = 27;

/**
 * Issue 20 items 2, 3 and 6 in Chromium: at 1280 px every column of the enterprise list is reached
 * by scrolling the table (not the page) with the name pinned; a list sorts on the server by a
 * clicked column and exports exactly the rows, order and visible columns it shows; the audit log
 * exports with its filters.
 */
describe('list tools in Chromium', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let page: Page;
  let base: string;
  let filesDir: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    const env = testEnv();
    const databaseUrl = await privateDatabase('listtoolsweb');
    filesDir = mkdtempSync(join(tmpdir(), 'cqo-list-tools-browser-'));
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:listtoolsweb`, CQO_FILES_DIR: filesDir, CQO_FILE_JOB_STEP_DELAY_MS: '0' });
    t = await createTestApp({ config, serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    worker = await startTestWorker(config);
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    for (let i = 0; i < ENTERPRISES; i++) await makeEnterprise(t.db, i % 2 ? '420102' : '420106', { name: `列表工具测试企业${String(i).padStart(2, '0')}有限公司`, aboveSize: i % 3 !== 0 });
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  async function signIn(role: 'city' | 'admin' | 'county' | 'province', width: number): Promise<string> {
    await page?.context().close();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width, height: 900 }, acceptDownloads: true });
    const user = await makeUser(t.db, role, role === 'city' ? { regionCode: '420100' } : role === 'county' ? { regionCode: '420102' } : role === 'province' ? { regionCode: '420000' } : {});
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', user.username);
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
    return user.username;
  }

  const table = '[data-testid=enterprise-table]';
  const headers = () => page.locator(`${table} .el-table__header-wrapper th .cell`).allTextContents();
  /** The body rows as [name, credit code] (the column positions come from the header). */
  async function shownRows(): Promise<string[][]> {
    const names = (await headers()).map((h) => h.trim());
    const cells = await page.locator(`${table} .el-table__body-wrapper tbody tr`).evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
    );
    return cells.map((row) => [row[names.indexOf('企业名称')], row[names.indexOf('统一社会信用代码')]]);
  }

  async function download(click: string): Promise<ExcelJS.Worksheet> {
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(click)]);
    const path = join(filesDir, `download-${Date.now()}.xlsx`);
    await file.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb.worksheets[0];
  }
  const sheetRows = (sheet: ExcelJS.Worksheet): string[][] =>
    sheet.getSheetValues().slice(1).map((row) => ((row ?? []) as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));

  /**
   * For each column between the pinned ones: scroll the table so it sits just right of the pinned
   * left column, then see whether it shows whole between the pinned columns (not under them).
   */
  function reachability(selector: string) {
    return page.evaluate((sel) => {
      const root = document.querySelector(sel)!;
      const wrap = root.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') as HTMLElement;
      const box = root.getBoundingClientRect();
      const cells = [...root.querySelectorAll('.el-table__body-wrapper tbody tr:first-child td')] as HTMLElement[];
      const headerCells = [...root.querySelectorAll('.el-table__header-wrapper th')] as HTMLElement[];
      const isRight = (el: Element) => el.className.includes('fixed-column--right');
      const name = cells[0];
      const right = cells.find(isRight) ?? null;
      const seen: { header: string; visible: boolean; nameLeft: number }[] = [];
      for (let i = 1; i < cells.length; i++) {
        if (isRight(cells[i])) continue;
        wrap.scrollLeft = Math.max(0, cells[i].offsetLeft - name.offsetWidth);
        wrap.dispatchEvent(new Event('scroll'));
        const r = cells[i].getBoundingClientRect();
        const n = name.getBoundingClientRect();
        const limit = right ? right.getBoundingClientRect().left : box.right;
        seen.push({
          header: (headerCells[i].textContent ?? '').trim(),
          visible: r.width > 0 && r.left >= n.right - 1 && r.right <= limit + 1,
          nameLeft: Math.round(n.left - box.left),
        });
      }
      return {
        seen,
        pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        tableScrolls: wrap.scrollWidth > wrap.clientWidth,
        pinnedLeft: (headerCells[0].textContent ?? '').trim(),
        pinnedRight: right ? (headerCells[cells.indexOf(right)].textContent ?? '').trim() : null,
      };
    }, selector);
  }

  it('at 1280 px every enterprise-list column is reached by scrolling the table, not the page, with the name pinned', async () => {
    await signIn('city', 1280);
    await page.goto(`${base}/enterprises`);
    await page.waitForSelector(`${table} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const layout = await reachability(table);
    expect(layout.pageScrolls).toBe(false);
    expect(layout.tableScrolls).toBe(true);
    expect(layout.pinnedLeft).toBe('企业名称');
    expect(layout.seen.map((s) => s.header)).toEqual(['所在地区', '规上', '首席质量官', '联系电话', '任期届满', '任职资格', '提示', '获奖', '统一社会信用代码', '企业规模', '企业类型', '行业门类']);
    expect(layout.seen.filter((s) => !s.visible)).toEqual([]);
    // Pinned: the name stays at the table's left edge however far the table is scrolled.
    expect(new Set(layout.seen.map((s) => s.nameLeft))).toEqual(new Set([0]));
    await page.screenshot({ path: join(OUT, 'enterprise-list-1280-scrolled.png') });
  }, 90_000);

  it('at 1280 px the violations list scrolls inside the table: 状态 is reached, never under the pinned 操作', async () => {
    const enterprises = (await t.db.query(`SELECT id, region_path FROM enterprise WHERE name LIKE '列表工具测试%' ORDER BY name LIMIT 3`)) as { id: string; region_path: string }[];
    for (const e of enterprises) {
      await t.db.query(
        `INSERT INTO violation (enterprise_id, region_path, subject, type, occurred_on, source_document, description, status, recorded_role, recorded_at, updated_at)
         VALUES ($1, $2, 'enterprise', '违法违规', '2025-05-01', '鄂质监罚〔2025〕12号行政处罚决定书', '未按规定履行质量安全管理职责，情节较重', 'open', 'city', now(), now())`,
        [e.id, e.region_path],
      );
    }
    await signIn('city', 1280);
    await page.goto(`${base}/violations`);
    const violations = '[data-testid=violation-table]';
    await page.waitForSelector(`${violations} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const layout = await reachability(violations);
    expect(layout.pageScrolls).toBe(false);
    expect(layout.pinnedLeft).toBe('企业');
    expect(layout.pinnedRight).toBe('操作');
    expect(layout.seen.map((s) => s.header)).toContain('状态');
    expect(layout.seen.filter((s) => !s.visible)).toEqual([]);
    await page.screenshot({ path: join(OUT, 'violations-1280.png') });
  }, 90_000);

  it('sorts by a clicked column on the server and exports the rows, order and columns the page shows', async () => {
    await signIn('city', 1440);
    await page.goto(`${base}/enterprises?q=${encodeURIComponent('列表工具测试')}`);
    await page.waitForSelector(`${table} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const header = page.locator(`${table} .el-table__header-wrapper th`, { hasText: '统一社会信用代码' });
    await header.click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'creditCode');
    await header.click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-creditCode');
    await waitFor(async () => {
      const codes = (await shownRows()).map((r) => r[1]);
      return codes.length === 20 && codes.join() === [...codes].sort().reverse().join() ? true : null;
    }, 10_000, 100);
    const shown = await shownRows();
    // Every code on the page is above every code on the next page: the server sorted all 27.
    const all = (await t.db.query(`SELECT credit_code FROM enterprise WHERE name LIKE '列表工具测试%' ORDER BY credit_code DESC`)).map((r: { credit_code: string }) => r.credit_code);
    expect(shown.map((r) => r[1])).toEqual(all.slice(0, 20));

    // Hide 联系电话; the choice survives a reload.
    await page.click('[data-testid=list-columns]');
    await page.click('[data-testid=list-columns-panel] [data-column=cqoPhone]');
    await page.keyboard.press('Escape');
    await page.reload();
    await page.waitForSelector(`${table} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const visible = (await headers()).map((h) => h.trim()).filter(Boolean);
    expect(visible).not.toContain('联系电话');
    expect(visible).toHaveLength(12);

    const sheet = await download('[data-testid=list-export]');
    const rows = sheetRows(sheet);
    expect(rows[0]).toEqual(visible);
    expect(rows).toHaveLength(1 + ENTERPRISES);
    const name = rows[0].indexOf('企业名称');
    const code = rows[0].indexOf('统一社会信用代码');
    expect(rows.slice(1, 21).map((r) => [r[name], r[code]])).toEqual(shown);
    expect(rows.slice(1).map((r) => r[code])).toEqual(all);
    await page.screenshot({ path: join(OUT, 'enterprise-list-sorted.png'), fullPage: true });
  }, 120_000);

  it('exports the audit log with the filters it shows (issue 20 item 6)', async () => {
    const admin = await signIn('admin', 1440);
    await page.goto(`${base}/audit?actor=${encodeURIComponent(admin)}`);
    await page.waitForSelector('[data-testid=audit-table] .el-table__body-wrapper tbody tr', { timeout: 20_000 });
    const actions = (await page.locator('[data-testid=audit-table] [data-testid=audit-action]').allTextContents()).map((s) => s.trim());
    expect(actions).toEqual(['登录']);
    const sheet = await download('[data-testid=list-export]');
    const rows = sheetRows(sheet);
    expect(rows[0]).toEqual(['时间', '操作人', 'IP 地址', '操作', '对象', '结果']);
    // The log as it was when the export was asked for: the sign-in, and the export's own request.
    expect(rows.slice(1).map((r) => [r[1], r[3]])).toEqual([
      [admin, '申请导出'],
      [admin, '登录'],
    ]);
  }, 90_000);

  it('报送情况 sorts its enterprise list on the server by a clicked column and exports the rows in that order (issue 20 item 3)', async () => {
    const year = currentReportingYear(chinaDate(new Date()));
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    for (const n of ['乙', '丁', '甲', '丙']) {
      const e = await makeEnterprise(t.db, '420104', { name: `报送工具${n}企业有限公司` });
      await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${year}-01-01`, { explanation: '补录历史聘任' })).expect(201);
      if (n === '甲') {
        const filer = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
        await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${year}/submit`).set('Authorization', filer).send({ data: completeReport(), version: 0 }).expect(200);
      }
    }
    await signIn('city', 1440);
    await page.goto(`${base}/annual-reports/status?region=420104`);
    const list = '[data-testid=status-enterprises]';
    await page.waitForSelector(`${list} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const names = async () => (await page.locator(`${list} [data-testid^="status-enterprise-报送工具"]`).allTextContents()).map((s) => s.trim());
    const header = page.locator(`${list} .el-table__header-wrapper th`, { hasText: '企业' }).first();
    await header.click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'enterprise');
    await header.click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-enterprise');
    const expected = ['报送工具丁企业有限公司', '报送工具丙企业有限公司', '报送工具乙企业有限公司', '报送工具甲企业有限公司'].sort().reverse();
    await waitFor(async () => ((await names()).join() === expected.join() ? true : null), 10_000, 100);
    // Page sizes are offered.
    await page.locator('.cqo-pagination .el-pagination__sizes').waitFor({ timeout: 5_000 });

    const sheet = await download('[data-testid=list-export]');
    const rows = sheetRows(sheet);
    expect(rows[0]).toEqual(['企业', '统一社会信用代码', '地区', '应报', '状态', '上报时间', '最近催报']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected);
    expect(rows.slice(1).map((r) => r[4])).toEqual(expected.map((n) => (n.includes('甲') ? '已上报' : '未填报')));
    await page.screenshot({ path: join(OUT, 'filing-status-sorted.png'), fullPage: true });
  }, 120_000);

  it('the 市州 ranking sorts on the server by a clicked column and exports its rows in that order with the columns shown (issue 20 item 3)', async () => {
    await signIn('province', 1440);
    await page.goto(`${base}/overview`);
    const ranking = '[data-testid=ranking-table]';
    await page.waitForSelector(`${ranking} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const rankingHeaders = async () => (await page.locator(`${ranking} .el-table__header-wrapper th .cell`).allTextContents()).map((h) => h.trim()).filter(Boolean);
    const shownNames = async () => {
      const i = (await rankingHeaders()).indexOf('市州');
      return page.locator(`${ranking} .el-table__body-wrapper tbody tr`).evaluateAll((trs, col) => trs.map((tr) => (tr.querySelectorAll('td')[col]?.textContent ?? '').trim()), i);
    };
    const byRank = await shownNames();
    expect(byRank.length).toBeGreaterThan(10);

    // 市州, twice: descending by name, as the server orders Chinese names.
    const sorted = page.waitForResponse((r) => r.url().includes('/api/stats/assessment') && r.url().includes('sort=-name'));
    const header = page.locator(`${ranking} .el-table__header-wrapper th`, { hasText: '市州' });
    await header.click();
    await header.click();
    expect((await sorted).status()).toBe(200);
    const expected = [...byRank].sort(new Intl.Collator('zh-CN').compare).reverse();
    expect(expected).not.toEqual(byRank);
    await waitFor(async () => ((await shownNames()).join() === expected.join() ? true : null), 10_000, 100);

    // Hide 扣分: the export writes the columns the table shows.
    await page.click('[data-testid=list-columns]');
    await page.click('[data-testid=list-columns-panel] [data-column=penalty]');
    await page.keyboard.press('Escape');
    const visible = await rankingHeaders();
    expect(visible).not.toContain('扣分');
    expect(visible).toEqual(['排名', '市州', '得分', '规上聘任', '中小聘任', '获奖聘任', '按时报送', '培训达标']);

    const sheet = await download('[data-testid=list-export]');
    const rows = sheetRows(sheet);
    expect(rows[0]).toEqual(visible);
    expect(rows.slice(1).map((r) => r[1])).toEqual(expected);
    // Each row keeps the city's place in the ranking (not its row number), as the table shows it.
    const shownRanks = await page.locator(`${ranking} .el-table__body-wrapper tbody tr`).evaluateAll((trs) => trs.map((tr) => (tr.querySelector('td')?.textContent ?? '').trim()));
    expect(rows.slice(1).map((r) => r[0])).toEqual(shownRanks);
    await page.screenshot({ path: join(OUT, 'ranking-sorted.png'), fullPage: true });
  }, 120_000);

  it('a county officer\'s 企业 menu item lands on the county\'s own enterprises (issue 20 item 8)', async () => {
    await signIn('county', 1440);
    const item = page.locator('[data-testid=menu-enterprises]');
    if (!(await item.isVisible())) await page.locator('[data-testid=menu-group-enterprises]').click();
    await item.click();
    await page.waitForURL((url) => url.pathname === '/enterprises', { timeout: 10_000 });
    await page.waitForSelector(`${table} .el-table__body-wrapper tbody tr`, { timeout: 20_000 });
    const [{ n, name }] = await t.db.query(`SELECT count(*)::int AS n, (SELECT name FROM region WHERE code = '420102') AS name FROM enterprise WHERE region_code = '420102'`);
    await page.locator('.cqo-pagination .el-pagination__total').filter({ hasText: String(n) }).waitFor({ timeout: 10_000 });
    const names = (await headers()).map((h) => h.trim());
    const regions = await page.locator(`${table} .el-table__body-wrapper tbody tr`).evaluateAll(
      (trs, i) => trs.map((tr) => (tr.querySelectorAll('td')[i]?.textContent ?? '').trim()),
      names.indexOf('所在地区'),
    );
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set([name]));
    // The region filter starts from the county itself, not the city above it.
    expect(new URL(page.url()).searchParams.get('region')).toBeNull();
    await page.screenshot({ path: join(OUT, 'enterprise-list-county.png') });
  }, 90_000);
});
