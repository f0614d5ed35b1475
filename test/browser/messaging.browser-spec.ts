import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { chinaDate, currentReportingYear } from '@cqo/policy';
import { launchChromium, signInAt } from '../support/browser';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser, phone } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');

/**
 * E-mail and SMS as their users see them (issue 22): an enterprise user switches SMS off on the
 * account page and the choice is still off after a reload; a city officer who sent a 催报 opens its
 * 发送记录 next to the enterprise in 报送情况 and sees each message sent, failed or not sent (and
 * why), with the phone numbers masked. A real worker sends through an HTTP SMS gateway started here;
 * no SMTP server is configured, so e-mail is recorded as not sent (no channel).
 */
describe('messaging preferences and the delivery log in Chromium', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let gateway: Server;
  let browser: Browser;
  let base: string;
  const year = currentReportingYear(chinaDate(new Date()));
  const okPhone = phone();
  const badPhone = phone();
  let ent: { id: string; name: string };
  let optingOut: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
    // The gateway refuses one number (4xx: failed at once, not retried) and accepts every other.
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string };
        res.statusCode = body.to === badPhone ? 400 : 200;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const config = testConfig({
      DATABASE_URL: await privateDatabase('messaging_browser'),
      CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:messaging-browser`,
      SMS_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
      MESSAGE_QUIET_HOURS: 'off',
      OUTBOX_RETRY_DELAY_MS: '50',
    });
    t = await createTestApp({ config, serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    worker = await startTestWorker(config);

    ent = await makeEnterprise(t.db, '420102');
    optingOut = (await makeUser(t.db, 'enterprise', { enterpriseId: ent.id })).username;
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    await t.http().put(`/api/filing-settings/${year}`).set('Authorization', province)
      .send({ windowOpens: `${year}-01-01`, enterpriseDeadline: `${year + 1}-03-30`, cityDeadline: `${year + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 })
      .expect(200);
    await t.http().post(`/api/enterprises/${ent.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${year}-01-01`, { phone: okPhone }))
      .expect(201);
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    await new Promise((r) => gateway?.close(r));
  });

  const signIn = (username: string) => signInAt(browser, base, username);

  const smsBox = (page: Page) => page.locator('[data-testid=message-prefs-sms-enabled]');

  it('an enterprise user switches SMS off on the account page; after a reload it is still off (and e-mail still on)', async () => {
    const { context, page } = await signIn(optingOut);
    try {
      await page.goto(`${base}/account/password`);
      await page.waitForSelector('[data-testid=message-preferences]', { timeout: 20_000 });
      await expect(smsBox(page).getAttribute('class')).resolves.toContain('is-checked');
      await smsBox(page).click();
      await page.click('[data-testid=message-prefs-save]');
      await page.waitForSelector('.el-message--success', { timeout: 10_000 });

      await page.reload();
      await page.waitForSelector('[data-testid=message-preferences]', { timeout: 20_000 });
      await expect(smsBox(page).getAttribute('class')).resolves.not.toContain('is-checked');
      await expect(page.locator('[data-testid=message-prefs-email-enabled]').getAttribute('class')).resolves.toContain('is-checked');
      await page.screenshot({ path: join(OUT, 'message-preferences.png') });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('the officer opens the 发送记录 of a 催报 they sent: sent, failed and not-sent with the reason, numbers masked', async () => {
    // Two more users of the enterprise: one whose own number the gateway accepts, one it refuses.
    const sends = await makeUser(t.db, 'enterprise', { enterpriseId: ent.id });
    const fails = await makeUser(t.db, 'enterprise', { enterpriseId: ent.id });
    await t.db.query(`UPDATE app_user SET phone = $2 WHERE id = $1`, [fails.id, badPhone]);
    const officer = await makeUser(t.db, 'city', { regionCode: '420100' });
    await t.http().post('/api/annual-reports/remind').set('Authorization', await bearer(t.http, officer.username)).send({ year, enterpriseIds: [ent.id] }).expect(200);
    const smsStatus = async (userId: string) => (await t.db.query(`SELECT status FROM message_delivery WHERE user_id = $1 AND channel = 'sms'`, [userId]))[0]?.status;
    await waitFor(async () => (await smsStatus(sends.id)) === 'sent' && (await smsStatus(fails.id)) === 'failed', 30_000);

    const { context, page } = await signIn(officer.username);
    try {
      await page.goto(`${base}/annual-reports/status?year=${year}`);
      const row = page.locator('[data-testid=status-enterprises] .el-table__row', { hasText: ent.name });
      await row.locator('[data-testid=status-message-log]').click({ timeout: 20_000 });
      const table = page.locator('[data-testid=status-message-log-table]');
      await table.locator('.el-table__row').nth(5).waitFor({ timeout: 15_000 });
      const text = await table.innerText();
      expect(text).toContain('已发送');
      expect(text).toContain('发送失败');
      expect(text).toContain('未发送');
      expect(text).toContain('opted out');
      expect(text).toContain('no channel');
      // Contact details stay masked in the list (SPEC §1): the masked form, never the number.
      expect(text).toContain(`${okPhone.slice(0, 3)}****${okPhone.slice(-4)}`);
      expect(text).not.toContain(okPhone);
      expect(text).not.toContain(badPhone);
      expect(await page.content()).not.toContain(okPhone);
      await page.screenshot({ path: join(OUT, 'message-log.png') });
    } finally {
      await context.close();
    }
  }, 120_000);
});
