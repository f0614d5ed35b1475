import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { TRAINING_IMPORT_COLUMNS, type FileJobInfo, type ImportResult } from '@cqo/contracts';
import { addDays, chinaDate, maskName, yearOf } from '@cqo/policy';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { asOwner, testEnv } from '../support/test-env';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * The training hours ledger end to end on real Postgres: records and their validation, the hash
 * chain and its verification (API and `cqo verify training`, after tampering as the superuser),
 * reversals, yearly compliance feeding the verdict and the shortfall list, hours certificates and
 * the public verification, and the providers' import. Its own database: the ledger is
 * province-wide, and the last test breaks its chain on purpose.
 */
describe('training ledger (real Postgres)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let filesDir: string;
  let databaseUrl: string;
  let province: string;
  let wuhan: string;
  let yichang: string;
  let admin: string;
  const today = chinaDate(new Date());
  const lastYear = yearOf(today) - 1;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
    databaseUrl = await privateDatabase('training');
    filesDir = await mkdtemp(join(tmpdir(), 'cqo-training-files-'));
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_FILES_DIR: filesDir, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:training`, VERIFY_RATE_LIMIT_PER_MINUTE: '12' });
    t = await createTestApp({ config });
    // The providers' import is a file job (issue 18 item 1): the worker reads the stored upload.
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
    admin = await bearer(t.http, (await makeUser(t.db, 'admin')).username);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  const cqo = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' } });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);

  /** An enterprise in Wuhan whose CQO (meeting every hubei-2021 rule but the yearly hours) was appointed in 2023. */
  async function enterpriseWithCqo(region = '420102', name = `质量${Math.floor(Math.random() * 1e6)}`) {
    const e = await makeEnterprise(t.db, region);
    const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    const res = await t
      .http()
      .post(`/api/enterprises/${e.id}/appointments`)
      .set('Authorization', province)
      .send(hubeiEligibleFiling('2023-03-01', { name, authorisationCertNo: 'SQ-2023-001', initialTrainingCertNo: 'PX-2023-001', explanation: '补录历史聘任' }))
      .expect(201);
    return { ...e, personName: name, appointmentId: res.body.id as string, auth: await bearer(t.http, u.username) };
  }

  const record = (over: Record<string, unknown> = {}) => ({
    category: '继续教育(第一类)',
    course: '质量管理体系内审员提升',
    provider: '湖北省质量协会',
    startDate: `${lastYear}-03-01`,
    endDate: `${lastYear}-03-02`,
    hours: 16,
    certificateNo: null,
    ...over,
  });

  describe('records, reversals, compliance and certificates', () => {
    let e: Awaited<ReturnType<typeof enterpriseWithCqo>>;
    let firstId: string;

    beforeAll(async () => {
      e = await enterpriseWithCqo();
    });

    it('refuses bad hours and dates field by field and writes nothing', async () => {
      const before = await count(`SELECT count(*) AS n FROM training_record`);
      const oneDay = { startDate: `${lastYear}-05-01`, endDate: `${lastYear}-05-01` };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...oneDay, hours: 8.5 }, 'hours'],
        [{ ...oneDay, hours: 0 }, 'hours'],
        [{ ...oneDay, hours: 2.3 }, 'hours'],
        [{ startDate: `${lastYear}-05-03`, endDate: `${lastYear}-05-01`, hours: 4 }, 'endDate'],
        [{ startDate: addDays(today, 1), endDate: addDays(today, 2), hours: 4 }, 'startDate'],
        [{ category: '自学' }, 'category'],
      ];
      for (const [over, field] of cases) {
        const res = await t.http().post('/api/training/records').set('Authorization', e.auth).send(record(over)).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
        expect(res.body.details.every((d: { message: string }) => /[\u4e00-\u9fa5]/.test(d.message))).toBe(true);
      }
      expect(await count(`SELECT count(*) AS n FROM training_record`)).toBe(before);
    });

    it('chains each record onto the one before, and the database refuses UPDATE, DELETE and TRUNCATE', async () => {
      const a = await t.http().post('/api/training/records').set('Authorization', e.auth).send(record({ hours: 13.5, certificateNo: 'jx-001' })).expect(201);
      const b = await t.http().post('/api/training/records').set('Authorization', e.auth).send(record({ category: '第二类', course: '标准化专题', hours: 30, startDate: `${lastYear}-06-01`, endDate: `${lastYear}-06-04` })).expect(201);
      firstId = a.body.id;
      expect(a.body).toMatchObject({ kind: 'entry', source: 'enterprise', certificateNo: 'JX-001', hours: 13.5, personName: e.personName });
      expect(b.body.seq).toBe(a.body.seq + 1);
      const [row] = await t.db.query(`SELECT prev_hash FROM training_record WHERE id = $1`, [b.body.id]);
      expect(row.prev_hash).toBe(a.body.hash);

      await expect(t.db.query(`UPDATE training_record SET hours = 99 WHERE id = $1`, [firstId])).rejects.toThrow(/permission denied|append-only/);
      await expect(t.db.query(`DELETE FROM training_record WHERE id = $1`, [firstId])).rejects.toThrow(/permission denied|append-only/);
      await expect(t.db.query(`TRUNCATE training_record CASCADE`)).rejects.toThrow(/permission denied|append-only/);

      const dup = await t.http().post('/api/training/records').set('Authorization', e.auth).send(record({ certificateNo: 'JX-001', course: '另一门课' })).expect(400);
      expect(dup.body.details).toEqual([expect.objectContaining({ field: 'certificateNo', message: expect.stringContaining('已登记') })]);
    });

    it('judges last year: 13.5 of 14 第一类 hours is short by 0.5, the verdict asks for attention, and the city lists it', async () => {
      const progress = await t.http().get(`/api/training/progress?year=${lastYear}`).set('Authorization', e.auth).expect(200);
      expect(progress.body.hours).toMatchObject({ firstCategory: 13.5, secondCategory: 30 });
      expect(progress.body.compliance).toMatchObject({ applicable: true, compliant: false, shortHours: 0.5, clause: '004 三(二)' });
      const [a] = await t.db.query(`SELECT verdict, verdict_detail FROM appointment WHERE id = $1`, [e.appointmentId]);
      expect(a.verdict).toBe('attention');
      expect(a.verdict_detail.rules.find((r: { id: string }) => r.id === 'annual-training')).toMatchObject({ pass: false, severity: 'soft' });

      const list = await t.http().get(`/api/training/shortfall?year=${lastYear}`).set('Authorization', wuhan).expect(200);
      const mine = list.body.items.find((i: { enterpriseId: string }) => i.enterpriseId === e.id);
      expect(mine).toMatchObject({ personName: e.personName, shortHours: 0.5 });
      expect(mine.parts.find((p: { key: string }) => p.key === 'firstCategory')).toMatchObject({ required: 14, actual: 13.5, short: 0.5 });
      const other = await t.http().get(`/api/training/shortfall?year=${lastYear}`).set('Authorization', yichang).expect(200);
      expect(other.body.items.some((i: { enterpriseId: string }) => i.enterpriseId === e.id)).toBe(false);
    });

    it('half an hour more makes the CQO compliant and eligible, and drops them from the list', async () => {
      await t.http().post('/api/training/records').set('Authorization', e.auth).send(record({ hours: 0.5, startDate: `${lastYear}-09-09`, endDate: `${lastYear}-09-09` })).expect(201);
      const progress = await t.http().get(`/api/training/progress?year=${lastYear}`).set('Authorization', e.auth).expect(200);
      expect(progress.body.compliance).toMatchObject({ compliant: true, shortHours: 0 });
      expect((await t.db.query(`SELECT verdict FROM appointment WHERE id = $1`, [e.appointmentId]))[0].verdict).toBe('eligible');
      const list = await t.http().get(`/api/training/shortfall?year=${lastYear}`).set('Authorization', wuhan).expect(200);
      expect(list.body.items.some((i: { enterpriseId: string }) => i.enterpriseId === e.id)).toBe(false);
      expect(list.body.summary.compliant).toBeGreaterThanOrEqual(1);
    });

    it('issues an hours certificate that anyone can check by its code, and nothing more', async () => {
      const cert = await t.http().post('/api/training/certificates').set('Authorization', e.auth).send({ personId: (await personOf(e.appointmentId)), year: lastYear }).expect(200);
      expect(cert.body).toMatchObject({ personName: e.personName, year: lastYear, status: 'valid', totalHours: 44, hours: { firstCategory: 14, secondCategory: 30 } });
      expect(cert.body.code).toMatch(/^TH-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(cert.body.issuingOffice).toContain('湖北省');
      // The same ledger gives the same certificate.
      const again = await t.http().post('/api/training/certificates').set('Authorization', e.auth).send({ personId: cert.body.personId, year: lastYear }).expect(200);
      expect(again.body.code).toBe(cert.body.code);

      const pub = await t.http().get(`/api/public/verify/${cert.body.code}`).expect(200);
      // The name masked as the evaluation certificate's public page masks it (issue 18 item 8).
      expect(pub.body).toMatchObject({ name: maskName(e.personName), year: lastYear, status: 'valid', totalHours: 44 });
      expect(JSON.stringify(pub.body)).not.toContain(e.personName);
      expect(Object.keys(pub.body).sort()).toEqual(['code', 'hours', 'issuedAt', 'name', 'periodFrom', 'periodTo', 'status', 'totalHours', 'type', 'year']);
      expect(JSON.stringify(pub.body)).not.toContain(e.name);

      const forged = await t.http().get(`/api/public/verify/TH-AAAA-BBBB-CCCC`).expect(404);
      const garbage = await t.http().get(`/api/public/verify/${encodeURIComponent(e.personName)}`).expect(404);
      expect(forged.body).toEqual(garbage.body);
      expect(JSON.stringify(forged.body)).not.toContain(e.personName);

      // Another city cannot issue or read it.
      await t.http().post('/api/training/certificates').set('Authorization', yichang).send({ personId: cert.body.personId, year: lastYear }).expect(404);
      await t.http().get(`/api/training/certificates/${cert.body.code}`).set('Authorization', yichang).expect(404);
    });

    it('corrects by reversal: hours drop, the entry stays, and an older certificate says it was superseded', async () => {
      const cert = await t.http().post('/api/training/certificates').set('Authorization', wuhan).send({ personId: await personOf(e.appointmentId), year: lastYear }).expect(200);
      const rev = await t.http().post(`/api/training/records/${firstId}/reversal`).set('Authorization', e.auth).send({ reason: '证书学时登记错误' }).expect(201);
      expect(rev.body).toMatchObject({ kind: 'reversal', reverses: firstId, hours: -13.5, reason: '证书学时登记错误' });
      await t.http().post(`/api/training/records/${firstId}/reversal`).set('Authorization', e.auth).send({ reason: '再冲一次' }).expect(409);
      await t.http().post(`/api/training/records/${rev.body.id}/reversal`).set('Authorization', wuhan).send({ reason: '冲销冲销' }).expect(400);
      const [original] = await t.db.query(`SELECT hours::float8 AS hours FROM training_record WHERE id = $1`, [firstId]);
      expect(original.hours).toBe(13.5);
      const list = await t.http().get(`/api/training/records?enterpriseId=${e.id}&year=${lastYear}`).set('Authorization', wuhan).expect(200);
      expect(list.body.items.find((i: { id: string }) => i.id === firstId).reversedBy).toBe(rev.body.id);

      const progress = await t.http().get(`/api/training/progress?year=${lastYear}`).set('Authorization', e.auth).expect(200);
      expect(progress.body.hours.firstCategory).toBe(0.5);
      expect((await t.db.query(`SELECT verdict FROM appointment WHERE id = $1`, [e.appointmentId]))[0].verdict).toBe('attention');

      const fresh = await t.http().post('/api/training/certificates').set('Authorization', wuhan).send({ personId: cert.body.personId, year: lastYear }).expect(200);
      expect(fresh.body.code).not.toBe(cert.body.code);
      expect(fresh.body.hours.firstCategory).toBe(0.5);
      expect((await t.http().get(`/api/public/verify/${cert.body.code}`).expect(200)).body.status).toBe('superseded');
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'training.reverse'`)).toBe(1);
    });

    it('rate-limits the public verification', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 14; i += 1) statuses.push((await t.http().get(`/api/public/verify/TH-2222-3333-${String(4444 + i).replace(/[01]/g, '9')}`)).status);
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(12);
    });
  });

  async function personOf(appointmentId: string): Promise<string> {
    return (await t.db.query(`SELECT person_id FROM appointment WHERE id = $1`, [appointmentId]))[0].person_id;
  }

  describe('providers\' import', () => {
    const people: { creditCode: string; name: string }[] = [];
    const BAD = { hours: 120, code: 450, category: 870 };

    beforeAll(async () => {
      for (let i = 0; i < 5; i += 1) {
        const e = await enterpriseWithCqo('420102', `导入${i}号`);
        people.push({ creditCode: e.creditCode, name: e.personName });
      }
    }, 60_000);

    /** 1,000 rows, three of them bad: hours over 8 a day, a wrong check character, an unknown category. */
    async function sheet(): Promise<Buffer> {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('培训记录');
      ws.addRow([...TRAINING_IMPORT_COLUMNS]);
      for (let i = 0; i < 1000; i += 1) {
        const p = people[i % people.length];
        const day = String((i % 28) + 1).padStart(2, '0');
        const code = i === BAD.code ? p.creditCode.slice(0, 17) + (p.creditCode[17] === 'X' ? 'Y' : 'X') : p.creditCode;
        ws.addRow([
          `JG-${lastYear}-${String(i).padStart(5, '0')}`,
          p.name,
          code,
          i === BAD.category ? '自学' : i % 2 ? '第二类' : '继续教育(第一类)',
          `课程${i}`,
          '湖北省质量协会',
          new Date(`${lastYear}-04-${day}T00:00:00Z`),
          `${lastYear}-04-${day}`,
          i === BAD.hours ? 9 : 2,
        ]);
      }
      return Buffer.from(await wb.xlsx.writeBuffer());
    }

    const post = (file: Buffer, mode: string, name = '培训机构学时.xlsx') =>
      t.http().post('/api/training/imports').set('Authorization', wuhan).field('mode', mode).attach('file', file, name);
    /** Uploads (202: stored and queued) and polls the job until the worker has run it; its result is the import's. */
    async function upload(file: Buffer, mode: string, name?: string): Promise<{ body: ImportResult; job: FileJobInfo }> {
      const queued = await post(file, mode, name).expect(202);
      expect(queued.body).toMatchObject({ kind: 'import-training', status: 'queued', params: { mode, dryRun: false } });
      const job = await waitFor(async () => {
        const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${queued.body.id}`).set('Authorization', wuhan).expect(200)).body;
        return ['queued', 'running'].includes(j.status) ? null : j;
      }, 60_000, 150);
      expect(job).toMatchObject({ status: 'succeeded', errorDetails: [] });
      return { body: job.result as ImportResult, job };
    }
    const imported = () => count(`SELECT count(*) AS n FROM training_record WHERE certificate_no LIKE $1`, [`JG-${lastYear}-%`]);

    it('all or nothing: 3 bad rows out of 1,000 write nothing, and the error workbook marks the 3 cells', async () => {
      const res = await upload(await sheet(), 'all-or-nothing');
      expect(res.body).toMatchObject({ fileName: '培训机构学时.xlsx', total: 1000, inserted: 0, committed: false, rejectedRows: 3 });
      expect(res.job.errorReportUrl).toBe(res.body.errorReportUrl);
      expect(res.body.rejected).toEqual([
        { row: BAD.hours + 2, column: '学时', reason: expect.stringContaining('8 学时') },
        { row: BAD.code + 2, column: '统一社会信用代码', reason: expect.any(String) },
        { row: BAD.category + 2, column: '培训类别', reason: expect.any(String) },
      ]);
      expect(await imported()).toBe(0);

      const report = await t.http().get(res.body.errorReportUrl!).set('Authorization', wuhan).buffer(true).parse(binary as never).expect(200);
      expect(decodeURIComponent(String(report.headers['content-disposition']))).toContain('培训机构学时-错误报告.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(report.body as Buffer as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      const reasonCol = TRAINING_IMPORT_COLUMNS.length + 1;
      expect(ws.getCell(1, reasonCol).value).toBe('错误原因');
      const marked: string[] = [];
      ws.eachRow((row, n) => {
        row.eachCell((cell, col) => {
          const fill = cell.fill as ExcelJS.FillPattern | undefined;
          if (n > 1 && fill?.fgColor?.argb === 'FFFFC7CE') marked.push(`${n}:${TRAINING_IMPORT_COLUMNS[col - 1]}`);
        });
      });
      expect(marked).toEqual([`${BAD.hours + 2}:学时`, `${BAD.code + 2}:统一社会信用代码`, `${BAD.category + 2}:培训类别`]);
      expect(String(ws.getCell(BAD.hours + 2, reasonCol).value)).toContain('学时');
      // Only the uploader fetches it.
      await t.http().get(res.body.errorReportUrl!).set('Authorization', yichang).expect(404);
    });

    it('keep valid rows: writes 997, and re-importing the same file changes nothing', async () => {
      const file = await sheet();
      const res = await upload(file, 'keep-valid');
      expect(res.body).toMatchObject({ inserted: 997, unchanged: 0, committed: true, rejectedRows: 3 });
      expect(await imported()).toBe(997);
      expect(await count(`SELECT count(*) AS n FROM training_record WHERE source = 'provider' AND import_id = $1`, [res.body.id])).toBe(997);
      const ledgerSize = await count(`SELECT count(*) AS n FROM training_record`);

      const again = await upload(file, 'keep-valid');
      expect(again.body).toMatchObject({ inserted: 0, unchanged: 997, rejectedRows: 3 });
      expect(await count(`SELECT count(*) AS n FROM training_record`)).toBe(ledgerSize);

      // The same certificate number with other content is refused, not silently skipped.
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('s');
      ws.addRow([...TRAINING_IMPORT_COLUMNS]);
      ws.addRow([`JG-${lastYear}-00000`, people[0].name, people[0].creditCode, '继续教育(第一类)', '课程0', '湖北省质量协会', `${lastYear}-04-01`, `${lastYear}-04-01`, 4]);
      const changed = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'all-or-nothing');
      expect(changed.body.rejected).toEqual([{ row: 2, column: '证书编号', reason: expect.stringContaining('冲销') }]);
      expect(await count(`SELECT count(*) AS n FROM training_record`)).toBe(ledgerSize);
    }, 60_000);

    it('a dry run writes nothing and says what it would append; committing it imports the same upload once', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('s');
      ws.addRow([...TRAINING_IMPORT_COLUMNS]);
      for (let i = 0; i < 3; i += 1) ws.addRow([`DRY-${lastYear}-${i}`, people[i].name, people[i].creditCode, '第二类', '试运行课程', '湖北省质量协会', `${lastYear}-06-0${i + 1}`, `${lastYear}-06-0${i + 1}`, 3]);
      const dryRecords = () => count(`SELECT count(*) AS n FROM training_record WHERE certificate_no LIKE $1`, [`DRY-${lastYear}-%`]);
      const queued = await post(Buffer.from(await wb.xlsx.writeBuffer()), 'all-or-nothing').field('dryRun', 'true').expect(202);
      const done = (id: string) =>
        waitFor(async () => {
          const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${id}`).set('Authorization', wuhan).expect(200)).body;
          return ['queued', 'running'].includes(j.status) ? null : j;
        }, 30_000, 150);
      const dry = await done(queued.body.id);
      expect(dry).toMatchObject({ kind: 'import-training', status: 'succeeded', params: { dryRun: true }, result: { total: 3, inserted: 3, committed: false, rejectedRows: 0 } });
      expect(await dryRecords()).toBe(0);
      const commit = await t.http().post(`/api/files/jobs/${dry.id}/commit`).set('Authorization', wuhan).expect(202);
      expect(await done(commit.body.id)).toMatchObject({ kind: 'import-training', status: 'succeeded', params: { dryRun: false }, result: { inserted: 3, committed: true } });
      expect(await dryRecords()).toBe(3);
    }, 60_000);

    it('refuses what is not an xlsx before storing it, writing nothing', async () => {
      const before = await count(`SELECT count(*) AS n FROM import_run`);
      const jobs = await count(`SELECT count(*) AS n FROM file_job`);
      const csv = await post(Buffer.from('证书编号,姓名\nA,B\n'), 'all-or-nothing', 'roster.csv').expect(400);
      expect(csv.body.details).toEqual([expect.objectContaining({ field: 'file', code: 'type' })]);
      const fake = await post(Buffer.from('PK\u0003\u0004 not really a zip'), 'all-or-nothing').expect(400);
      expect(fake.body.details[0].field).toBe('file');
      expect(await count(`SELECT count(*) AS n FROM import_run`)).toBe(before);
      expect(await count(`SELECT count(*) AS n FROM file_job`)).toBe(jobs);
    });

    it('a sheet without the §8 columns: the job fails with the field error naming them, writing no run', async () => {
      const before = await count(`SELECT count(*) AS n FROM import_run`);
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('s').addRow(['证书编号', '姓名']);
      const queued = await post(Buffer.from(await wb.xlsx.writeBuffer()), 'all-or-nothing').expect(202);
      const job = await waitFor(async () => {
        const j: FileJobInfo = (await t.http().get(`/api/files/jobs/${queued.body.id}`).set('Authorization', wuhan).expect(200)).body;
        return ['queued', 'running'].includes(j.status) ? null : j;
      }, 30_000, 150);
      expect(job).toMatchObject({ status: 'failed', result: null, error: expect.stringContaining('缺少列：统一社会信用代码') });
      expect(job.errorDetails).toEqual([{ field: 'file', code: 'columns', message: expect.stringContaining('培训类别') }]);
      expect(await count(`SELECT count(*) AS n FROM import_run`)).toBe(before);
    });

    it('an enterprise account cannot import (the route answers as if absent)', async () => {
      const e = await enterpriseWithCqo();
      await post(await sheet(), 'all-or-nothing').set('Authorization', e.auth).expect(404);
    });

    it('`cqo import training FILE` prints the summary and exits 1 when rows are rejected', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cqo-import-'));
      try {
        const path = join(dir, 'provider.xlsx');
        await writeFile(path, await sheet());
        const err = await cqo('import', 'training', path, '--keep-valid').catch((e: { code: number; stdout: string }) => e);
        expect((err as { code: number }).code).toBe(1);
        const out = JSON.parse((err as { stdout: string }).stdout);
        expect(out).toMatchObject({ inserted: 0, updated: 0, unchanged: 997 });
        expect(out.rejected).toHaveLength(3);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it('`cqo import training FILE` appends new rows and audits them as the command line (no user id)', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cqo-import-'));
      try {
        const p = people[0];
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('培训记录');
        ws.addRow([...TRAINING_IMPORT_COLUMNS]);
        for (const n of [1, 2]) ws.addRow([`JG-CLI-${lastYear}-${n}`, p.name, p.creditCode, '第二类', `命令行课程${n}`, '湖北省质量协会', new Date(`${lastYear}-05-0${n}T00:00:00Z`), `${lastYear}-05-0${n}`, 2]);
        const path = join(dir, 'provider.xlsx');
        await writeFile(path, Buffer.from(await wb.xlsx.writeBuffer()));
        const before = await count(`SELECT count(*) AS n FROM audit_log WHERE object_type = 'training_record' AND actor_id IS NULL AND actor_username = 'cli'`);
        const out = JSON.parse((await cqo('import', 'training', path)).stdout);
        expect(out).toMatchObject({ inserted: 2, updated: 0, rejected: [] });
        expect(await count(`SELECT count(*) AS n FROM training_record WHERE certificate_no LIKE 'JG-CLI-%'`)).toBe(2);
        expect(await count(`SELECT count(*) AS n FROM audit_log WHERE object_type = 'training_record' AND actor_id IS NULL AND actor_username = 'cli'`)).toBeGreaterThan(before);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });

  describe('verification of the chain (last: it breaks the chain on purpose)', () => {
    it('is whole until a superuser edits one row; then `cqo verify training` names that row and exits 1', async () => {
      const ok = await cqo('verify', 'training');
      const whole = JSON.parse(ok.stdout);
      expect(whole).toMatchObject({ ok: true, firstBroken: null });
      const total = await count(`SELECT count(*) AS n FROM training_record`);
      expect(whole.checked).toBe(total);
      expect((await t.http().post('/api/admin/training-ledger/verify').set('Authorization', admin).expect(200)).body.ok).toBe(true);
      await t.http().post('/api/admin/training-ledger/verify').set('Authorization', province).expect(404);

      // Tamper as the superuser, with the append-only trigger switched off for this session.
      const [victim] = await t.db.query(`SELECT id, seq::int AS seq FROM training_record ORDER BY seq OFFSET 5 LIMIT 1`);
      const su = new Client({ connectionString: asOwner(databaseUrl) }); // the app's own role may not (issue 18 item 3)
      await su.connect();
      try {
        await su.query(`SET session_replication_role = replica`);
        await su.query(`UPDATE training_record SET hours = hours + 8 WHERE id = $1`, [victim.id]);
      } finally {
        await su.end();
      }

      const broken = (await cqo('verify', 'training').catch((e: unknown) => e)) as { code: number; stdout: string; stderr: string };
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stdout).firstBroken).toMatchObject({ id: victim.id, seq: victim.seq });
      expect(broken.stderr).toContain(victim.id);
      const api = await t.http().post('/api/admin/training-ledger/verify').set('Authorization', admin).expect(200);
      expect(api.body).toMatchObject({ ok: false, checked: victim.seq - 1, firstBroken: { id: victim.id, seq: victim.seq } });
    }, 60_000);
  });
});

/** supertest: collect a binary body into a Buffer. */
function binary(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
