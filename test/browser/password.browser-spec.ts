import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { uniq } from '../support/fixtures';
import { launchChromium, trackApi } from '../support/browser';
import { createTestApp, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');
const run = promisify(execFile);

/**
 * Issue 18 items 2 and 8 through the dashboard: an account made by `cqo user:add` is taken to the
 * change-password page first (ASVS V2.5.1) and sees the server's field errors there; after its
 * access token expired the dashboard refreshes once (rotation, ASVS V3.3) and carries on, without
 * presenting a retired token (which would end the session).
 */
describe('change password and token rotation in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof trackApi>;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    t = await createTestApp({ config: testConfig(), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    api = trackApi(page);
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const username = `province-${uniq()}`;
  const first = `Initial-${uniq()}-pass`;
  const chosen = `我的新口令-${uniq()}`;

  it('ASVS V2.5.1: a new account is sent to the change-password page, shown the policy error, and then to its home page', async () => {
    await run(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), 'user:add', '--username', username, '--role', 'province', '--region', '420000', '--password', first], {
      env: { ...process.env, DATABASE_URL: testEnv().databaseUrl, NODE_ENV: 'test' },
    });
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', username);
    await page.fill('[data-testid=login-password]', first);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=change-password-page]', { timeout: 20_000 });
    await expect(page.textContent('[data-testid=password-forced]')).resolves.toContain('须先设置自己的新密码');

    // A common password: the server's field error under the field.
    await page.fill('[data-testid=password-current]', first);
    await page.fill('[data-testid=password-new]', 'qwerty123456');
    await page.fill('[data-testid=password-confirm]', 'qwerty123456');
    await page.click('[data-testid=password-submit]');
    await expect(page.locator('.el-form-item__error', { hasText: '该密码过于常见' }).textContent({ timeout: 10_000 })).resolves.toContain('该密码过于常见');

    await page.fill('[data-testid=password-new]', chosen);
    await page.fill('[data-testid=password-confirm]', chosen);
    await page.click('[data-testid=password-submit]');
    await page.waitForSelector('[data-testid=overview-page]', { timeout: 20_000 });
    const [row] = await t.db.query(`SELECT must_change_password FROM app_user WHERE username = $1`, [username]);
    expect(row.must_change_password).toBe(false);
    await page.screenshot({ path: join(OUT, 'after-password-change.png') });
  }, 60_000);

  it('ASVS V3.3: after the access token expired the dashboard refreshes once and carries on; the session is not ended', async () => {
    t.clock.advanceMinutes(16);
    await page.click('[data-testid=menu-enterprises]');
    await page.waitForSelector('[data-testid=enterprises-page]', { timeout: 20_000 });
    // The page draws before its list arrives: wait until its requests, the refresh and the retries
    // have all come back (moving the clock while a retry is on its way would expire its new token).
    await api.quiet();
    expect(page.url()).not.toContain('/login');
    const sessionOf = async () =>
      (
        await t.db.query(
          `SELECT s.token_gen, s.revoked_at FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = $1 ORDER BY s.created_at DESC LIMIT 1`,
          [username],
        )
      )[0] as { token_gen: number; revoked_at: Date | null };
    await waitFor(async () => (await sessionOf()).token_gen >= 1, 15_000).catch(() => undefined);
    expect(await sessionOf()).toEqual({ token_gen: 1, revoked_at: null });
    const [reuse] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.refresh-reuse' AND actor_username = $1`, [username]);
    expect(reuse.n).toBe(0);
    // And again, after the next expiry.
    t.clock.advanceMinutes(16);
    await page.click('[data-testid=menu-overview]');
    await page.waitForSelector('[data-testid=overview-page]', { timeout: 20_000 });
    await api.quiet();
    expect(page.url()).not.toContain('/login');
    await waitFor(async () => (await sessionOf()).token_gen >= 2, 15_000).catch(() => undefined);
    expect(await sessionOf()).toEqual({ token_gen: 2, revoked_at: null });
  }, 60_000);
});
