import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { createTestApp, testConfig, waitFor, type TestApp } from '../support/test-app';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * A real person's path: the built dashboard served by the api, a demo province seeded by the
 * `cqo` command, Chromium signing in through the page.
 */
describe('sign-in page and province overview in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let databaseUrl: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    databaseUrl = await seededDemoDatabase('browser', 400);
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  async function signInToOverview(username: string): Promise<void> {
    await page.fill('[data-testid=login-username]', username);
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=overview-page]', { timeout: 20_000 });
  }

  async function query(sql: string): Promise<Record<string, number>[]> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql)).rows;
    } finally {
      await db.end();
    }
  }

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor to the Chinese sign-in page', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await expect(page.textContent('body')).resolves.toContain('企业首席质量官制度监管平台');
    // The fields a visitor types into, with their Chinese placeholders (el-input puts the test id on the <input>).
    expect(await page.getAttribute('[data-testid=login-username]', 'placeholder')).toBe('用户名');
    expect(await page.getAttribute('[data-testid=login-password]', 'placeholder')).toBe('密码');
    expect(await page.getAttribute('[data-testid=login-password]', 'type')).toBe('password');
  });

  it('shows the API’s Chinese message for a wrong password', async () => {
    await page.fill('[data-testid=login-username]', 'province');
    await page.fill('[data-testid=login-password]', 'not-the-password');
    await page.click('[data-testid=login-submit]');
    await expect(page.locator('[data-testid=login-error]').textContent({ timeout: 10_000 })).resolves.toContain('用户名或密码错误');
  });

  it('signs the province user in and shows the overview with numbers from Postgres', async () => {
    await signInToOverview('province');
    const rows = await query(`SELECT count(*)::int AS total, (count(*) FILTER (WHERE above_size))::int AS above FROM enterprise`);
    const total = rows[0].total as number;
    const above = rows[0].above as number;
    expect(total).toBe(400);

    const kpiTotal = page.locator('[data-testid=kpi-enterprises]');
    await expect(kpiTotal.textContent({ timeout: 10_000 })).resolves.toBe(String(total));
    const appointedAbove = (await query(
      `SELECT count(DISTINCT e.id)::int AS n FROM enterprise e JOIN appointment a ON a.enterprise_id = e.id WHERE e.above_size AND a.effective_from <= CURRENT_DATE AND (a.ended_on IS NULL OR a.ended_on > CURRENT_DATE) AND (a.term_end IS NULL OR a.term_end >= CURRENT_DATE)`,
    ))[0].n as number;
    await expect(page.locator('[data-testid=kpi-rate-aboveSize]').textContent()).resolves.toBe(`${((appointedAbove / above) * 100).toFixed(1)}%`);
    await expect(page.textContent('body')).resolves.toContain('武汉市');
    await page.screenshot({ path: join(OUT, 'overview.png'), fullPage: true });
  }, 60_000);

  it('switches the dashboard to English and back', async () => {
    const page$ = page.locator('[data-testid=dashboard-page]');
    await expect(page$.textContent()).resolves.toContain('企业总数');
    await page.click('[data-testid=locale-switch]');
    await waitFor(async () => (await page$.textContent())?.includes('Enterprises'), 5_000);
    await page.click('[data-testid=locale-switch]');
    await waitFor(async () => (await page$.textContent())?.includes('企业总数'), 5_000);
  });

  it('logs out, and a city user then sees its own 市州 only', async () => {
    await page.click('[data-testid=logout]');
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    await signInToOverview('city-420100');
    const rows = await query(`SELECT count(*)::int AS n FROM enterprise WHERE region_path LIKE '/420000/420100/%'`);
    await waitFor(async () => (await page.locator('[data-testid=kpi-enterprises]').textContent()) === String(rows[0].n), 10_000);
    const body = (await page.textContent('[data-testid=overview-page]')) ?? '';
    expect(body).toContain('江岸区');
    expect(body).not.toContain('宜昌市');
    await page.screenshot({ path: join(OUT, 'overview-city.png'), fullPage: true });
  });
});

