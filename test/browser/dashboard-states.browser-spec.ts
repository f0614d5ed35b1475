import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');

/**
 * Issue 20 item 9 in Chromium on the demo province: targets say 逾期未达标 / days left, a county's
 * dashboard draws no one-bar chart, and the city report's figures table keeps its 违规 columns
 * reachable on a wide screen and a phone.
 */
describe('dashboard states and the city report table in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let county: string;
  let reportYear: number;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const env = testEnv();
    const databaseUrl = await seededDemoDatabase('dashstates', 300);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // A county with enterprises of both size classes (its charts have something to draw).
    county = (
      await db.query(
        `SELECT u.username FROM app_user u WHERE u.role = 'county'
          ORDER BY (SELECT count(*) FROM enterprise e WHERE e.region_code = u.region_code) DESC, u.username LIMIT 1`,
      )
    ).rows[0].username;
    reportYear = Number((await db.query(`SELECT max(year) AS y FROM city_report WHERE region_code = '420100' AND snapshot IS NOT NULL`)).rows[0].y);
    await db.end();
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:dashstates` }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(username: string, width = 1440): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: width < 768 ? 844 : 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', username);
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
    return { context, page };
  }

  it('tags the targets: 逾期未达标 in red for a missed deadline, the days left for a running one', async () => {
    const { context, page } = await signIn('province');
    try {
      await page.waitForSelector('[data-testid=target-states]', { timeout: 20_000 });
      const tag = (category: string) => page.locator(`[data-testid=target-tag-${category}]`);
      // 规上 100% by the end of 2025 is not reached in the demo.
      await expect(tag('aboveSize').textContent()).resolves.toBe('逾期未达标');
      await expect(tag('aboveSize').getAttribute('class')).resolves.toContain('el-tag--danger');
      // 中小 70% by the end of next year: still running.
      await expect(tag('sme').textContent()).resolves.toMatch(/^剩余 \d+ 天$/);
      await expect(tag('sme').getAttribute('class')).resolves.not.toContain('el-tag--danger');
      await expect(page.locator('[data-testid=target-state-sme]').textContent()).resolves.toContain('前达到 70.0%');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('at county level draws no one-bar chart: donuts of the county and a by-size-class chart', async () => {
    const { context, page } = await signIn(county);
    try {
      await page.waitForSelector('[data-testid=chart-size-class] canvas', { timeout: 20_000 });
      const charts = await page.$$eval('[data-chart-kind]', (els) =>
        els.map((el) => ({ id: el.getAttribute('data-testid'), kind: el.getAttribute('data-chart-kind'), categories: el.getAttribute('data-categories') })),
      );
      for (const id of ['chart-eligibility', 'chart-training', 'chart-filings']) expect(charts.find((c) => c.id === id)?.kind).toBe('donut');
      // Every bar chart left compares more than one category.
      for (const c of charts.filter((x) => x.kind === 'bars')) expect(Number(c.categories)).toBeGreaterThan(1);
      expect(charts.find((c) => c.id === 'chart-size-class')).toEqual({ id: 'chart-size-class', kind: 'bars', categories: '2' });
    } finally {
      await context.close();
    }
  }, 60_000);

  for (const width of [1440, 390]) {
    it(`keeps the city report's last (违规) column reachable at ${width} px`, async () => {
      const { context, page } = await signIn('city-420100', width);
      try {
        await page.goto(`${base}/city-report/420100/${reportYear}/print`);
        await page.waitForSelector('[data-testid=city-report-snapshot-scroll]', { timeout: 20_000 });
        const box = page.locator('[data-testid=city-report-snapshot-scroll]');
        const m = await box.evaluate((el) => {
          const cell = el.querySelector('[data-testid=snapshot-last-cell]')!;
          const fitsBefore = cell.getBoundingClientRect().right <= el.getBoundingClientRect().right + 1;
          el.scrollLeft = el.scrollWidth;
          const r = el.getBoundingClientRect();
          const c = cell.getBoundingClientRect();
          return {
            fitsBefore,
            scrolls: el.scrollWidth > el.clientWidth,
            reachable: c.right <= r.right + 1 && c.left >= r.left - 1,
            pageFits: document.documentElement.scrollWidth <= window.innerWidth,
          };
        });
        expect(m.reachable).toBe(true);
        expect(m.pageFits).toBe(true);
        // On a wide screen the whole table shows without scrolling; on a phone it scrolls in its box.
        if (width === 1440) expect(m.fitsBefore).toBe(true);
        else expect(m.scrolls).toBe(true);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
