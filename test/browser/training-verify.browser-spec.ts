import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays, chinaDate, maskName } from '@cqo/policy';
import { launchChromium } from '../support/browser';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * The public check of a 学时证明 (SPEC §4): an enterprise files its CQO and records last year's
 * continuing education through the API, asks for the hours certificate, and then anyone — not
 * signed in — opens /verify/<code> and sees the name, the hours and 有效; an unknown code shows
 * 未找到该证明 and nothing about anybody.
 */
describe('public training certificate verification in Chromium', () => {
  const personName = '林证明';
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let code: string;
  let lastYear: number;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    t = await createTestApp({ serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;

    const today = chinaDate(new Date());
    lastYear = Number(today.slice(0, 4)) - 1;
    const enterprise = await makeEnterprise(t.db, '420102');
    const user = await makeUser(t.db, 'enterprise', { enterpriseId: enterprise.id });
    const auth = await bearer(t.http, user.username);

    // A CQO meeting every hubei-2021 rule, filed the way the appointments e2e test files one.
    const filed = await t
      .http()
      .post(`/api/enterprises/${enterprise.id}/appointments`)
      .set('Authorization', auth)
      .send(hubeiEligibleFiling(addDays(today, -10), { name: personName }));
    if (filed.status !== 201) throw new Error(`appointment filing failed: ${filed.status} ${JSON.stringify(filed.body)}`);
    const personId: string = filed.body.personId;

    // Last year: 14 hours of 第一类 over two days and 30 hours of 第二类 over four.
    const records = [
      { category: '继续教育(第一类)', course: '质量管理体系内审', provider: '湖北省质量协会', startDate: `${lastYear}-03-10`, endDate: `${lastYear}-03-11`, hours: 14 },
      { category: '第二类', course: '卓越绩效模式研修', provider: '武汉质量学院', startDate: `${lastYear}-06-01`, endDate: `${lastYear}-06-04`, hours: 30 },
    ];
    for (const record of records) {
      const res = await t.http().post('/api/training/records').set('Authorization', auth).send(record);
      if (res.status !== 201) throw new Error(`training record failed: ${res.status} ${JSON.stringify(res.body)}`);
    }

    const issued = await t.http().post('/api/training/certificates').set('Authorization', auth).send({ personId, year: lastYear });
    if (issued.status !== 200 && issued.status !== 201) {
      throw new Error(`certificate issue failed: ${issued.status} ${JSON.stringify(issued.body)}`);
    }
    code = issued.body.code;
    expect(code).toMatch(/^TH-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    browser = await launchChromium();
    // A fresh context: no token in storage, as for anyone scanning the QR code.
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1024, height: 800 } });
    page = await context.newPage();
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('shows the masked name, the hours by category and 有效 without signing in', async () => {
    await page.goto(`${base}/verify/${code}`);
    await page.waitForSelector('[data-testid=verify-status]', { timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe(`/verify/${code}`);
    // No layout, no side menu, no sign-in form on the public page.
    await expect(page.locator('[data-testid=side-menu]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=login-page]').count()).resolves.toBe(0);

    // Masked as on the evaluation certificate's page (issue 18 item 8).
    await expect(page.textContent('[data-testid=verify-name]')).resolves.toBe(maskName(personName));
    await expect(page.textContent('[data-testid=verify-status]')).resolves.toContain('有效');
    await expect(page.getAttribute('[data-testid=verify-status]', 'data-status')).resolves.toBe('valid');

    const hours = page.locator('[data-testid=verify-hours]');
    await expect(hours.locator('[data-testid=hours-first]').textContent()).resolves.toContain('14');
    await expect(hours.locator('[data-testid=hours-second]').textContent()).resolves.toContain('30');
    await expect(hours.locator('[data-testid=hours-total]').textContent()).resolves.toContain('44');
    const table = (await hours.textContent()) ?? '';
    expect(table).toContain('继续教育(第一类)');
    expect(table).toContain('合计');
    await expect(page.textContent('body')).resolves.toContain(`${lastYear}年`);
    await page.screenshot({ path: join(OUT, 'training-verify.png'), fullPage: true });
  }, 60_000);

  it('says 未找到该证明 for an unknown code and names nobody', async () => {
    await page.goto(`${base}/verify/TH-AAAA-BBBB-CCCC`);
    await page.waitForSelector('[data-testid=verify-not-found]', { timeout: 20_000 });
    await expect(page.textContent('[data-testid=verify-not-found]')).resolves.toContain('未找到该证明');
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toContain(personName);
    await expect(page.locator('[data-testid=verify-hours]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=verify-status]').count()).resolves.toBe(0);
  }, 60_000);
});
