import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DashboardResponse } from '@cqo/contracts';
import { formatRate } from '@cqo/policy';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { bearer } from '../support/fixtures';
import { createTestApp, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');
const CHARTS = ['chart-targets', 'chart-ranking', 'chart-trend', 'chart-eligibility', 'chart-training', 'chart-filings', 'chart-violations'];

/**
 * The province dashboard in Chromium on a seeded demo province: every chart draws on its canvas,
 * the KPI cards show the API's numbers, and a click on a 市州 drills down to it.
 */
describe('province dashboard in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const env = testEnv();
    // The seed builds the snapshots (the same code as the nightly rebuild).
    const databaseUrl = await seededDemoDatabase('dashboard', 600);
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:dashboard` }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Whether a chart's canvas has anything drawn on it (not every pixel blank). */
  const drawn = (testId: string) =>
    page.evaluate((id) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=${id}] canvas`);
      if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!data) return false;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    }, testId);

  it('draws every chart and shows the API numbers in the KPI cards', async () => {
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', 'province');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=dashboard-page]', { timeout: 20_000 });

    const token = await bearer(t.http, 'province', DEMO_PASSWORD);
    const api: DashboardResponse = (await t.http().get('/api/stats/dashboard').set('Authorization', token).expect(200)).body;
    expect(api.self.enterprises.total).toBe(600);

    const text = (id: string) => page.locator(`[data-testid=${id}]`).first().textContent({ timeout: 15_000 });
    await waitFor(async () => (await text('kpi-enterprises')) === String(api.self.enterprises.total), 15_000);
    expect(await text('kpi-appointed')).toBe(String(api.self.appointed.total));
    expect(await text('kpi-rate-aboveSize')).toBe(formatRate(api.self.rates.aboveSize));
    expect(await text('kpi-rate-sme')).toBe(formatRate(api.self.rates.sme));
    expect(await text('kpi-rate-award')).toBe(formatRate(api.self.rates.award));
    expect(await text('kpi-eligible-rate')).toBe(formatRate(api.self.eligible.rate));
    expect(await text('kpi-training-rate')).toBe(formatRate(api.self.training.rate));
    expect(await text('kpi-filing-rate')).toBe(formatRate(api.self.filings.rate));
    expect(await text('kpi-violations-open')).toBe(String(api.self.violations.open));
    expect(await text('updated-at')).toContain('数据更新于');

    for (const chart of CHARTS) {
      await page.locator(`[data-testid=${chart}] canvas`).first().waitFor({ timeout: 15_000 });
      await waitFor(() => drawn(chart), 10_000).catch(() => {
        throw new Error(`${chart} has an empty canvas`);
      });
    }
    // The ranking table lists all 17 市州 with a score.
    await expect(page.locator('[data-testid=ranking-table] tbody tr').count()).resolves.toBe(api.assessment?.items.length);
    await page.screenshot({ path: join(OUT, 'dashboard-province.png'), fullPage: true });
  }, 90_000);

  it('drills down from the province to a 市州 and keeps the year in the address', async () => {
    await page.locator('[data-testid=children-table] tbody tr', { hasText: '武汉市' }).first().click();
    await page.waitForURL(/region=420100/, { timeout: 10_000 });
    const token = await bearer(t.http, 'province', DEMO_PASSWORD);
    const city: DashboardResponse = (await t.http().get('/api/stats/dashboard?region=420100').set('Authorization', token).expect(200)).body;
    await waitFor(async () => (await page.locator('[data-testid=kpi-enterprises]').first().textContent()) === String(city.self.enterprises.total), 15_000);
    await expect(page.locator('[data-testid=dashboard-page]').textContent()).resolves.toContain('江岸区');
    await page.screenshot({ path: join(OUT, 'dashboard-city.png'), fullPage: true });
  }, 60_000);

  it('shows no "尚未汇总" under the spinner while the dashboard loads (issue 20 item 11)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/stats/dashboard**', async (route) => {
      await held;
      // The page may have moved on (and dropped the request) by the time it is released.
      await route.continue().catch(() => undefined);
    });
    try {
      await page.goto(`${base}/`);
      await page.locator('[data-testid=dashboard-page] .el-loading-mask').first().waitFor({ state: 'attached', timeout: 15_000 });
      await expect(page.locator('[data-testid=dashboard-page]').textContent()).resolves.not.toContain('尚未汇总');
      await expect(page.locator('[data-testid=updated-at]').count()).resolves.toBe(0);
    } finally {
      release();
      await page.unroute('**/api/stats/dashboard**');
    }
    await waitFor(async () => ((await page.locator('[data-testid=updated-at]').first().textContent()) ?? '').includes('数据更新于'), 15_000);
  }, 60_000);
});
