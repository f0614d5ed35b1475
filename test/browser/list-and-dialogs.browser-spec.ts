import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chinaDate } from '@cqo/policy';
import { launchChromium } from '../support/browser';
import { bearer, makeEnterprise, makeUser, PASSWORD, uniq } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * The shared list and dialog logic of the dashboard (issue 19 item 7: useListQuery, useFormDialog),
 * on the 违规记录 page (SPEC §5): the filters come from and go to the URL, and the status dialog
 * validates, sends once, closes, reloads the list, and opens empty the next time.
 */
describe('violations list and status dialog in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let cityUser: string;
  const tag = uniq();
  const fraudDoc = `武市监〔失信〕${tag}号`;
  const lawDoc = `武市监〔违法〕${tag}号`;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    cityUser = (await makeUser(t.db, 'city', { regionCode: '420100' })).username;
    const auth = await bearer(t.http, cityUser);
    const today = chinaDate(new Date());
    for (const [type, sourceDocument] of [['失信', fraudDoc], ['违法违规', lawDoc]]) {
      const e = await makeEnterprise(t.db, '420102');
      const res = await t.http().post('/api/violations').set('Authorization', auth).send({ enterpriseId: e.id, subject: 'enterprise', type, occurredOn: today, sourceDocument });
      if (res.status !== 201) throw new Error(`violation failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rows = () => page.locator('[data-testid=violation-table] .el-table__body tr');

  it('a filter in the URL is applied on arrival, and a filter chosen on the page is written to the URL', async () => {
    await page.goto(`${base}/login?redirect=${encodeURIComponent('/violations?type=失信')}`);
    await page.fill('[data-testid=login-username]', cityUser);
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=violations-page]', { timeout: 20_000 });
    await page.waitForFunction((doc) => document.querySelector('[data-testid=violation-table]')?.textContent?.includes(doc), fraudDoc, { timeout: 10_000 });
    const text = await page.textContent('[data-testid=violation-table]');
    expect([text?.includes(fraudDoc), text?.includes(lawDoc)]).toEqual([true, false]);

    await page.locator('[data-testid=violation-type-filter]').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^违法违规$/ }).click();
    await page.waitForFunction((doc) => document.querySelector('[data-testid=violation-table]')?.textContent?.includes(doc), lawDoc, { timeout: 10_000 });
    expect(decodeURIComponent(new URL(page.url()).search)).toBe('?type=违法违规');
    expect(await page.textContent('[data-testid=violation-table]')).not.toContain(fraudDoc);
  }, 60_000);

  it('the status dialog refuses an empty note, saves once, closes and the list shows the new status', async () => {
    const row = rows().filter({ hasText: lawDoc });
    await row.locator('[data-testid=violation-change-status]').click();
    const dialog = page.locator('[data-testid=violation-status-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await page.click('[data-testid=violation-status-submit]');
    await dialog.getByText('请填写处理说明').waitFor({ state: 'visible', timeout: 5_000 });
    const [before] = await t.db.query(`SELECT status FROM violation WHERE source_document = $1`, [lawDoc]);
    expect(before.status).toBe('open');

    await page.fill('[data-testid=violation-status-note]', '已完成整改，复查合格');
    await page.click('[data-testid=violation-status-submit]');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForFunction((doc) => {
      const tr = [...document.querySelectorAll('[data-testid=violation-table] .el-table__body tr')].find((r) => r.textContent?.includes(doc));
      return tr?.textContent?.includes('已整改');
    }, lawDoc, { timeout: 10_000 });
    const [saved] = await t.db.query(`SELECT status, status_note FROM violation WHERE source_document = $1`, [lawDoc]);
    expect(saved).toMatchObject({ status: 'rectified', status_note: '已完成整改，复查合格' });

    // Opened again, the dialog starts empty (the note of the last save is not kept).
    await row.locator('[data-testid=violation-change-status]').click();
    await dialog.waitFor({ state: 'visible' });
    await expect(page.inputValue('[data-testid=violation-status-note]')).resolves.toBe('');
    await page.screenshot({ path: join(OUT, 'violation-status-dialog.png') });
  }, 60_000);

  it('the dashboard of a region outside the officer\'s scope says so (a 404 is not shown as a load failure)', async () => {
    // 420500 (宜昌) is outside the 武汉 officer's 420100 (ASVS V4.2.1: the API answers 404).
    await page.goto(`${base}/overview?region=420500`);
    await page.getByText('所选地区不在您的管辖范围内').waitFor({ state: 'visible', timeout: 15_000 });
    await page.goto(`${base}/overview`);
    await page.waitForFunction(() => !document.body.textContent?.includes('所选地区不在您的管辖范围内'), undefined, { timeout: 15_000 });
  }, 60_000);

  it('a record page keeps its year in the URL: 城市年度报告 of the year named, and the reporting year leaves the URL', async () => {
    // The reporting year: this year from 1 November on, the previous one before.
    const [y, m] = chinaDate(new Date()).split('-').map(Number);
    const reportingYear = m >= 11 ? y : y - 1;
    const title = page.locator('[data-testid=city-report-title]');
    await page.goto(`${base}/city-report?year=${reportingYear - 1}`);
    await title.filter({ hasText: `${reportingYear - 1}年度` }).waitFor({ timeout: 20_000 });

    await page.locator('[data-testid=city-report-year]').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: new RegExp(`^${reportingYear}年度$`) }).click();
    await title.filter({ hasText: `${reportingYear}年度` }).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).search).toBe('');
  }, 60_000);
});

