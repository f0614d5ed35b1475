import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { Client } from 'pg';
import type { FileJobInfo } from '@cqo/contracts';
import { chinaDate, yearOf } from '@cqo/policy';
import type { S3FileStorage } from '@cqo/server-storage';
import { creditCode, hubeiEligibleFiling, makeEnterprise, makeUser, PASSWORD } from '../support/fixtures';
import { freePort } from '../support/ports';
import { privateDatabase } from '../support/private-db';
import { rosterCqo, rosterWorkbook } from '../support/roster';
import { objectHashes, TestS3 } from '../support/s3';
import { waitFor } from '../support/test-app';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');
const API = join(ROOT, 'dist/apps/api/src/main.js');
const WORKER = join(ROOT, 'dist/apps/worker/src/main.js');
const BUCKET = 'cqo-e2e-files';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Every file in an S3-compatible object store (issue 21), on real parts: s3rver (a real S3 API over
 * HTTP) as the store, two api processes and a worker of the built product configured with CQO_S3_*,
 * one database and one Redis. A file uploaded through one api is read by the worker and downloaded
 * through the other api — the point of a shared store: no shared file system. The folder
 * CQO_FILES_DIR, also given, stays empty. `/api/health` reports the bucket (`store`), and reports it
 * down once the object store is stopped.
 */
