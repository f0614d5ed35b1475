import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chinaDate, currentReportingYear } from '@cqo/policy';
import { launchChromium, signInAt } from '../support/browser';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * The annual report as its users live it (SPEC §2): an enterprise filer fills in the 年度报告,
 * declares no appraisal system, is asked for the 上报说明 and submits; the page locks. A Wuhan
 * officer finds the report in the review queue with the soft-rule hit and the explanation, and
 * returns it with a reason. Back on the enterprise side, the bell shows the notification, the
 * page shows the reason and the form is editable again.
 */
describe('annual report submission and city return in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let enterpriseName: string;
  let enterpriseId: string;
  let filer: string;
  let officer: string;
  const year = currentReportingYear(chinaDate(new Date()));
  const reason = '请补充未建立考核制度的原因及建立计划';

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    t = await createTestApp({ serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;

    const e = await makeEnterprise(t.db, '420102');
    enterpriseName = e.name;
    enterpriseId = e.id;
    filer = (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username;
    officer = (await makeUser(t.db, 'city', { regionCode: '420100' })).username;
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const filed = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${year}-01-01`, { name: '陈年报', explanation: '补录历史聘任' }));
    if (filed.status !== 201) throw new Error(`appointment filing failed: ${filed.status} ${JSON.stringify(filed.body)}`);

    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (username: string) => signInAt(browser, base, username);

  const status = (page: Page) => page.locator('[data-testid=annual-report-status]').getAttribute('data-status');

  it('the enterprise fills in the report, explains the soft-rule hit and submits; the page locks', async () => {
    const { context, page } = await signIn(filer);
    try {
      await page.click('[data-testid=menu-my-annual-report]');
      await page.waitForSelector('[data-testid=my-annual-report-page] [data-testid=annual-report-status]', { timeout: 15_000 });
      expect(await status(page)).toBe('not-started');
      await expect(page.locator('[data-testid=annual-report-prefill]').innerText()).resolves.toContain('陈年报');

      await page.click('[data-testid=field-hasAppraisalSystem-no]');
      await page.locator('[data-testid=field-qualityFund] input').fill('18.5');
      await page.locator('textarea[data-testid=field-honours]').fill('区级质量标杆企业');
      await page.locator('textarea[data-testid=field-dutiesNarrative]').fill('主持月度质量分析会，组织 QC 小组活动 4 次');
      await page.locator('textarea[data-testid=field-problemsAndPlans]').fill('下一年度建立首席质量官任职绩效考核制度');
      await page.click('[data-testid=annual-report-submit]');

      // The soft rule (no appraisal system) asks for the 上报说明 before anything is submitted.
      await page.waitForSelector('[data-testid=explanation-dialog] [data-testid=annual-report-explanation]', { state: 'visible', timeout: 10_000 });
      await expect(page.locator('[data-testid=soft-hit-no-appraisal-system]').first().innerText()).resolves.toContain('任职绩效考核制度');
      await page.locator('textarea[data-testid=annual-report-explanation]').fill('考核制度正在起草，预计明年一季度发布');
      await page.click('[data-testid=annual-report-explanation-confirm]');

      await page.waitForSelector('[data-testid=annual-report-status][data-status=submitted]', { timeout: 15_000 });
      await expect(page.locator('[data-testid=annual-report-locked]').innerText()).resolves.toContain('等待审核');
      expect(await page.locator('[data-testid=annual-report-submit]').count()).toBe(0);
      await page.screenshot({ path: join(OUT, 'annual-report-submitted.png'), fullPage: true });
    } finally {
      await context.close();
    }
    const [row] = await t.db.query(`SELECT status, explanation, soft_hits FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [enterpriseId, year]);
    expect(row).toMatchObject({ status: 'submitted', explanation: '考核制度正在起草，预计明年一季度发布' });
    expect(row.soft_hits.map((h: { id: string }) => h.id)).toContain('no-appraisal-system');
  }, 60_000);

  it('the city officer sees the explanation in the queue and returns the report with a reason', async () => {
    const { context, page } = await signIn(officer);
    try {
      // 年报审核 sits in the 年报报送 sub-menu (issue 20 item 12).
      await page.click('[data-testid=menu-group-filings] > .el-sub-menu__title');
      await page.click('[data-testid=menu-annual-report-review]');
      const row = page.locator(`[data-testid="review-row-${enterpriseName}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      const drawer = page.locator('[data-testid=review-drawer]');
      await drawer.locator('[data-testid=annual-report-view]').waitFor({ timeout: 10_000 });
      await expect(drawer.innerText()).resolves.toContain('考核制度正在起草，预计明年一季度发布');
      await drawer.locator('[data-testid=review-return]').click();

      const dialog = page.locator('[data-testid=review-dialog]');
      await dialog.locator('textarea[data-testid=review-reason]').waitFor({ state: 'visible', timeout: 10_000 });
      await dialog.locator('textarea[data-testid=review-reason]').fill(reason);
      await dialog.locator('[data-testid=review-confirm]').click();

      // The queue shows submitted reports: the returned one leaves it.
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await page.screenshot({ path: join(OUT, 'annual-report-review.png'), fullPage: true });
    } finally {
      await context.close();
    }
    const [row] = await t.db.query(`SELECT status, return_reason FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [enterpriseId, year]);
    expect(row).toEqual({ status: 'returned', return_reason: reason });
  }, 60_000);

  it('the enterprise is notified, sees the reason and can edit again', async () => {
    const { context, page } = await signIn(filer);
    try {
      const badge = page.locator('[data-testid=notification-badge]');
      await page.waitForSelector('[data-testid=notification-badge][data-count="1"]', { timeout: 15_000 });
      expect(await badge.getAttribute('data-count')).toBe('1');

      await page.click('[data-testid=menu-my-annual-report]');
      await page.waitForSelector('[data-testid=annual-report-status][data-status=returned]', { timeout: 15_000 });
      await expect(page.locator('[data-testid=annual-report-return-reason]').innerText()).resolves.toContain(reason);
      expect(await page.locator('[data-testid=annual-report-locked]').count()).toBe(0);
      await expect(page.locator('[data-testid=field-qualityFund] input').isEditable()).resolves.toBe(true);
      await expect(page.locator('[data-testid=annual-report-submit]').isEnabled()).resolves.toBe(true);
      await page.screenshot({ path: join(OUT, 'annual-report-returned.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
