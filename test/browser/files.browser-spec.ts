import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import type { AttachmentExportSummary, FileJobInfo } from '@cqo/contracts';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { launchChromium } from '../support/browser';
import { bearer, creditCode } from '../support/fixtures';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');
const CITY_USER = 'city-420100';

/**
 * Long spreadsheet jobs in Chromium (issue 7): a 市州 officer exports the attachment table from its
 * dashboard and watches the bar reach 100% before downloading the workbook; then imports a roster
 * in two steps (check, confirm). The jobs run in a real worker in this process, on a seeded demo
 * province; the worker waits after each progress report so the bar is seen moving.
 */
describe('attachment export, roster import and training import in Chromium', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let page: Page;
  let base: string;
  let filesDir: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html')) || !existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const env = testEnv();
    const databaseUrl = await seededDemoDatabase('files', 400);
    filesDir = mkdtempSync(join(tmpdir(), 'cqo-files-browser-'));
    // The api and the worker share the database, the Redis prefix and the files directory.
    const config = testConfig({
      DATABASE_URL: databaseUrl,
      CQO_REDIS_PREFIX: `${env.redisPrefix}:files`,
      CQO_FILES_DIR: filesDir,
      CQO_FILE_JOB_STEP_DELAY_MS: '1000',
    });
    t = await createTestApp({ config, serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
    worker = await startTestWorker(config);
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    mkdirSync(OUT, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  const percentOf = (scope: string) => page.getAttribute(`${scope} [data-testid=job-progress]`, 'data-percent', { timeout: 5_000 });

  /** Reads the bar's percent every 100 ms until it shows 100; returns every value seen. */
  async function watchToFull(scope: string, timeoutMs: number): Promise<number[]> {
    const seen: number[] = [];
    await waitFor(
      async () => {
        const value = Number(await percentOf(scope));
        if (seen[seen.length - 1] !== value) seen.push(value);
        const status = await page.getAttribute(`${scope} [data-testid=job-progress]`, 'data-status');
        if (status === 'failed' || status === 'cancelled') throw new Error(`the job ${status}: ${await page.textContent(scope)}`);
        return value === 100;
      },
      timeoutMs,
      100,
    ).catch((error: unknown) => {
      throw new Error(`the bar did not reach 100% (seen ${seen.join(', ')}): ${String(error)}`);
    });
    return seen;
  }

  it('exports the attachment table of the city with a progress bar and downloads the workbook', async () => {
    await page.goto(`${base}/login`);
    await page.fill('[data-testid=login-username]', CITY_USER);
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=dashboard-page]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=dashboard-region]', { timeout: 15_000 });

    await page.click('[data-testid=export-attachment]');
    const dialog = '[data-testid=export-dialog]';
    await page.waitForSelector(dialog, { state: 'visible', timeout: 10_000 });
    await expect(page.textContent(`${dialog} [data-testid=export-region]`)).resolves.toBe('武汉市');
    await page.click('[data-testid=export-confirm]');

    const seen = await watchToFull(dialog, 90_000);
    // The bar starts below 100 (the job is queued, then runs) and never goes back.
    expect(seen[0]).toBeLessThan(100);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await expect(page.getAttribute(`${dialog} [data-testid=job-progress] [role=progressbar]`, 'aria-valuenow')).resolves.toBe('100');
    await expect(page.getAttribute(`${dialog} [data-testid=job-status]`, 'data-status')).resolves.toBe('succeeded');
    await page.screenshot({ path: join(OUT, 'files-export-done.png'), fullPage: true });

    const jobId = await page.getAttribute(`${dialog} [data-testid=job-progress]`, 'data-job-id');
    const token = await bearer(t.http, CITY_USER, DEMO_PASSWORD);
    const job: FileJobInfo = (await t.http().get(`/api/files/jobs/${jobId}`).set('Authorization', token).expect(200)).body;
    const summary = job.result as AttachmentExportSummary;
    expect(summary.region).toBe('420100');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click(`${dialog} [data-testid=job-download]`)]);
    expect(download.suggestedFilename()).toBe(summary.fileName);
    expect(download.suggestedFilename()).toMatch(/^武汉市.*\.xlsx$/);
    const path = join(OUT, 'files-attachment.xlsx');
    await download.saveAs(path);
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(summary.sha256);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(expect.arrayContaining(['基本情况', '汇总']));
  }, 180_000);

  it('lists the export in 我的导出/导入', async () => {
    await page.click('[data-testid=export-my-jobs]');
    await page.waitForSelector('[data-testid=files-jobs-table]', { timeout: 10_000 });
    const row = page.locator('[data-testid=files-jobs-table] tbody tr').first();
    await row.locator('[data-testid=job-status][data-status=succeeded]').waitFor({ timeout: 10_000 });
    await expect(row.locator('[data-testid=job-progress]').getAttribute('data-percent')).resolves.toBe('100');
    await expect(row.locator('[data-testid=job-download]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(OUT, 'files-jobs.png'), fullPage: true });
  }, 60_000);

  it('checks a roster first, shows the rejected row, then imports the good one', async () => {
    await page.goto(`${base}/files/roster-import`);
    await page.waitForSelector('[data-testid=roster-import-page]', { timeout: 15_000 });

    // The template from the page, filled in: one good enterprise (no CQO) and one with a wrong check character.
    const [templateDownload] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('[data-testid=roster-template]')]);
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(readFileSync((await templateDownload.path()) as string) as unknown as ArrayBuffer);
    const sheet = template.worksheets[0];
    const columns = new Map<string, number>();
    sheet.getRow(1).eachCell((cell, col) => columns.set(String(cell.value).replace(/\*$/, ''), col));
    const good = creditCode('420102');
    const valid = creditCode('420103');
    const bad = `${valid.slice(0, 17)}${valid.at(-1) === '0' ? '1' : '0'}`;
    const fill = (rowNumber: number, values: Record<string, string>) => {
      for (const [column, value] of Object.entries(values)) sheet.getRow(rowNumber).getCell(columns.get(column) as number).value = value;
    };
    fill(2, { 统一社会信用代码: good, 企业名称: '浏览器导入测试有限公司', 所在地区代码: '420102', 是否规上: '是' });
    fill(3, { 统一社会信用代码: bad, 企业名称: '校验位错误测试有限公司', 所在地区代码: '420103', 是否规上: '否' });
    const upload = join(OUT, 'files-roster.xlsx');
    await template.xlsx.writeFile(upload);

    await page.setInputFiles('[data-testid=roster-upload] input[type=file]', upload);
    await page.click('[data-testid=roster-mode-keep]');
    await page.click('[data-testid=roster-dry-run]');

    await watchToFull('[data-testid=roster-job]', 60_000);
    const result = page.locator('[data-testid=roster-result]');
    await result.waitFor({ timeout: 10_000 });
    await expect(result.getAttribute('data-dry-run')).resolves.toBe('true');
    await expect(result.locator('[data-testid=roster-total]').textContent()).resolves.toBe('2');
    await expect(result.locator('[data-testid=roster-rejected]').textContent()).resolves.toBe('1');
    const rejected = page.locator('[data-testid=roster-rejected-table] tbody tr');
    await expect(rejected.count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(rejected.first().textContent()).resolves.toContain('统一社会信用代码');
    await expect(page.locator('[data-testid=roster-error-report]').count()).resolves.toBe(1);
    // A dry run writes nothing.
    await expect(t.db.query('SELECT 1 FROM enterprise WHERE credit_code = $1', [good])).resolves.toHaveLength(0);
    await page.screenshot({ path: join(OUT, 'files-roster-dry-run.png'), fullPage: true });

    await page.click('[data-testid=roster-commit]');
    await page.waitForSelector('[data-testid=roster-job][data-stage=commit]', { timeout: 10_000 });
    await watchToFull('[data-testid=roster-job]', 60_000);
    const committed = page.locator('[data-testid=roster-result][data-dry-run=false]');
    await committed.waitFor({ timeout: 10_000 });
    await expect(committed.getAttribute('data-committed')).resolves.toBe('true');
    await expect(committed.locator('[data-testid=roster-inserted]').textContent()).resolves.toBe('1');
    await expect(t.db.query('SELECT region_code FROM enterprise WHERE credit_code = $1', [good])).resolves.toEqual([{ region_code: '420102' }]);
    await expect(t.db.query('SELECT 1 FROM enterprise WHERE credit_code = $1', [bad])).resolves.toHaveLength(0);
    await page.screenshot({ path: join(OUT, 'files-roster-committed.png'), fullPage: true });
  }, 180_000);

  it('imports providers\' training records as a job (issue 18 item 1): the page follows it and shows the result', async () => {
    // A Wuhan enterprise of the demo data with an active CQO, and the §8 columns of the template.
    const [cqo] = await t.db.query(
      `SELECT e.credit_code, p.name FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id JOIN cqo_person p ON p.id = a.person_id
        WHERE a.status = 'active' AND e.region_path LIKE '/420000/420100/%' ORDER BY e.credit_code LIMIT 1`,
    );
    await page.goto(`${base}/training/import`);
    await page.waitForSelector('[data-testid=training-import-page]', { timeout: 15_000 });
    const [templateDownload] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('[data-testid=import-template]')]);
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(readFileSync((await templateDownload.path()) as string) as unknown as ArrayBuffer);
    const sheet = template.worksheets[0];
    const lastYear = Number(new Date().toISOString().slice(0, 4)) - 1;
    const row = (no: string, hours: number) => [no, cqo.name, cqo.credit_code, '继续教育(第一类)', '浏览器导入课程', '湖北省质量协会', `${lastYear}-05-06`, `${lastYear}-05-06`, hours];
    sheet.getRow(2).values = row(`BR-${Date.now()}-1`, 4);
    sheet.getRow(3).values = row(`BR-${Date.now()}-2`, 9); // more than 8 hours in one day
    const upload = join(OUT, 'files-training.xlsx');
    await template.xlsx.writeFile(upload);

    await page.setInputFiles('[data-testid=import-file] input[type=file]', upload);
    await page.click('[data-testid=import-mode-keep]');
    await page.click('[data-testid=import-submit]');

    await watchToFull('[data-testid=import-job]', 60_000);
    const result = page.locator('[data-testid=import-result]');
    await result.waitFor({ timeout: 10_000 });
    await expect(result.getAttribute('data-committed')).resolves.toBe('true');
    await expect(result.locator('[data-testid=import-total]').textContent()).resolves.toBe('2');
    await expect(result.locator('[data-testid=import-inserted]').textContent()).resolves.toBe('1');
    await expect(result.locator('[data-testid=import-rejected]').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-testid=import-rejected-table] tbody tr').first().textContent()).resolves.toContain('学时');
    await expect(page.locator('[data-testid=import-error-report]').count()).resolves.toBe(1);
    await expect(t.db.query(`SELECT count(*)::int AS n FROM training_record WHERE certificate_no LIKE 'BR-%'`)).resolves.toEqual([{ n: 1 }]);
    // Finished: another file may be uploaded.
    await expect(page.locator('[data-testid=import-submit]').isDisabled()).resolves.toBe(false);
    await page.screenshot({ path: join(OUT, 'files-training-import.png'), fullPage: true });
  }, 120_000);
});
