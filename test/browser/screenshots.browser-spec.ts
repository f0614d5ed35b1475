import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import type { Role } from '@cqo/contracts';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const SHOTS = join(ROOT, 'test-output/screenshots');
const WIDTHS = [1440, 390] as const;

/**
 * The path of each named route, read off the router source, so a page added to a role's menu is
 * walked here without touching this file.
 */
function routePaths(): Map<string, string> {
  const source = readFileSync(join(ROOT, 'apps/web/src/router/index.ts'), 'utf8');
  const out = new Map<string, string>();
  for (const m of source.matchAll(/path:\s*'([^']*)',\s*name:\s*'([^']+)'/g)) out.set(m[2], m[1].startsWith('/') ? m[1] : `/${m[1]}`);
  return out;
}

/**
 * Each role's menu pages, read off the menu source (`menuRoutesFor`: one `case 'role': return [...]`
 * per role; the web's modules are ES modules with Vue components, not importable here).
 */
function menuRoutes(): Map<string, string[]> {
  const source = readFileSync(join(ROOT, 'apps/web/src/router/menu.ts'), 'utf8');
  const body = source.slice(source.indexOf('export function menuRoutesFor'), source.indexOf('export function menuFor'));
  const out = new Map<string, string[]>();
  for (const m of body.matchAll(/case '([a-z]+)':[^[]*?return \[([^\]]*)\]/g)) out.set(m[1], [...m[2].matchAll(/'([^']+)'/g)].map((n) => n[1]));
  return out;
}

/**
 * Every page of every demo role's menu in Chromium at 1440 and 390 px (issue 20): full-page
 * screenshots into test-output/screenshots/ (not committed) to look at, no console error on any
 * page, and at 390 px nothing wider than the screen. Each page is loaded once and looked at in
 * both widths (the layout follows the window's width), which keeps the walk to about a minute.
 */
describe('screenshots of every page, every role, 1440 and 390 px', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let county: string;
  let previousYear: number;
  const paths = routePaths();
  const menus = menuRoutes();

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const env = testEnv();
    const databaseUrl = await seededDemoDatabase('shots', 300);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // A county account whose county has enterprises (its pages have something to show).
    const [row] = (
      await db.query(
        `SELECT u.username FROM app_user u WHERE u.role = 'county'
          ORDER BY (SELECT count(*) FROM enterprise e WHERE e.region_code = u.region_code) DESC, u.username LIMIT 1`,
      )
    ).rows;
    county = row.username;
    const [year] = (await db.query(`SELECT max(year) AS y FROM city_report WHERE region_code = '420100' AND status = 'accepted'`)).rows;
    previousYear = Number(year.y);
    await db.end();
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:shots` }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Until the page's data is in: no request in flight, no loading mask or skeleton showing. */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.el-loading-mask, .el-skeleton.is-animated')].every((el) => {
          const s = getComputedStyle(el);
          return s.display === 'none' || s.visibility === 'hidden' || (el as HTMLElement).offsetParent === null;
        }),
      undefined,
      { timeout: 15_000 },
    );
    // Charts animate in and tables lay out their fixed columns after the data arrives.
    await page.waitForTimeout(300);
  }

  /** How far the page reaches past the window: the document, and the layout's scrolling main area. */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      let inner = 0;
      for (const el of document.querySelectorAll<HTMLElement>('main, .el-main')) inner = Math.max(inner, el.scrollWidth - el.clientWidth);
      return { scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) + inner, innerWidth: window.innerWidth };
    });

  /**
   * A full-page picture: the layout scrolls its main area, not the document, so the window is
   * made as tall as that area's content for the picture, then put back.
   */
  async function shoot(page: Page, file: string, width: number, height: number): Promise<void> {
    const extra = await page.evaluate(() => {
      let most = 0;
      for (const el of document.querySelectorAll<HTMLElement>('main, .el-main, .el-scrollbar__wrap')) {
        const s = getComputedStyle(el);
        if (/(auto|scroll)/.test(s.overflowY)) most = Math.max(most, el.scrollHeight - el.clientHeight);
      }
      return most;
    });
    if (extra > 0) {
      await page.setViewportSize({ width, height: Math.min(height + extra, 12_000) });
      await page.waitForTimeout(300);
    }
    await page.screenshot({ path: file, fullPage: true });
    if (extra > 0) await page.setViewportSize({ width, height });
  }

  async function walk(role: Role, username: string, extra: { name: string; path: string }[] = []): Promise<void> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    const tooWide: string[] = [];
    try {
      await page.goto(`${base}/login`);
      await page.fill('[data-testid=login-username]', username);
      await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
      await page.click('[data-testid=login-submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
      expect(menus.get(role)?.length).toBeGreaterThan(0);
      const pages = [
        ...(menus.get(role) ?? []).map((name) => {
          const path = paths.get(name);
          if (!path) throw new Error(`no path for the menu route ${name} in the router`);
          return { name, path };
        }),
        ...extra,
      ];
      for (const p of pages) {
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.goto(`${base}${p.path}`);
        await settle(page);
        for (const width of WIDTHS) {
          if (width !== 1440) {
            await page.setViewportSize({ width, height: 844 });
            await page.waitForTimeout(300);
          }
          if (width < 768) {
            const m = await overflow(page);
            if (m.scrollWidth > m.innerWidth) tooWide.push(`${p.path}: ${m.scrollWidth} px at ${m.innerWidth}`);
          }
          await shoot(page, join(SHOTS, `${role}-${p.name}-${width}.png`), width, width === 1440 ? 900 : 844);
        }
      }
    } finally {
      await context.close();
    }
    expect(errors).toEqual([]);
    expect(tooWide).toEqual([]);
  }

  it('province', () => walk('province', 'province', [{ name: 'city-report-print', path: `/city-report/420100/${previousYear}/print` }]), 150_000);
  it('city', () => walk('city', 'city-420100', [{ name: 'city-report-print', path: `/city-report/420100/${previousYear}/print` }]), 150_000);
  it('county', () => walk('county', county), 150_000);
  it('enterprise', () => walk('enterprise', 'ent-1'), 150_000);
  it('evaluator', () => walk('evaluator', 'evaluator'), 150_000);
  it('admin', () => walk('admin', 'admin'), 150_000);
});
