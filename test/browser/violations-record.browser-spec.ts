import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { makeEnterprise, makeUser, PASSWORD, uniq } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * Issue 20 item 8: an officer records a violation from the violations page (登记违规), picking the
 * enterprise in the same dialog the enterprise page opens (SPEC §5 violation records).
 */
describe('登记违规 from the violations page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let cityUser: string;
  let enterprise: { id: string; name: string };
  const doc = `鄂市监罚〔2026〕${uniq()}号`;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ config: testConfig(), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    cityUser = (await makeUser(t.db, 'city', { regionCode: '420100' })).username;
    enterprise = await makeEnterprise(t.db, '420102', { name: `违规登记测试企业${uniq()}` });
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks for the enterprise, records the violation against the picked one and lists it', async () => {
    await page.goto(`${base}/login?redirect=${encodeURIComponent('/violations')}`);
    await page.fill('[data-testid=login-username]', cityUser);
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=violations-page]', { timeout: 20_000 });

    await page.click('[data-testid=violations-record]');
    const dialog = page.locator('.el-dialog[data-testid=record-violation-dialog]');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await expect(dialog.locator('.el-dialog__title').textContent()).resolves.toBe('登记违规记录');

    await dialog.locator('[data-testid=violation-type]').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^违法违规$/ }).click();
    await page.fill('[data-testid=violation-source]', doc);
    // Without an enterprise nothing is sent.
    await page.click('[data-testid=violation-submit]');
    await dialog.getByText('请选择企业').waitFor({ state: 'visible', timeout: 5_000 });
    expect(await t.db.query(`SELECT id FROM violation WHERE source_document = $1`, [doc])).toHaveLength(0);

    const picker = dialog.locator('[data-testid=violation-enterprise]');
    await picker.click();
    await picker.locator('input').fill(enterprise.name.slice(0, 8));
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: enterprise.name }).click();
    await page.screenshot({ path: join(OUT, 'violations-record-dialog.png') });
    await page.click('[data-testid=violation-submit]');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

    await page.waitForFunction((d) => document.querySelector('[data-testid=violation-table]')?.textContent?.includes(d), doc, { timeout: 10_000 });
    const row = page.locator('[data-testid=violation-table] .el-table__body tr', { hasText: doc });
    await expect(row.textContent()).resolves.toContain(enterprise.name);
    const stored = await t.db.query(`SELECT enterprise_id, type, subject FROM violation WHERE source_document = $1`, [doc]);
    expect(stored).toEqual([{ enterprise_id: enterprise.id, type: '违法违规', subject: 'enterprise' }]);
  }, 90_000);

  it('the enterprise page has a 年度报告 tab: the reports by year with their status, linked to 年报审核', async () => {
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() - 1;
    const [{ region_path }] = await t.db.query(`SELECT region_path FROM enterprise WHERE id = $1`, [enterprise.id]);
    await t.db.query(
      `INSERT INTO annual_report (enterprise_id, region_path, year, status, data, submitted_at, late) VALUES ($1, $2, $3, 'submitted', '{}', now(), false)`,
      [enterprise.id, region_path, year],
    );
    await page.goto(`${base}/enterprises/${enterprise.id}`);
    await page.waitForSelector('[data-testid=enterprise-tabs]', { timeout: 20_000 });
    await page.locator('[data-testid=enterprise-tabs] .el-tabs__item', { hasText: '年度报告' }).click();
    const panel = page.locator('[data-testid=enterprise-annual-reports]');
    await panel.locator(`[data-testid=annual-report-status-${year}]`).waitFor({ timeout: 15_000 });
    await expect(panel.locator(`[data-testid=annual-report-status-${year}]`).textContent()).resolves.toContain('已上报');
    await expect(panel.locator(`[data-testid=annual-report-status-${year - 1}]`).textContent()).resolves.toContain('未填报');
    await page.screenshot({ path: join(OUT, 'enterprise-annual-reports.png') });
    await panel.locator(`[data-testid=annual-report-link-${year}]`).click();
    await page.waitForURL(/\/annual-reports\/review\?/, { timeout: 10_000 });
    const url = new URL(page.url());
    expect([url.searchParams.get('year'), url.searchParams.get('status')]).toEqual([String(year), 'submitted']);
  }, 60_000);
});
