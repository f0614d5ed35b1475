import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { makeUser, PASSWORD, uniq } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * Issue 20 item 4 (等保 2.0 8.1.4.2, ASVS V2.5.1): admin creates an account bound to a region on
 * 用户管理 (it must change its password at first sign-in), and unlocks an account locked by five
 * failed sign-ins.
 */
describe('用户管理 in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ config: testConfig(), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rowOf = (username: string) => page.locator('[data-testid=users-table] .el-table__body tr', { hasText: username });

  it('admin creates a province officer bound to 湖北省; it must change its password', async () => {
    const admin = await makeUser(t.db, 'admin');
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', admin.username);
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
    // 用户管理 sits in the 数据与系统 sub-menu.
    await page.locator('.el-sub-menu__title', { hasText: '数据与系统' }).click();
    await page.locator('.el-menu-item', { hasText: '用户管理' }).click();
    await page.waitForSelector('[data-testid=users-page] [data-testid=users-table]', { timeout: 20_000 });

    const username = `prov-${uniq()}`;
    await page.click('[data-testid=users-create]');
    const dialog = page.locator('.el-dialog[data-testid=user-create-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await page.locator('input[data-testid=user-form-username], [data-testid=user-form-username] input').first().fill(username);
    await page.locator('input[data-testid=user-form-display-name], [data-testid=user-form-display-name] input').first().fill('省局张三');
    await dialog.locator('[data-testid=user-form-role]').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^省质强办$/ }).click();
    await dialog.locator('[data-testid=user-form-region]').click();
    await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: '湖北省' }).first().click();
    // A weak password: the server's field error under the field, in Chinese.
    const password = page.locator('input[data-testid=user-form-password], [data-testid=user-form-password] input').first();
    await password.fill('short');
    await page.click('[data-testid=user-form-submit]');
    await dialog.locator('.el-form-item__error').first().waitFor({ timeout: 10_000 });
    expect(await dialog.locator('.el-form-item__error').first().textContent()).toMatch(/密码/);
    await password.fill(`Initial-${uniq()}-pass`);
    await page.click('[data-testid=user-form-submit]');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

    const row = rowOf(username);
    await row.waitFor({ timeout: 10_000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('省质强办');
    expect(text).toContain('湖北省');
    expect(text).toContain('待修改密码');
    const [stored] = await t.db.query(`SELECT role, region_code, must_change_password FROM app_user WHERE username = $1`, [username]);
    expect(stored).toEqual({ role: 'province', region_code: '420000', must_change_password: true });
    await page.screenshot({ path: join(OUT, 'users-admin.png'), fullPage: true });
  }, 90_000);

  it('unlocks an account locked by five failed sign-ins; it signs in again', async () => {
    const u = await makeUser(t.db, 'county', { regionCode: '420102' });
    for (let i = 1; i <= 5; i += 1) await t.http().post('/api/auth/login').send({ username: u.username, password: `bad-${i}` });
    expect((await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD })).status).toBe(423);

    const search = page.locator('input[data-testid=users-search], [data-testid=users-search] input').first();
    await search.fill(u.username);
    await search.press('Enter');
    const row = rowOf(u.username);
    await row.locator('[data-testid=user-unlock]').waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('已锁定至');
    await row.locator('[data-testid=user-unlock]').click();
    await page.waitForFunction(
      (name) => {
        const tr = [...document.querySelectorAll('[data-testid=users-table] .el-table__body tr')].find((r) => r.textContent?.includes(name));
        return tr && !tr.textContent?.includes('已锁定至');
      },
      u.username,
      { timeout: 10_000 },
    );
    expect((await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD })).status).toBe(200);
  }, 60_000);
});
