import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeUser, PASSWORD, uniq } from '../support/fixtures';
import { launchChromium } from '../support/browser';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * Issue 20 item 6 (等保 2.0 8.1.4.3 安全审计): an officer reads the audit log by named actions and
 * objects (登录, 登录会话 #765f0c1e — not `auth.login`, `session / 765f…`) and narrows it by user,
 * action and China days.
 */
describe('audit log in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const actor = `auditee-${uniq()}`;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ config: testConfig(), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    await t.db.query(
      `INSERT INTO audit_log (at, action, result, actor_username, object_type, object_id) VALUES
         ('2025-03-01T23:30:00+08:00', 'auth.login', 'success', $1, 'session', '765f0c1e-7a0b-4c2a-9f51-0a3c3c9d2e11'),
         ('2025-03-02T09:00:00+08:00', 'violation.record', 'success', $1, 'violation', gen_random_uuid()::text),
         ('2025-03-05T09:00:00+08:00', 'auth.login', 'success', $1, 'session', gen_random_uuid()::text)`,
      [actor],
    );
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Waits until the table shows `n` rows (a filter reloads it). */
  async function rowCount(n: number): Promise<void> {
    const until = Date.now() + 10_000;
    while ((await rows().count()) !== n && Date.now() < until) await page.waitForTimeout(100);
    expect(await rows().count()).toBe(n);
  }
  const rows = () => page.locator('[data-testid=audit-table] .el-table__body tbody tr');
  async function actions(): Promise<string[]> {
    return (await page.locator('[data-testid=audit-table] [data-testid=audit-action]').allTextContents()).map((s) => s.trim());
  }

  it('filters by user, then by action, then by a date range; actions and objects are named in Chinese', async () => {
    const admin = await makeUser(t.db, 'admin');
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', admin.username);
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
    await page.goto(`${base}/audit`);
    await page.waitForSelector('[data-testid=audit-page] [data-testid=audit-table]', { timeout: 20_000 });

    const actorInput = page.locator('input[data-testid=audit-actor-filter], [data-testid=audit-actor-filter] input').first();
    await actorInput.fill(actor);
    await actorInput.press('Enter');
    await rowCount(3);
    expect(await actions()).toEqual(['登录', '登记违规', '登录']);
    const objects = (await page.locator('[data-testid=audit-table] [data-testid=audit-object]').allTextContents()).map((s) => s.trim());
    expect(objects[2]).toBe('登录会话 #765f0c1e');
    expect(objects[1]).toMatch(/^违规记录 #[0-9a-f]{8}$/);

    // The action picker offers names, not codes.
    await page.click('[data-testid=audit-action-filter]');
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^登录$/ }).click();
    await rowCount(2);
    expect(await actions()).toEqual(['登录', '登录']);

    // 1–2 March (China days): the sign-in at 23:30 on 1 March only.
    const [from, to] = [page.locator('[data-testid=audit-date-filter] input').nth(0), page.locator('[data-testid=audit-date-filter] input').nth(1)];
    await from.click();
    await from.fill('2025-03-01');
    await to.fill('2025-03-02');
    await to.press('Enter');
    await page.keyboard.press('Escape');
    await rowCount(1);
    await expect(page.locator('[data-testid=audit-table] [data-testid=audit-object]').first().textContent()).resolves.toBe('登录会话 #765f0c1e');
    await page.screenshot({ path: join(OUT, 'audit-log-filtered.png'), fullPage: true });
  }, 90_000);
});
