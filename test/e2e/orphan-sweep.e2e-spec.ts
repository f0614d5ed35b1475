import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Bull from 'bull';
import type { FileJobInfo } from '@cqo/contracts';
import { FileJobRunner } from '@cqo/server-files';
import { bearer, creditCode, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { rosterCqo, rosterWorkbook } from '../support/roster';
import { TestS3 } from '../support/s3';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

const DAY = 24 * 3600_000;

/**
 * The daily sweep of orphan objects (issue 21 item 4): an object of the product's kinds that no row
 * names and that is older than a day is removed — what a request leaves behind when its transaction
 * rolls back after the file was written. Objects rows name, young objects, and keys the product
 * never writes stay. In a folder (the worker runs the scheduled job) and in an S3 bucket (s3rver).
 */
describe('the daily sweep of orphan objects (issue 21)', () => {
  const env = testEnv();
  let t: TestApp;
  let worker: INestApplicationContext;
  let dir: string;
  let city: string;
  let upload: FileJobInfo;
  let s3: TestS3 | null = null;
  let databaseUrl: string;

  const poll = (id: string) =>
    waitFor(async () => {
      const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${id}`).set('Authorization', city).expect(200)).body;
      return ['queued', 'running'].includes(j.status) ? null : j;
    }, 30_000, 150);
  const keys = async (): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (d: string, prefix: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(d, e.name), `${prefix}${e.name}/`);
        else out.push(`${prefix}${e.name}`);
      }
    };
    await walk(dir, '');
    return out.sort();
  };
  /** A file in the folder, dated `ageMs` ago. */
  const put = async (key: string, ageMs: number) => {
    const path = join(dir, key);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, 'bytes');
    const at = new Date(Date.now() - ageMs);
    await utimes(path, at, at);
  };
  const age = async (key: string, ageMs: number) => {
    const at = new Date(Date.now() - ageMs);
    await utimes(join(dir, key), at, at);
  };

  beforeAll(async () => {
    databaseUrl = await privateDatabase('orphans');
    dir = await mkdtemp(join(tmpdir(), 'cqo-orphans-'));
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_FILES_DIR: dir, CQO_REDIS_PREFIX: `${env.redisPrefix}-orphans`, CQO_FILE_JOB_STEP_DELAY_MS: '0' });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    city = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    // A real upload: a dry run of the roster import; its upload and its error workbook are named by rows.
    const good = { 统一社会信用代码: creditCode('420102'), 企业名称: '孤儿清理测试有限公司', 所在地区代码: '420102', 是否规上: '是', 企业类型: '民营', 所属行业: 'C', ...rosterCqo(1, 'ORP') };
    const bad = { ...good, 统一社会信用代码: '123', ...rosterCqo(2, 'ORP') };
    const res = await t.http().post('/api/files/imports/roster').set('Authorization', city)
      .field('mode', 'keep-valid').field('dryRun', 'true').attach('file', await rosterWorkbook([good, bad]), '名册.xlsx').expect(202);
    upload = await poll(res.body.id);
    expect(upload.status).toBe('succeeded');
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('in the folder: the scheduled job removes old orphans, keeps what rows name, young objects and foreign files', async () => {
    const named = await keys();
    expect(named).toContain(`${upload.id}.upload.xlsx`);
    expect(named.filter((k) => k.startsWith('import-errors/'))).toHaveLength(1);
    for (const k of named) await age(k, 3 * DAY);

    const orphans = [`${randomUUID()}.upload.xlsx`, `${randomUUID()}.export.xlsx`, `evidence/${randomUUID()}`, `import-errors/${randomUUID()}.xlsx`, `city-report-${randomUUID()}-1764800000000-${randomUUID()}.xlsx`];
    for (const k of orphans) await put(k, 2 * DAY);
    const young = `evidence/${randomUUID()}`;
    await put(young, 2 * 3600_000);
    const foreign = 'exports/wuhan.xlsx';
    await put(foreign, 30 * DAY);

    // Through the queue, as the schedule runs it.
    const files = new Bull('files', { redis: env.redisUrl, prefix: `${env.redisPrefix}-orphans` });
    try {
      const job = await files.add('files.orphans', {}, { removeOnComplete: false });
      expect(await job.finished()).toBe(orphans.length);
    } finally {
      await files.close();
    }
    expect(await keys()).toEqual([...named, young, foreign].sort());
    // The job's upload is still served: what a row names was not touched.
    await t.http().get(upload.errorReportUrl!).set('Authorization', city).expect(200);
    // Run again: nothing more to remove.
    expect(await worker.get(FileJobRunner).sweepOrphans()).toEqual([]);
  }, 60_000);

  it('in an S3 bucket: an orphan older than a day is removed, a named object stays', async () => {
    s3 = await TestS3.start();
    const bucket = await s3.bucket('cqo-orphans');
    // A worker of its own on the bucket (same database; its own queues, so it takes no job of the folder's worker).
    const s3Worker = await startTestWorker(testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}-orphans-s3`, ...s3.env('cqo-orphans') }));
    try {
      const named = `${upload.id}.upload.xlsx`;
      const orphan = `evidence/${randomUUID()}`;
      await bucket.put(named, Buffer.from('named'));
      await bucket.put(orphan, Buffer.from('orphan'));
      const sweep = s3Worker.get(FileJobRunner);
      // s3rver dates an object when it is written: the sweep is run as of two days later.
      expect(await sweep.sweepOrphans()).toEqual([]);
      expect(await sweep.sweepOrphans(new Date(Date.now() + 2 * DAY))).toEqual([orphan]);
      const left: string[] = [];
      for await (const o of bucket.list()) left.push(o.key);
      expect(left).toEqual([named]);
    } finally {
      await s3Worker.close();
      bucket.destroy();
    }
  }, 60_000);
});
