import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CertificateDetail, EvaluationApplicationDetail, MeResponse } from '@cqo/contracts';
import { chinaDate } from '@cqo/policy';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { bearer, makeUser, PASSWORD } from '../support/fixtures';
import { createTestApp, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/** A hunan sheet (001 附录A): 意识 120, 诚信 60, 知识 60, 能力 200, 业绩 260 = 700 → AAAA, every minimum met. */
const SHEET: [id: string, score: number][] = [
  ['8.1.1', 80],
  ['8.1.2', 40],
  ['8.2', 60],
  ['8.3', 60],
  ['8.4.1', 60],
  ['8.4.2', 80],
  ['8.4.3', 40],
  ['8.4.4', 20],
  ['8.5.1', 100],
  ['8.5.2', 40],
  ['8.5.3', 60],
  ['8.5.4', 30],
  ['8.5.5', 30],
];

/**
 * Capability evaluation in Chromium (issue 8): the demo enterprise ent-1 applies for its CQO and the
 * demo evaluator accepts it and appoints a panel (himself as leader and a second evaluator) through
 * the API; then, in the browser, the evaluator opens the application from the queue, fills the
 * scoring sheet and sees the totals move, the dimension-minimum warning go and the grade AAAA
 * appear before submitting. The rest of the path (member's sheet, interview, report, certificate)
 * runs through the API and the public verification page shows the certificate as 有效.
 */
describe('capability evaluation scoring sheet in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let applicationId: string;
  let evaluatorAuth: string;
  let member: { id: string; username: string };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const env = testEnv();
    // A small demo province: ent-1 has an active, fully eligible CQO; evaluator belongs to 420000.
    const databaseUrl = await seededDemoDatabase('evaluation_ui', 60);
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:evaluation` }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;

    // The application, accepted, with a panel of two: the state `scoring`.
    const enterpriseAuth = await bearer(t.http, 'ent-1', DEMO_PASSWORD);
    const applied = await t
      .http()
      .post('/api/evaluation/applications')
      .set('Authorization', enterpriseAuth)
      .send({
        scheme: 'hunan',
        appliedGrade: 'AAAA',
        experienceYears: 6,
        hasCertificate: true,
        selfAssessment: Object.fromEntries(SHEET.map(([id, score]) => [id, score + 5])),
        statement: '近五年主持企业质量管理体系建设。',
        recommendation: '同意推荐参加首席质量官能力等级认定。',
      });
    if (applied.status !== 201) throw new Error(`application failed: ${applied.status} ${JSON.stringify(applied.body)}`);
    applicationId = (applied.body as EvaluationApplicationDetail).id;

    evaluatorAuth = await bearer(t.http, 'evaluator', DEMO_PASSWORD);
    const me: MeResponse = (await t.http().get('/api/auth/me').set('Authorization', evaluatorAuth).expect(200)).body;
    member = await makeUser(t.db, 'evaluator', { regionCode: '420000' });
    const accepted = await t.http().post(`/api/evaluation/applications/${applicationId}/accept`).set('Authorization', evaluatorAuth).send({ note: '材料齐全，予以受理' });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    const panel = await t
      .http()
      .post(`/api/evaluation/applications/${applicationId}/panel`)
      .set('Authorization', evaluatorAuth)
      .send({ leaderId: me.id, memberIds: [member.id] });
    if (panel.status !== 200) throw new Error(`panel failed: ${panel.status} ${JSON.stringify(panel.body)}`);
    expect((panel.body as EvaluationApplicationDetail).status).toBe('scoring');

    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const text = (testId: string) => page.locator(`[data-testid="${testId}"]`).first().textContent({ timeout: 10_000 });
  const textIs = (testId: string, expected: string) => waitFor(async () => (await text(testId))?.trim() === expected, 10_000);

  const textIsOn = (on: Page, testId: string, expected: string) =>
    waitFor(async () => (await on.locator(`[data-testid="${testId}"]`).first().textContent({ timeout: 10_000 }))?.trim() === expected, 10_000);

  async function score(id: string, value: number): Promise<void> {
    const input = page.locator(`[data-testid="score-${id}"] input`);
    await input.fill(String(value));
    await input.press('Tab');
  }

  it('fills the scoring sheet: running totals, the minimum warning, and the grade AAAA', async () => {
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', 'evaluator');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=evaluation-queue-page]', { timeout: 20_000 });

    // The queue lists the application in 评分中; it opens the detail, whose action opens the sheet.
    const row = page.locator('[data-testid=evaluation-queue] tbody tr').filter({ has: page.locator('[data-testid=application-status][data-status=scoring]') });
    await row.first().waitFor({ timeout: 15_000 });
    await row.first().locator('[data-testid=queue-open]').click();
    await page.waitForSelector('[data-testid=evaluation-application-page] [data-testid=application-panel]', { timeout: 15_000 });
    await page.click('[data-testid=action-score]');
    await page.waitForSelector('[data-testid=scoring-sheet]', { timeout: 15_000 });
    expect(page.url()).toContain(`/evaluation/applications/${applicationId}/sheet`);

    // Indicators in the annex's order, grouped by the five hunan dimensions.
    const ids = await page.locator('[data-testid=scoring-sheet] [data-testid^="indicator-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(ids).toEqual(SHEET.map(([id]) => `indicator-${id}`));

    // Empty sheet: 0, no grade, every dimension under its minimum.
    await textIs('sheet-total', '0');
    await textIs('sheet-grade', '无等级');
    await expect(page.locator('[data-testid=dimension-min-warning]').isVisible()).resolves.toBe(true);

    // The maximum is enforced by the field: 95 on 诚信 (max 80) becomes 80.
    await score('8.2', 95);
    await textIs('dimension-total-8.2', '80');
    await expect(page.locator('[data-testid="score-8.2"] input').inputValue()).resolves.toBe('80.0');

    // 意识 at 30 is still under its minimum of 40: the warning names it.
    await score('8.1.1', 30);
    await textIs('dimension-total-8.1', '30');
    await expect(page.locator('[data-testid=dimension-min-warning]').textContent()).resolves.toContain('意识');

    for (const [id, value] of SHEET) await score(id, value);
    await textIs('dimension-total-8.1', '120');
    await textIs('dimension-total-8.2', '60');
    await textIs('dimension-total-8.3', '60');
    await textIs('dimension-total-8.4', '200');
    await textIs('dimension-total-8.5', '260');
    await textIs('sheet-total', '700');
    await textIs('sheet-grade', 'AAAA');
    await expect(page.locator('[data-testid=dimension-min-warning]').count()).resolves.toBe(0);
    await page.screenshot({ path: join(OUT, 'evaluation-sheet-filled.png'), fullPage: true });

    await page.fill('[data-testid=sheet-comment]', '各项材料翔实，面试表现良好。');
    await page.click('[data-testid=sheet-submit]');
    await page.waitForSelector('[data-testid=sheet-saved][data-grade=AAAA]', { timeout: 15_000 });
    await page.screenshot({ path: join(OUT, 'evaluation-sheet-submitted.png'), fullPage: true });

    // The API holds the sheet, graded by the same policy function.
    const detail: EvaluationApplicationDetail = (await t.http().get(`/api/evaluation/applications/${applicationId}`).set('Authorization', evaluatorAuth).expect(200)).body;
    const mine = detail.sheets.find((s) => s.leader);
    expect(mine?.result).toMatchObject({ total: 700, grade: 'AAAA' });
    expect(mine?.scores).toEqual(Object.fromEntries(SHEET));
  }, 120_000);

  it('issues the certificate; the print view carries the QR code and the public page shows 有效', async () => {
    // The member's sheet and the interview, then the leader's report and the certificate (API).
    const memberAuth = await bearer(t.http, member.username, PASSWORD);
    await t.http().post(`/api/evaluation/applications/${applicationId}/sheets`).set('Authorization', memberAuth).send({ scores: Object.fromEntries(SHEET) }).expect(200);
    await t.http().post(`/api/evaluation/applications/${applicationId}/interview`).set('Authorization', evaluatorAuth).send({ date: chinaDate(new Date()), notes: '面试答辩表现良好' }).expect(200);
    const reported = await t.http().post(`/api/evaluation/applications/${applicationId}/report`).set('Authorization', evaluatorAuth).send({ scores: Object.fromEntries(SHEET), conclusion: '认定为 AAAA 级' });
    if (reported.status !== 200) throw new Error(`report failed: ${reported.status} ${JSON.stringify(reported.body)}`);
    const issued = await t.http().post(`/api/evaluation/applications/${applicationId}/certificate`).set('Authorization', evaluatorAuth);
    if (issued.status !== 201) throw new Error(`certificate failed: ${issued.status} ${JSON.stringify(issued.body)}`);
    const certificate = issued.body as CertificateDetail;
    expect(certificate.number).toMatch(/^CQO-420000-\d{4}-\d{6}$/);

    await page.goto(`${base}/evaluation/certificates/${certificate.id}/print`);
    await page.waitForSelector('[data-testid=cert-qr]', { timeout: 15_000 });
    await textIs('cert-print-number', certificate.number);
    await expect(text('cert-verify-url')).resolves.toBe(`${base}${certificate.verifyPath}`);
    await page.screenshot({ path: join(OUT, 'evaluation-certificate-print.png'), fullPage: true });

    // Anyone, not signed in, checks it.
    const context: BrowserContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1024, height: 800 } });
    try {
      const visitor = await context.newPage();
      await visitor.goto(`${base}${certificate.verifyPath}`);
      const status = visitor.locator('[data-testid=cert-verify-status]');
      await status.waitFor({ timeout: 15_000 });
      await expect(status.getAttribute('data-status')).resolves.toBe('valid');
      await expect(status.textContent()).resolves.toContain('有效');
      await expect(visitor.locator('[data-testid=cert-verify-grade]').textContent()).resolves.toBe('AAAA');
      await visitor.screenshot({ path: join(OUT, 'evaluation-certificate-verify.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('shows the province the grade distribution on its dashboard and lets it add the holder to the talent pool', async () => {
    const context: BrowserContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    try {
      const province = await context.newPage();
      await province.goto(`${base}/login`);
      await province.fill('[data-testid=login-username]', 'province');
      await province.fill('[data-testid=login-password]', DEMO_PASSWORD);
      await province.click('[data-testid=login-submit]');
      const card = province.locator('[data-testid=grade-distribution-card]');
      await card.waitFor({ timeout: 20_000 });
      await waitFor(async () => (await province.locator('[data-testid=grade-total-AAAA]').textContent())?.trim() === '1', 15_000);
      await card.locator('canvas').first().waitFor({ timeout: 15_000 });
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(OUT, 'evaluation-grade-distribution.png') });

      await province.goto(`${base}/evaluation/certificates`);
      await province.locator('[data-testid=cert-add-talent]').first().click();
      await province.click('[data-testid=reason-dialog-confirm]');
      await province.goto(`${base}/evaluation/talent-pool`);
      await province.locator('[data-testid=talent-table] tbody tr').first().waitFor({ timeout: 15_000 });
      await expect(province.locator('[data-testid=talent-table] tbody tr').count()).resolves.toBe(1);
      await province.screenshot({ path: join(OUT, 'evaluation-talent-pool.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('shows the enterprise its application, the report and the certificate', async () => {
    const context: BrowserContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    try {
      const enterprise = await context.newPage();
      await enterprise.goto(`${base}/login`);
      await enterprise.fill('[data-testid=login-username]', 'ent-1');
      await enterprise.fill('[data-testid=login-password]', DEMO_PASSWORD);
      await enterprise.click('[data-testid=login-submit]');
      await enterprise.waitForURL(/\/my-enterprise/, { timeout: 20_000 });
      await enterprise.goto(`${base}/my/evaluation`);
      await enterprise.locator('[data-testid=my-applications] [data-testid=application-status][data-status=certified]').waitFor({ timeout: 15_000 });
      await expect(enterprise.locator('[data-testid=my-certificates] [data-testid=certificate-status][data-status=valid]').count()).resolves.toBe(1);
      await enterprise.locator('[data-testid=my-applications] tbody tr').first().click();
      await enterprise.waitForSelector('[data-testid=application-report]', { timeout: 15_000 });
      await expect(enterprise.locator('[data-testid=report-grade]').textContent()).resolves.toContain('AAAA');
      // The applicant never sees the members' sheets.
      await expect(enterprise.locator('[data-testid=application-sheets]').count()).resolves.toBe(0);
      await enterprise.screenshot({ path: join(OUT, 'evaluation-application-enterprise.png'), fullPage: true });

      // The application form renders the same sheet for the self-assessment.
      await enterprise.goto(`${base}/my/evaluation/new`);
      await enterprise.waitForSelector('[data-testid=self-assessment-sheet] [data-testid="score-8.1.1"]', { timeout: 15_000 });
      await textIsOn(enterprise, 'sheet-total', '0');
    } finally {
      await context.close();
    }
  }, 90_000);
});
