import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { FileJobRunner } from '@cqo/server-files';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The city report's 统计表 is kept with the submission (issue 17 item 2): one file per submission,
 * its SHA-256 on the report, and every download returns that file — also a download that comes
 * before the worker has made it, also when the job runs twice, also a week of changes later.
 */
describe('the city report 统计表 frozen at submission (issue 17 item 2)', () => {
  let t: TestApp;
  let config: ReturnType<typeof testConfig>;
  let province: string;
  let worker: INestApplicationContext | null = null;
  const { year: Y } = pinTestToday();

  const download = (url: string, auth: string) =>
    t.http().get(url).set('Authorization', auth).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });

  async function submit(city: string, county: string): Promise<{ auth: string; submittedAt: string; id: string }> {
    const auth = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: city })).username);
    const e = await makeEnterprise(t.db, county);
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y}-01-01`, { name: '冻结表', explanation: '补录历史聘任' })).expect(201);
    const draft = await t.http().put(`/api/city-reports/${city}/${Y}`).set('Authorization', auth).send({ narrative: '推进情况', version: 0 }).expect(200);
    await t.http().post(`/api/city-reports/${city}/${Y}/submit`).set('Authorization', auth).send({ narrative: '推进情况', version: draft.body.version }).expect(200);
    const [row] = await t.db.query(`SELECT id, submitted_at FROM city_report WHERE region_code = $1 AND year = $2`, [city, Y]);
    return { auth, submittedAt: (row.submitted_at as Date).toISOString(), id: row.id };
  }

  beforeAll(async () => {
    const databaseUrl = await privateDatabase('cityattach');
    config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:city-attachment` });
    t = await createTestApp({ config });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
  }, 60_000);

  afterAll(async () => {
    t?.clock.reset();
    await worker?.close();
    await t?.close();
  });

  it('two runs of the job for one submission keep one file: the one whose SHA-256 the report holds', async () => {
    const { id, submittedAt, auth } = await submit('420600', '420602');
    const jobs = t.app.get(FileJobRunner);
    const [a, b] = await Promise.all([jobs.freezeCityAttachment(id, submittedAt), jobs.freezeCityAttachment(id, submittedAt)]);
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    const report = (await t.http().get(`/api/city-reports/420600/${Y}`).set('Authorization', auth).expect(200)).body;
    // The kept file is a key of the file store (issue 21); the local store keeps it under filesDir.
    expect(sha256(readFileSync(join(config.filesDir, a!)))).toBe(report.attachmentSha256);
    expect(readdirSync(config.filesDir).filter((f) => f.startsWith(`city-report-${id}-`))).toHaveLength(1);
    const got = await download(report.attachmentUrl, auth).expect(200);
    expect(sha256(got.body as Buffer)).toBe(report.attachmentSha256);
  }, 60_000);

  it('a download before the worker has made the file waits for it and gets that file; a week of changes later the same bytes', async () => {
    const { auth } = await submit('420500', '420502');
    // No worker yet: the file is not made. The download waits, the worker starts, the download gets the kept file.
    const pending = download(`/api/city-reports/420500/${Y}/attachment`, auth).then((r) => r);
    await new Promise((r) => setTimeout(r, 500));
    worker = await startTestWorker(config);
    const first = await pending;
    expect(first.status).toBe(200);
    const report = await waitFor(async () => {
      const r = await t.http().get(`/api/city-reports/420500/${Y}`).set('Authorization', auth).expect(200);
      return r.body.attachmentSha256 ? r.body : null;
    }, 30_000);
    expect(sha256(first.body as Buffer)).toBe(report.attachmentSha256);
    expect(first.headers['content-type']).toContain('spreadsheetml');

    // A week later (test clock), after a new enterprise with a CQO in the city, the report's file is the same.
    t.clock.advanceMinutes(7 * 24 * 60);
    const officer = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const later = await makeEnterprise(t.db, '420502');
    await t.http().post(`/api/enterprises/${later.id}/appointments`).set('Authorization', officer)
      .send(hubeiEligibleFiling(`${Y}-01-01`, { name: '后来者', explanation: '补录历史聘任' })).expect(201);
    const again = await download(report.attachmentUrl, officer).expect(200);
    expect(sha256(again.body as Buffer)).toBe(report.attachmentSha256);
    expect((again.body as Buffer).equals(first.body as Buffer)).toBe(true);
  }, 90_000);

  it('a report never submitted has no 统计表 (404, at once)', async () => {
    const auth = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420700' })).username);
    await t.http().put(`/api/city-reports/420700/${Y}`).set('Authorization', auth).send({ narrative: '草稿', version: 0 }).expect(200);
    const started = Date.now();
    await t.http().get(`/api/city-reports/420700/${Y}/attachment`).set('Authorization', auth).expect(404);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