describe('files in an S3 object store, across two apis and a worker (issue 21)', () => {
  let s3: TestS3;
  let bucket: S3FileStorage;
  let databaseUrl: string;
  let db: Client;
  let folder: string;
  const apis: string[] = [];
  const children: ChildProcess[] = [];
  const prefix = `${testEnv().redisPrefix}-s3`;
  const Y = yearOf(chinaDate(new Date()));
  let city: string;
  let province: string;

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testEnv().redisUrl,
    CQO_REDIS_PREFIX: prefix,
    CQO_FILES_DIR: folder,
    JWT_SECRET: 'object-store-test-secret-0123456789abcdef0123456789',
    ...s3.env(BUCKET),
  });
  const startApi = async () => {
    const port = await freePort();
    children.push(spawn(process.execPath, [API], { env: { ...env(), PORT: String(port) }, stdio: 'ignore' }));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status !== undefined, 60_000, 300);
    apis.push(base);
  };
  const call = (api: number, method: string, path: string, token: string, body?: unknown) =>
    fetch(`${apis[api]}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  const bytes = async (r: Response) => Buffer.from(await r.arrayBuffer());
  const signIn = async (username: string) => {
    const r = await fetch(`${apis[0]}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    expect(r.status).toBe(200);
    return ((await r.json()) as { accessToken: string }).accessToken;
  };
  /** A job followed through the given api until it is done. */
  const finished = (api: number, token: string, id: string) =>
    waitFor(async () => {
      const j = (await (await call(api, 'GET', `/api/files/jobs/${id}`, token)).json()) as FileJobInfo;
      return ['queued', 'running'].includes(j.status) ? null : j;
    }, 60_000, 200);
  const rows = { query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows } as never;

  beforeAll(async () => {
    for (const f of [API, WORKER]) if (!existsSync(f)) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    s3 = await TestS3.start();
    bucket = await s3.bucket(BUCKET);
    databaseUrl = await privateDatabase('objstore');
    folder = mkdtempSync(join(tmpdir(), 'cqo-objstore-folder-'));
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await Promise.all([startApi(), startApi()]);
    children.push(spawn(process.execPath, [WORKER], { env: env(), stdio: 'ignore' }));
    city = await signIn((await makeUser(rows, 'city', { regionCode: '420100' })).username);
    province = await signIn((await makeUser(rows, 'province', { regionCode: '420000' })).username);
  }, 120_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    bucket?.destroy();
    await db?.end();
    await s3?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const health = async (api: number) => {
    const r = await fetch(`${apis[api]}/api/health`);
    return { status: r.status, body: (await r.json()) as { status: string; details: Record<string, { status: string; [k: string]: unknown }> } };
  };

  it('/api/health reports the bucket as the store, up', async () => {
    expect((await health(0)).body.details.store).toEqual({ status: 'up', kind: 's3', location: `s3://${BUCKET}` });
    // Healthy as a whole once the worker has reported in.
    const h = await waitFor(async () => {
      const got = await health(1);
      return got.status === 200 ? got : null;
    }, 30_000, 300);
    expect(h.body.details.store).toEqual({ status: 'up', kind: 's3', location: `s3://${BUCKET}` });
  });

  let dryRun: FileJobInfo;

  it('a roster upload through one api is checked by the worker from the bucket; its error workbook is downloaded through the other api', async () => {
    const good = { 统一社会信用代码: creditCode('420102'), 企业名称: '对象存储测试企业有限公司', 所在地区代码: '420102', 是否规上: '是', 企业类型: '民营', 所属行业: 'C', ...rosterCqo(1, 'S3') };
    const bad = { ...good, 统一社会信用代码: '123', 企业名称: '错误代码企业', ...rosterCqo(2, 'S3') };
    const upload = await rosterWorkbook([good, bad]);
    const form = new FormData();
    form.append('mode', 'keep-valid');
    form.append('dryRun', 'true');
    form.append('file', new Blob([new Uint8Array(upload)]), '名册.xlsx');
    const r = await call(0, 'POST', '/api/files/imports/roster', city, form);
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as FileJobInfo;
    // The upload is an object of the bucket, byte for byte.
    expect(sha(await bucket.read(`${id}.upload.xlsx`))).toBe(sha(upload));

    dryRun = await finished(1, city, id);
    expect(dryRun).toMatchObject({ status: 'succeeded', result: { total: 2, rejectedRows: 1 } });
    expect(dryRun.errorReportUrl).toMatch(/^\/api\/roster\/imports\/[0-9a-f-]{36}\/error-report$/);
    const report = await call(1, 'GET', dryRun.errorReportUrl!, city);
    expect(report.status).toBe(200);
    const workbook = await bytes(report);
    expect(workbook.subarray(0, 2).toString()).toBe('PK');
    const runId = /imports\/([0-9a-f-]{36})\//.exec(dryRun.errorReportUrl!)![1];
    expect(sha(await bucket.read(`import-errors/${runId}.xlsx`))).toBe(sha(workbook));
    // Nothing of it is kept in the database.
    expect((await db.query(`SELECT error_report IS NULL AS empty, error_report_key FROM import_run WHERE id = $1`, [runId])).rows).toEqual([{ empty: true, error_report_key: `import-errors/${runId}.xlsx` }]);
  });

  it('the dry run committed through the other api imports a copy of the upload kept in the bucket', async () => {
    const r = await call(1, 'POST', `/api/files/jobs/${dryRun.id}/commit`, city);
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as FileJobInfo;
    expect(sha(await bucket.read(`${id}.upload.xlsx`))).toBe(sha(await bucket.read(`${dryRun.id}.upload.xlsx`)));
    expect(await finished(0, city, id)).toMatchObject({ status: 'succeeded', result: { inserted: 1, rejectedRows: 1 } });
    expect((await db.query(`SELECT count(*)::int AS n FROM enterprise WHERE name = '对象存储测试企业有限公司'`)).rows[0].n).toBe(1);
  });

  let exportJob: FileJobInfo;

  it('an export requested through one api is written to the bucket by the worker and streamed back through the other', async () => {
    const r = await call(0, 'POST', '/api/files/exports/attachment', city, { region: '420100', year: Y });
    expect(r.status).toBe(202);
    exportJob = await finished(0, city, ((await r.json()) as FileJobInfo).id);
    expect(exportJob.status).toBe('succeeded');
    const download = await call(1, 'GET', `/api/files/jobs/${exportJob.id}/download`, city);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(exportJob.outputSize));
    const file = await bytes(download);
    expect(sha(file)).toBe(exportJob.outputSha256);
    expect(sha(await bucket.read(`${exportJob.id}.export.xlsx`))).toBe(exportJob.outputSha256);
  });

  it('an evidence file uploaded through one api is stored in the bucket and downloaded through the other', async () => {
    const e = await makeEnterprise(rows, '420102');
    expect((await call(0, 'POST', `/api/enterprises/${e.id}/appointments`, province, hubeiEligibleFiling('2021-03-01', { name: '存储测试', explanation: '补录' }))).status).toBe(201);
    const ent = await signIn((await makeUser(rows, 'enterprise', { enterpriseId: e.id })).username);
    const SHEET = { '8.1.1': 80, '8.1.2': 40, '8.2': 70, '8.3': 60, '8.4.1': 60, '8.4.2': 70, '8.4.3': 40, '8.4.4': 30, '8.5.1': 100, '8.5.2': 30, '8.5.3': 40, '8.5.4': 20, '8.5.5': 10 };
    const applied = await call(0, 'POST', '/api/evaluation/applications', ent, {
      scheme: 'hunan', appliedGrade: 'AAAA', experienceYears: 5, hasCertificate: true, selfAssessment: SHEET, statement: '申请报告。', recommendation: '同意推荐。',
    });
    expect(applied.status).toBe(201);
    const appId = ((await applied.json()) as { id: string }).id;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 0x41)]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)]), '业绩证明.pdf');
    const up = await call(0, 'POST', `/api/evaluation/applications/${appId}/evidence`, ent, form);
    expect(up.status).toBe(201);
    const fileId = ((await up.json()) as { id: string }).id;
    expect(sha(await bucket.read(`evidence/${fileId}`))).toBe(sha(pdf));
    const down = await call(1, 'GET', `/api/evaluation/applications/${appId}/evidence/${fileId}`, ent);
    expect(down.status).toBe(200);
    expect(sha(await bytes(down))).toBe(sha(pdf));
    expect((await db.query(`SELECT content IS NULL AS empty FROM evaluation_evidence WHERE id = $1`, [fileId])).rows).toEqual([{ empty: true }]);
  });

  it('nothing was written to the folder: every file is in the bucket', async () => {
    expect(readdirSync(folder)).toEqual([]);
    const keys = Object.keys(await objectHashes(bucket));
    expect(keys.filter((k) => k.endsWith('.upload.xlsx'))).toHaveLength(2);
    expect(keys).toContain(`${exportJob.id}.export.xlsx`);
    expect(keys.filter((k) => k.startsWith('import-errors/'))).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith('evidence/'))).toHaveLength(1);
  });

  it('the cleanup of expired jobs and import runs deletes their objects from the bucket', async () => {
    await db.query(`UPDATE file_job SET expires_at = now() - interval '1 minute'`);
    await db.query(`UPDATE import_run SET expires_at = now() - interval '1 minute'`);
    const files = new Bull('files', { redis: testEnv().redisUrl, prefix });
    await files.add('files.cleanup', {}, { removeOnComplete: true });
    await files.close();
    await waitFor(async () => {
      const keys = Object.keys(await objectHashes(bucket));
      return keys.length === 1 && keys[0].startsWith('evidence/');
    }, 30_000, 300);
    expect((await db.query(`SELECT count(*)::int AS n FROM file_job`)).rows[0].n).toBe(0);
  });

  it('/api/health answers 503 with the store down, within a few seconds, once the object store is stopped', async () => {
    await s3.stop();
    const started = Date.now();
    const h = await health(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.status).toBe(503);
    expect(h.body.status).toBe('error');
    expect(h.body.details.store).toMatchObject({ status: 'down', kind: 's3', location: `s3://${BUCKET}`, message: expect.stringContaining('对象存储') });
    // The other parts are still up: only the store is named.
    expect(h.body.details.database.status).toBe('up');
    expect(h.body.details.redis.status).toBe('up');
  });
});
