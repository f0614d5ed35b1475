import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { FileJobInfo } from '@cqo/contracts';
import { bearer, creditCode, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { rosterCqo, rosterWorkbook, type RosterRow } from '../support/roster';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

type Row = RosterRow;
const workbook = rosterWorkbook;

function rosterRow(i: number, county: string): Row {
  return {
    统一社会信用代码: creditCode(county),
    企业名称: `任务测试企业${i}有限公司`,
    所在地区代码: county,
    是否规上: i % 2 ? '是' : '否',
    企业类型: '民营',
    所属行业: 'C',
    ...rosterCqo(i, 'JOB'),
  };
}

/**
 * Export and import as jobs (issue 7), end to end on real Postgres and Redis: the api checks and
 * queues, the worker (in this process) runs them, the user polls, cancels and downloads.
 */
describe('file jobs: roster import and attachment export through the worker', () => {
  const env = testEnv();
  let t: TestApp;
  let worker: INestApplicationContext;
  let dir: string;
  let city: string;
  let otherCity: string;

  const poll = (auth: string, id: string, until: (j: FileJobInfo) => boolean = (j) => !['queued', 'running'].includes(j.status)) =>
    waitFor(async () => {
      const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${id}`).set('Authorization', auth).expect(200)).body;
      return until(j) ? j : null;
    }, 30_000, 150);
  const files = async () => (existsSync(dir) ? readdir(dir) : []);

  beforeAll(async () => {
    const db = { url: await privateDatabase('filejobs') };
    dir = await mkdtemp(join(tmpdir(), 'cqo-file-jobs-'));
    const config = testConfig({ DATABASE_URL: db.url, CQO_FILES_DIR: dir, CQO_REDIS_PREFIX: `${env.redisPrefix}-filejobs`, CQO_FILE_JOB_STEP_DELAY_MS: '0' });
    t = await createTestApp({ config });
    // The worker waits 400 ms at each progress report (a test hook), so a running export can be cancelled.
    worker = await startTestWorker(testConfig({ DATABASE_URL: db.url, CQO_FILES_DIR: dir, CQO_REDIS_PREFIX: `${env.redisPrefix}-filejobs`, CQO_FILE_JOB_STEP_DELAY_MS: '400' }));
    city = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    otherCity = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420200' })).username);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a refused upload is answered at once with a field error, and leaves no row and no file', async () => {
    const csv = await t.http().post('/api/files/imports/roster').set('Authorization', city).attach('file', Buffer.from('统一社会信用代码,企业名称\n'), 'roster.csv').expect(400);
    expect(csv.body.details).toEqual([expect.objectContaining({ field: 'file', code: 'type' })]);
    const big = await t.http().post('/api/files/imports/roster').set('Authorization', city).attach('file', Buffer.alloc(20 * 1024 * 1024, 1), 'big.xlsx').expect(413);
    expect(big.body.details).toEqual([expect.objectContaining({ field: 'file', code: 'tooLarge' })]);
    expect(big.body.message).toContain('10 MiB');
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM file_job`))[0].n)).toBe(0);
    expect(await files()).toEqual([]);
  });

  it('dry run, then commit: progress reaches 100 %, the rows land once, and only the uploader sees the job', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => rosterRow(i, i % 2 ? '420102' : '420103'));
    const upload = await t.http().post('/api/files/imports/roster').set('Authorization', city).field('mode', 'all-or-nothing').field('dryRun', 'true')
      .attach('file', await workbook(rows), '名册.xlsx').expect(202);
    expect(upload.body).toMatchObject({ kind: 'import-roster', status: 'queued', inputName: '名册.xlsx', params: { mode: 'all-or-nothing', dryRun: true } });
    const dry = await poll(city, upload.body.id);
    expect(dry).toMatchObject({ error: null, status: 'succeeded', percent: 100, result: { total: 30, committed: false, rejected: [] } });
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM enterprise WHERE name LIKE '任务测试企业%'`))[0].n)).toBe(0);

    // Someone else's job is a 404, for reading, cancelling, committing and downloading alike.
    await t.http().get(`/api/files/jobs/${dry.id}`).set('Authorization', otherCity).expect(404);
    await t.http().post(`/api/files/jobs/${dry.id}/commit`).set('Authorization', otherCity).expect(404);
    // An id of the right length that is no UUID is a 404 like an unknown job, never a 500.
    await t.http().get(`/api/files/jobs/${'-'.repeat(36)}`).set('Authorization', city).expect(404);

    const commit = await t.http().post(`/api/files/jobs/${dry.id}/commit`).set('Authorization', city).expect(202);
    const done = await poll(city, commit.body.id);
    expect(done).toMatchObject({ status: 'succeeded', percent: 100, done: 30, total: 30, result: { inserted: 30, committed: true } });
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM enterprise WHERE name LIKE '任务测试企业%'`))[0].n)).toBe(30);
    const mine = (await t.http().get('/api/files/jobs').set('Authorization', city).expect(200)).body as FileJobInfo[];
    expect(mine.map((j) => j.id)).toEqual([commit.body.id, dry.id]);
    expect((await t.http().get('/api/files/jobs').set('Authorization', otherCity).expect(200)).body).toEqual([]);
  }, 60_000);

  it('exports the city attachment table: the downloaded file is the one the job hashed, and it is audited', async () => {
    const year = Number(new Date().toISOString().slice(0, 4));
    await t.http().post('/api/files/exports/attachment').set('Authorization', city).send({ region: '420200', year }).expect(404);
    const bad = await t.http().post('/api/files/exports/attachment').set('Authorization', city).send({ region: '4201', year: 1999 }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['region', 'year']);

    const started = await t.http().post('/api/files/exports/attachment').set('Authorization', city).send({ region: '420100', year }).expect(202);
    const job = await poll(city, started.body.id);
    expect(job).toMatchObject({ status: 'succeeded', percent: 100, downloadUrl: `/api/files/jobs/${job.id}/download`, result: { region: '420100', rows: 30 } });
    const res = await t.http().get(job.downloadUrl!).set('Authorization', city).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const body = res.body as Buffer;
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('武汉市'));
    expect(createHash('sha256').update(body).digest('hex')).toBe(job.outputSha256);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['基本情况', '汇总']);
    await t.http().get(job.downloadUrl!).set('Authorization', otherCity).expect(404);
    const audit = await t.db.query(`SELECT action FROM audit_log WHERE action IN ('export.request', 'export.attachment', 'export.download') ORDER BY id`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['export.request', 'export.attachment', 'export.download']);
  }, 60_000);

  it('cancelling a running export stops it and leaves no file behind', async () => {
    const year = Number(new Date().toISOString().slice(0, 4));
    const started = await t.http().post('/api/files/exports/attachment').set('Authorization', city).send({ region: '420100', year }).expect(202);
    await poll(city, started.body.id, (j) => j.status === 'running');
    const cancelled = await t.http().post(`/api/files/jobs/${started.body.id}/cancel`).set('Authorization', city).expect(200);
    expect(cancelled.body.cancelRequested).toBe(true);
    const job = await poll(city, started.body.id);
    expect(job.status).toBe('cancelled');
    expect(job.downloadUrl).toBeNull();
    expect((await files()).filter((f) => f.startsWith(started.body.id))).toEqual([]);
  }, 60_000);

  it('expired jobs are removed with their files, and expired import runs with their error reports (one retention for every import)', async () => {
    const before = (await files()).length;
    expect(before).toBeGreaterThan(0);
    const runs = async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM import_run`))[0].n);
    expect(await runs()).toBeGreaterThan(0);
    await t.db.query(`UPDATE file_job SET expires_at = now() - interval '1 minute'`);
    await t.db.query(`UPDATE import_run SET expires_at = now() - interval '1 minute'`);
    const { FileJobRunner } = await import('@cqo/server-files');
    expect(await worker.get(FileJobRunner).cleanup()).toBeGreaterThan(0);
    expect(await files()).toEqual([]);
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM file_job`))[0].n)).toBe(0);
    expect(await runs()).toBe(0);
  });
});
