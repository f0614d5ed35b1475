import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, signInAt } from '../support/browser';
import { makeEnterprise, makeUser } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * Issue 18 item 4 in the dashboard: the enterprise changes its own 是否规上 on 我的企业; the page says
 * it went for review and shows 待审核的变更 while the profile still says 是; the 武汉 office opens
 * 企业变更审核, approves, and the enterprise's page then shows 否 and no pending change.
 */
describe('enterprise change request in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let enterpriseId: string;
  let filer: string;
  let officer: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const e = await makeEnterprise(t.db, '420102', { aboveSize: true });
    enterpriseId = e.id;
    filer = (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username;
    officer = (await makeUser(t.db, 'city', { regionCode: '420100' })).username;
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (username: string) => signInAt(browser, base, username);

  const aboveSize = async () => (await t.db.query(`SELECT above_size FROM enterprise WHERE id = $1`, [enterpriseId]))[0].above_size as boolean;

  it('the enterprise asks to change 是否规上: sent for review, shown as pending, nothing changed yet', async () => {
    const { context, page } = await signIn(filer);
    try {
      await page.waitForSelector('[data-testid=my-enterprise-page] [data-testid=enterprise-edit]', { timeout: 20_000 });
      await page.click('[data-testid=enterprise-edit]');
      await page.click('[data-testid=enterprise-form-above-size] label:has-text("否")');
      await page.click('[data-testid=enterprise-save]');
      await page.waitForSelector('.el-message--success:has-text("已提交审核")', { timeout: 10_000 });
      const pending = page.locator('[data-testid=pending-change]');
      await pending.waitFor({ timeout: 10_000 });
      await expect(pending.getAttribute('data-status')).resolves.toBe('pending');
      await expect(pending.textContent()).resolves.toContain('待审核的变更');
      await expect(pending.locator('[data-field=aboveSize]').textContent()).resolves.toMatch(/是否规上：\s*是\s*→\s*否/);
      await page.screenshot({ path: join(OUT, 'enterprise-change-pending.png'), fullPage: true });
      expect(await aboveSize()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('the city office approves it on 企业变更审核; the enterprise then shows 否 and nothing pending', async () => {
    const { context, page } = await signIn(officer);
    try {
      await page.goto(`${base}/enterprises/change-requests`);
      const row = page.locator('[data-testid=change-requests-table] .el-table__row', { hasText: '是否规上' }).first();
      await row.waitFor({ timeout: 20_000 });
      await row.locator('[data-testid=change-request-approve]').click();
      await page.click('.el-message-box__btns .el-button--primary');
      await page.waitForSelector('.el-message--success:has-text("已通过")', { timeout: 10_000 });
      await page.screenshot({ path: join(OUT, 'enterprise-change-approved.png'), fullPage: true });
    } finally {
      await context.close();
    }
    expect(await aboveSize()).toBe(false);

    const mine = await signIn(filer);
    try {
      await mine.page.waitForSelector('[data-testid=my-enterprise-page] [data-testid=enterprise-edit]', { timeout: 20_000 });
      await expect(mine.page.locator('[data-testid=pending-change]').count()).resolves.toBe(0);
    } finally {
      await mine.context.close();
    }
  });

  it('the office turns the next request down: a reason is required, the enterprise sees it; 全部 is kept in the URL', async () => {
    const mine = await signIn(filer);
    try {
      await mine.page.waitForSelector('[data-testid=my-enterprise-page] [data-testid=enterprise-edit]', { timeout: 20_000 });
      await mine.page.click('[data-testid=enterprise-edit]');
      await mine.page.click('[data-testid=enterprise-form-above-size] label:has-text("是")');
      await mine.page.click('[data-testid=enterprise-save]');
      await mine.page.waitForSelector('.el-message--success:has-text("已提交审核")', { timeout: 10_000 });
    } finally {
      await mine.context.close();
    }

    const { context, page } = await signIn(officer);
    try {
      await page.goto(`${base}/enterprises/change-requests`);
      const row = page.locator('[data-testid=change-requests-table] .el-table__row', { hasText: '是否规上' }).first();
      await row.waitFor({ timeout: 20_000 });
      await row.locator('[data-testid=change-request-reject]').click();
      const dialog = page.locator('[data-testid=change-request-reject-dialog]');
      await dialog.waitFor({ timeout: 10_000 });
      await page.click('[data-testid=change-request-reject-submit]');
      await dialog.locator('.el-form-item__error:has-text("请填写不予通过的理由")').waitFor({ timeout: 10_000 });
      await dialog.locator('textarea[data-testid=change-request-reason]').fill('规上认定以统计局年报为准');
      await page.click('[data-testid=change-request-reject-submit]');
      await page.waitForSelector('.el-message--success:has-text("已不予通过")', { timeout: 10_000 });

      await page.click('[data-testid=change-requests-status] label:has-text("全部")');
      await page.waitForURL(/status=all/, { timeout: 10_000 });
      const rejected = page.locator('[data-testid=change-requests-table] .el-table__row', { hasText: '规上认定以统计局年报为准' });
      await rejected.waitFor({ timeout: 10_000 });
      await expect(rejected.locator('[data-testid=change-request-status]').textContent()).resolves.toContain('未通过');
      await page.reload();
      await rejected.waitFor({ timeout: 20_000 });
    } finally {
      await context.close();
    }
    expect(await aboveSize()).toBe(false);

    const again = await signIn(filer);
    try {
      const pending = again.page.locator('[data-testid=pending-change]');
      await pending.waitFor({ timeout: 20_000 });
      await expect(pending.getAttribute('data-status')).resolves.toBe('rejected');
      await expect(pending.textContent()).resolves.toContain('规上认定以统计局年报为准');
    } finally {
      await again.context.close();
    }
  });
});
