import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chinaDate, currentReportingYear } from '@cqo/policy';
import { launchChromium, serveBuiltApp, signInAt } from '../support/browser';
import { bearer, completeReport, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import type { TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');

/**
 * Reviewing reports one after another (issue 20 item 7): a city officer opens the first report of
 * the queue, steps with the keyboard, accepts it, and the drawer moves on to the next; returns that
 * one with a reason and moves on again; accepts the last with the 下一份 button's neighbour gone.
 */
describe('the review queue walked report by report in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let officer: string;
  const year = currentReportingYear(chinaDate(new Date()));
  const names: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    ({ t, base } = await serveBuiltApp(ROOT));
    officer = (await makeUser(t.db, 'city', { regionCode: '420500' })).username;
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    // Three enterprises of one county (宜昌 西陵区), submitted in this order (the queue sorts by submission time).
    for (const n of ['甲', '乙', '丙']) {
      const e = await makeEnterprise(t.db, '420502', { name: `审核${n}质造有限公司` });
      await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(`${year}-01-01`, { explanation: '补录历史聘任' })).expect(201);
      const filer = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
      await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${year}/submit`).set('Authorization', filer)
        .send({ data: completeReport(), version: 0 }).expect(200);
      names.push(e.name);
      ids.push(e.id);
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const drawer = (page: Page) => page.locator('[data-testid=review-drawer]');
  async function showing(page: Page, name: string, position: string | null): Promise<void> {
    await page.locator('.el-drawer__header').filter({ hasText: name }).waitFor({ timeout: 10_000 });
    await drawer(page).locator('[data-testid=annual-report-view]').waitFor({ timeout: 10_000 });
    if (position) await page.locator('[data-testid=review-position]').filter({ hasText: position }).waitFor({ timeout: 10_000 });
  }
  async function confirm(page: Page, reason?: string): Promise<void> {
    const dialog = page.locator('[data-testid=review-dialog]');
    await dialog.locator('[data-testid=review-confirm]').waitFor({ state: 'visible', timeout: 10_000 });
    if (reason) await dialog.locator('textarea[data-testid=review-reason]').fill(reason);
    await dialog.locator('[data-testid=review-confirm]').click();
  }

  it('the queue is searched by part of the enterprise name (Enter), and the search stays in the address', async () => {
    const { context, page } = await signInAt(browser, base, officer);
    try {
      await page.goto(`${base}/annual-reports/review?year=${year}&status=all`); // 全部: every status (the api's default is submitted)
      await page.locator(`[data-testid="review-row-${names[0]}"]`).waitFor({ timeout: 15_000 });
      await page.locator('input[data-testid=review-search]').fill('审核乙');
      await page.locator('input[data-testid=review-search]').press('Enter');
      await page.locator(`[data-testid="review-row-${names[0]}"]`).waitFor({ state: 'detached', timeout: 10_000 });
      expect(await page.locator('[data-testid^="review-row-审核"]').allInnerTexts()).toEqual([names[1]]);
      expect(new URL(page.url()).searchParams.get('q')).toBe('审核乙');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('accept, return with a reason, accept: the drawer moves on to the next report each time; J/K step through the list', async () => {
    const { context, page } = await signInAt(browser, base, officer);
    try {
      await page.goto(`${base}/annual-reports/review?year=${year}`);
      await page.locator(`[data-testid="review-row-${names[0]}"]`).click({ timeout: 15_000 });
      await showing(page, names[0], '第 1 / 3 份');
      expect(await page.locator('[data-testid=review-prev]').isDisabled()).toBe(true);

      // Keyboard: J to the next, K back.
      await page.keyboard.press('j');
      await showing(page, names[1], '第 2 / 3 份');
      await page.keyboard.press('k');
      await showing(page, names[0], '第 1 / 3 份');

      // 受理 the first: it leaves the queue and the drawer shows the next one.
      await drawer(page).locator('[data-testid=review-accept]').click();
      await confirm(page);
      await showing(page, names[1], '第 1 / 2 份');

      // 退回 the second (R opens the dialog), with a reason: on to the third.
      await page.keyboard.press('r');
      await confirm(page, '请补充质量提升资金的使用说明');
      await showing(page, names[2], '第 1 / 1 份');
      expect(await page.locator('[data-testid=review-next]').isDisabled()).toBe(true);

      // 受理 the last: nothing left, the drawer stays on it, now accepted (no more actions).
      await drawer(page).locator('[data-testid=review-accept]').click();
      await confirm(page);
      await drawer(page).locator('[data-testid=review-accept]').waitFor({ state: 'detached', timeout: 10_000 });
      await page.locator(`[data-testid="review-row-${names[2]}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      await context.close();
    }
    const rows: { enterprise_id: string; status: string; return_reason: string | null }[] = await t.db.query(
      `SELECT enterprise_id, status, return_reason FROM annual_report WHERE enterprise_id = ANY($1::uuid[]) AND year = $2`,
      [ids, year],
    );
    const byId = new Map(rows.map((r) => [r.enterprise_id, r]));
    expect(ids.map((id) => byId.get(id)?.status)).toEqual(['accepted', 'returned', 'accepted']);
    expect(byId.get(ids[1])?.return_reason).toBe('请补充质量提升资金的使用说明');
  }, 90_000);

  it('审核 in the row opens the drawer; the soft-rule hits show whole at 1440 and 390 px; the history names who took each step', async () => {
    // Another city, so the queue walked above is not touched.
    const xiangyang = (await makeUser(t.db, 'city', { regionCode: '420600' })).username;
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const e = await makeEnterprise(t.db, '420602', { name: '柔性提示长文本测试精密制造有限公司' });
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${year}-01-01`, { explanation: '补录历史聘任' })).expect(201);
    const filerUser = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    const filer = await bearer(t.http, filerUser.username);
    const submitted = await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${year}/submit`).set('Authorization', filer)
      .send({ data: completeReport({ hasAppraisalSystem: false, appraisalResult: null, appraisalDecision: null, qualityFund: 0 }), version: 0, explanation: '考核制度正在制定，经费并入技改' }).expect(200);
    // A step recorded without an account (as the demo seeds them) and one with neither account nor role.
    await t.db.query(
      `INSERT INTO report_event (report_type, report_id, from_status, to_status, actor_id, actor_role, reason, at) VALUES
         ('annual', $1, 'submitted', 'submitted', NULL, 'city', NULL, now()), ('annual', $1, 'submitted', 'submitted', NULL, NULL, NULL, now())`,
      [submitted.body.id],
    );

    for (const width of [1440, 390]) {
      const { context, page } = await signInAt(browser, base, xiangyang);
      try {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${base}/annual-reports/review?year=${year}`);
        const open = page.locator(`[data-testid="review-open-${e.name}"]`);
        await open.waitFor({ timeout: 15_000 });
        expect((await open.innerText()).trim()).toBe('审核');

        // The long hit in the queue's row wraps inside its tag: nothing of it is cut.
        const tag = page.locator('[data-testid=review-hit-no-appraisal-system]');
        expect((await tag.innerText()).trim()).toBe('企业尚未建立首席质量官任职绩效考核制度');
        const fit = await tag.evaluate((el) => {
          const cell = el.closest('td')!.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          return { cut: el.scrollWidth > el.clientWidth + 1, inside: box.left >= cell.left - 1 && box.right <= cell.right + 1 };
        });
        expect(fit).toEqual({ cut: false, inside: true });

        await open.click();
        await showing(page, e.name, null);
        const hit = drawer(page).locator('[data-testid=soft-hit-no-appraisal-system]');
        const inDrawer = await hit.evaluate((el) => {
          const d = el.closest('.el-drawer')!.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          return { cut: el.scrollWidth > el.clientWidth + 1, inside: box.left >= d.left - 1 && box.right <= d.right + 1 };
        });
        expect(inDrawer).toEqual({ cut: false, inside: true });
        expect(await hit.innerText()).toContain('企业尚未建立首席质量官任职绩效考核制度');

        const actors = (await drawer(page).locator('[data-testid=report-history-actor]').allInnerTexts()).map((s) => s.trim());
        expect(actors).toEqual([`${filerUser.username}（${e.name} · 企业）`, '襄阳市（市州质强办）', '系统']);
        await page.waitForTimeout(400); // the drawer's slide-in, for the picture
        await page.screenshot({ path: join(ROOT, `test-output/browser/review-drawer-${width}.png`) });
      } finally {
        await context.close();
      }
    }
  }, 120_000);
});
