import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/** YYYY-MM-DD `days` before today, in China (UTC+8), where the API's "today" is. */
function daysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * An enterprise files its chief quality officer through the form: the demo enterprise of `ent-2`
 * has none. The person meets every hubei-2021 condition but one — 4 years in quality management
 * where 004 二(二) asks for 5 — so the stored verdict is 不合格 with exactly that rule failing.
 */
describe('CQO appointment filing in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let databaseUrl: string;

  const appointedOn = daysAgo(10);
  const trainingCompletedOn = daysAgo(20);
  const phone = `139${String(Date.now()).slice(-8)}`;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    databaseUrl = await seededDemoDatabase('cqo', 300);
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows;
    } finally {
      await db.end();
    }
  }

  /** Picks an option of an Element Plus select (its list is rendered at the end of <body>). */
  async function choose(select: Locator, option: string): Promise<void> {
    await select.click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: new RegExp(`^${option}$`) }).click();
  }

  /** Types a date into an Element Plus date picker and closes its panel. */
  async function typeDate(testId: string, value: string): Promise<void> {
    const input = page.locator(`input[data-testid=${testId}], [data-testid=${testId}] input`).first();
    await input.click();
    await input.fill(value);
    await input.press('Enter');
    await page.keyboard.press('Escape');
  }

  it('starts with no CQO on the enterprise’s page', async () => {
    const [ent] = await query(
      `SELECT e.id, (SELECT count(*)::int FROM appointment a WHERE a.enterprise_id = e.id) AS n
         FROM app_user u JOIN enterprise e ON e.id = u.enterprise_id WHERE u.username = 'ent-2'`,
    );
    expect(ent.n).toBe(0);

    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', 'ent-2');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=my-enterprise-page]', { timeout: 20_000 });

    await page.click('[data-testid=menu-my-cqo]');
    await page.waitForSelector('[data-testid=my-cqo-page] [data-testid=cqo-none]', { timeout: 10_000 });
    await expect(page.textContent('[data-testid=my-cqo-page]')).resolves.toContain('尚未聘任首席质量官');
  }, 60_000);

  it('files a CQO with 4 years in quality management and shows 不合格 citing 004 二(二)', async () => {
    await page.click('[data-testid=cqo-appoint]');
    await page.waitForSelector('[data-testid=filing-form]', { timeout: 10_000 });

    await page.fill('[data-testid=filing-name]', '周明远');
    await page.click('[data-testid=filing-gender-男]');
    await typeDate('filing-birth-month', '1985-06');
    await page.fill('[data-testid=filing-phone]', phone);
    await page.fill('[data-testid=filing-position-title]', '副总经理');
    await page.click('[data-testid=filing-position-level-决策层]');
    await choose(page.locator('[data-testid=filing-education]'), '大学本科');
    await page.click('[data-testid=filing-qualification-type-质量专业技术人员职业资格]');
    await page.click('[data-testid=filing-qualification-level-中级]');
    await page.locator('[data-testid=filing-years] input').fill('4');
    await page.locator('[data-testid=filing-years] input').press('Tab');
    await typeDate('filing-appointed-on', appointedOn);
    await page.fill('[data-testid=filing-authorisation-cert-no]', 'SQ-2026-0001');
    await page.locator('[data-testid=filing-training-hours] input').fill('24');
    await page.locator('[data-testid=filing-training-hours] input').press('Tab');
    await page.fill('[data-testid=filing-training-cert-no]', 'PX-2026-0001');
    await typeDate('filing-training-completed-on', trainingCompletedOn);
    // The live preview judges the form before anything is saved: 不合格, the declarations not yet made among the reasons.
    const preview = page.locator('[data-testid=filing-preview] [data-testid=verdict-panel]');
    await expect(preview.getAttribute('data-verdict', { timeout: 15_000 })).resolves.toBe('ineligible');
    await page.waitForFunction(() => !document.querySelector('[data-testid=filing-preview] .el-loading-mask'), undefined, { timeout: 15_000 });
    expect(await query(`SELECT id FROM appointment WHERE phone = $1`, [phone])).toHaveLength(0);

    const declarations = page.locator('[data-testid=filing-declarations] .el-checkbox');
    const count = await declarations.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i += 1) await declarations.nth(i).click();

    // Issue 20 item 5: filing what will be 不合格 asks first, naming the failing rule; 返回修改 files nothing.
    // Filed at once after the last tick, inside the preview's delay: the confirmation judges the form
    // as it is now (the declarations made), not the preview shown a moment before.
    await page.click('[data-testid=filing-submit]');
    const confirm = page.locator('.el-dialog[data-testid=filing-confirm-ineligible]');
    await confirm.waitFor({ timeout: 10_000 });
    await expect(confirm.locator('.el-dialog__title').textContent()).resolves.toBe('确认提交不合格的备案');
    const listed = confirm.locator('[data-testid=filing-confirm-rules] li');
    await expect(listed.count()).resolves.toBe(1);
    const listedText = (await confirm.locator('[data-testid=filing-confirm-rule-experience]').textContent()) ?? '';
    expect(listedText).toContain('从事质量管理工作年限');
    expect(listedText).toContain('004 二(二)');
    await page.screenshot({ path: join(OUT, 'cqo-filing-confirm.png') });
    await confirm.locator('[data-testid=filing-confirm-back]').click();
    await confirm.waitFor({ state: 'hidden', timeout: 10_000 });
    expect(page.url()).toMatch(/filing|appoint/);
    expect(await query(`SELECT id FROM appointment WHERE phone = $1`, [phone])).toHaveLength(0);

    await page.click('[data-testid=filing-submit]');
    await confirm.waitFor({ timeout: 10_000 });
    await confirm.locator('[data-testid=filing-confirm-submit]').click();
    await page.waitForURL(/\/my\/cqo$/, { timeout: 15_000 });
    const panel = page.locator('[data-testid=my-cqo-page] [data-testid=verdict-panel]');
    await panel.waitFor({ timeout: 15_000 });

    await expect(panel.locator('[data-testid=verdict-tag]').textContent()).resolves.toContain('不合格');
    await expect(page.locator('[data-testid=cqo-name]').textContent()).resolves.toBe('周明远');

    const failing = panel.locator('tr[data-result=fail]');
    await expect(failing.count()).resolves.toBe(1);
    const failed = panel.locator('[data-testid=verdict-rule-experience]');
    await expect(failed.getAttribute('data-result')).resolves.toBe('fail');
    const failedText = (await failed.textContent()) ?? '';
    expect(failedText).toContain('从事质量管理工作年限');
    expect(failedText).toContain('004 二(二)');
    expect(failedText).toContain('未通过');

    // Every other rule passes (or does not apply yet, like this year's continuing education).
    const rows = panel.locator('tbody tr[data-testid^=verdict-rule-]');
    const total = await rows.count();
    expect(total).toBeGreaterThan(5);
    let passed = 0;
    for (let i = 0; i < total; i += 1) {
      const row = rows.nth(i);
      if ((await row.getAttribute('data-testid')) === 'verdict-rule-experience') continue;
      const result = await row.getAttribute('data-result');
      expect(['pass', 'na']).toContain(result);
      const text = (await row.locator('[data-testid=verdict-rule-result]').textContent())?.trim();
      expect(text).toBe(result === 'pass' ? '通过' : '不适用');
      if (result === 'pass') passed += 1;
    }
    for (const id of ['education', 'qualification', 'initial-training', 'position', 'term']) {
      await expect(panel.locator(`[data-testid=verdict-rule-${id}]`).getAttribute('data-result')).resolves.toBe('pass');
    }
    expect(passed).toBeGreaterThanOrEqual(5);

    await expect(page.locator('[data-testid=cqo-history-appoint]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(OUT, 'cqo-filing.png'), fullPage: true });
    // The page scrolls inside the layout, so the verdict gets a picture of its own.
    await panel.screenshot({ path: join(OUT, 'cqo-filing-verdict.png') });

    const stored = await query(
      `SELECT a.status, a.verdict, a.years_in_quality, a.education, a.appointed_on::text AS appointed_on, a.late_filing
         FROM appointment a JOIN app_user u ON u.enterprise_id = a.enterprise_id
        WHERE u.username = 'ent-2' AND a.phone = $1`,
      [phone],
    );
    expect(stored).toEqual([
      { status: 'active', verdict: 'ineligible', years_in_quality: 4, education: '大学本科', appointed_on: appointedOn, late_filing: false },
    ]);
  }, 90_000);
});
