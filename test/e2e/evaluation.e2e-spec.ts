import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import type { CertificateDetail, EvaluationApplicationDetail } from '@cqo/contracts';
import { addDays, addYears, certificateValidUntil } from '@cqo/policy';
import { EvaluationCertificatesService } from '@cqo/server-evaluation';
import { bearer, hubeiEligibleFiling, makeCertificate, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { pinTestToday } from '../support/test-today';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Capability evaluation end to end on real Postgres and Redis (issue 8): the workflow with a panel
 * of two, the certificate's traceable number, a violation suspending then revoking it through the
 * worker, the public verification, the one-year re-application lock, the talent pool and the
 * distribution, the nightly expiry and shortfall flag, and `cqo grade` agreeing with the panel.
 * Its own database: certificate numbers count from 000001 per body and year.
 */
describe('capability evaluation (real Postgres)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let databaseUrl: string;
  let province: string;
  let wuhan: string;
  let yichang: string;
  let leader: { id: string; auth: string };
  let member: { id: string; auth: string };
  let outsider: { id: string; auth: string };
  /** An evaluator of another body (宜昌's 认定机构, 420500): every other evaluator here is 420000's. */
  let otherBody: string;
  let ent: { id: string; auth: string; personName: string };
  let otherEnt: string;
  // Dec 31 of this year: dates of this year (the appointment of Jan 5 below) stay in the past on any day (issue 19 item 9).
  const { today, year } = pinTestToday();

  // Hunan sheet: 意识 120, 诚信 70, 知识 60, 能力 200, 业绩 200 = 650 → AAAA.
  const SHEET = { '8.1.1': 80, '8.1.2': 40, '8.2': 70, '8.3': 60, '8.4.1': 60, '8.4.2': 70, '8.4.3': 40, '8.4.4': 30, '8.5.1': 100, '8.5.2': 30, '8.5.3': 40, '8.5.4': 20, '8.5.5': 10 };
  const application = (over: Record<string, unknown> = {}) => ({
    scheme: 'hunan',
    appliedGrade: 'AAAA',
    experienceYears: 5,
    hasCertificate: true,
    selfAssessment: SHEET,
    statement: '申请报告：本人从事质量管理工作五年。',
    recommendation: '同意推荐。',
    ...over,
  });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `node tools/build.mjs --server` first');
    databaseUrl = await privateDatabase('evaluation');
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:evaluation` });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
    const evaluator = async () => {
      const u = await makeUser(t.db, 'evaluator', { regionCode: '420000' });
      return { id: u.id, auth: await bearer(t.http, u.username) };
    };
    leader = await evaluator();
    member = await evaluator();
    outsider = await evaluator();
    otherBody = await bearer(t.http, (await makeUser(t.db, 'evaluator', { regionCode: '420500' })).username);
    const e = await makeEnterprise(t.db, '420102');
    const name = '张质量';
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling('2021-03-01', { name, explanation: '补录历史聘任' })).expect(201);
    ent = { id: e.id, auth: await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username), personName: name };
    const e2 = await makeEnterprise(t.db, '420502');
    otherEnt = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e2.id })).username);
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const api = () => t.http();
  let appId: string;
  let report: EvaluationApplicationDetail['report'];
  let cert: CertificateDetail;

  it('apply → return → resubmit → accept → panel of two scores → leader reports → certificate CQO-420000-<year>-000001', async () => {
    // The self-assessment is held to the maxima too, field by field.
    const bad = await api().post('/api/evaluation/applications').set('Authorization', ent.auth)
      .send(application({ selfAssessment: { ...SHEET, '8.1.1': 120 } })).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'selfAssessment.8.1.1', code: 'above_max', message: expect.stringContaining('100') })]);
    // Only an enterprise applies.
    await api().post('/api/evaluation/applications').set('Authorization', leader.auth).send(application()).expect(404);

    const created = await api().post('/api/evaluation/applications').set('Authorization', ent.auth).send(application({ recommendation: '推荐' })).expect(201);
    appId = created.body.id;
    expect(created.body).toMatchObject({ status: 'submitted', personName: ent.personName, reevaluation: false, actions: ['withdraw', 'uploadEvidence'] });
    // A second one for the same person while the first is open.
    await api().post('/api/evaluation/applications').set('Authorization', ent.auth).send(application()).expect(409);

    // Out of order: a panel before the formal review.
    const early = await api().post(`/api/evaluation/applications/${appId}/panel`).set('Authorization', leader.auth)
      .send({ leaderId: leader.id, memberIds: [member.id] }).expect(409);
    expect(early.body.message).toBe('当前状态为“已提交待受理”，不能执行“组建评价组”');
    // Wrong roles and wrong enterprises see nothing.
    await api().post(`/api/evaluation/applications/${appId}/accept`).set('Authorization', province).send({}).expect(404);
    await api().get(`/api/evaluation/applications/${appId}`).set('Authorization', otherEnt).expect(404);
    // Nor does an evaluator of another body: the application was sent to 420000's (SPEC §1).
    await api().get(`/api/evaluation/applications/${appId}`).set('Authorization', otherBody).expect(404);
    expect((await api().get('/api/evaluation/applications').set('Authorization', otherBody).expect(200)).body.total).toBe(0);
    await api().post(`/api/evaluation/applications/${appId}/accept`).set('Authorization', otherBody).send({}).expect(404);

    // 退回补正, then the applicant completes it.
    const returned = await api().post(`/api/evaluation/applications/${appId}/return`).set('Authorization', leader.auth)
      .send({ reasons: '请补充组织推荐意见及工作绩效证明材料' }).expect(200);
    expect(returned.body).toMatchObject({ status: 'returned', returnReasons: '请补充组织推荐意见及工作绩效证明材料' });
    await api().post(`/api/evaluation/applications/${appId}/accept`).set('Authorization', leader.auth).send({}).expect(409);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const up = await api().post(`/api/evaluation/applications/${appId}/evidence`).set('Authorization', ent.auth).attach('file', png, '绩效证明.png').expect(201);
    expect(up.body).toMatchObject({ fileName: '绩效证明.png', contentType: 'image/png', size: png.length });
    const fake = await api().post(`/api/evaluation/applications/${appId}/evidence`).set('Authorization', ent.auth)
      .attach('file', Buffer.from('not really a pdf'), 'x.pdf').expect(400);
    expect(fake.body.details[0]).toMatchObject({ field: 'file', code: 'type' });
    // Far over the evidence limit (5 MiB): multer stops reading, and the error names this route's limit, not an import's 10 MiB.
    const huge = await api().post(`/api/evaluation/applications/${appId}/evidence`).set('Authorization', ent.auth)
      .attach('file', Buffer.concat([png, Buffer.alloc(7 * 1024 * 1024, 1)]), '扫描件.png').expect(413);
    expect(huge.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'file', code: 'tooLarge', message: '上传的文件超过了大小限制（5 MiB）' }] });
    await api().post(`/api/evaluation/applications/${appId}/resubmit`).set('Authorization', ent.auth)
      .send({ ...application({ recommendation: '同意推荐，该同志质量工作业绩突出。' }), version: returned.body.version + 1 }).expect(409);
    const resubmitted = await api().post(`/api/evaluation/applications/${appId}/resubmit`).set('Authorization', ent.auth)
      .send({ ...application({ recommendation: '同意推荐，该同志质量工作业绩突出。' }), version: returned.body.version }).expect(200);
    expect(resubmitted.body).toMatchObject({ status: 'submitted', recommendation: '同意推荐，该同志质量工作业绩突出。' });

    await api().post(`/api/evaluation/applications/${appId}/accept`).set('Authorization', leader.auth).send({ note: '材料齐全' }).expect(200);
    const badPanel = await api().post(`/api/evaluation/applications/${appId}/panel`).set('Authorization', leader.auth)
      .send({ leaderId: leader.id, memberIds: [ent.id] }).expect(400);
    expect(badPanel.body.details[0]).toMatchObject({ field: 'memberIds.0' });
    const panel = await api().post(`/api/evaluation/applications/${appId}/panel`).set('Authorization', leader.auth)
      .send({ leaderId: leader.id, memberIds: [member.id] }).expect(200);
    expect(panel.body.status).toBe('scoring');
    expect(panel.body.panel).toHaveLength(2);
    // 001 9.3: until a sheet is in, the panel may be appointed again, and the API offers it (the
    // buttons and the step guard are one table, libs/policy EVALUATION_STEPS).
    expect(panel.body.actions).toEqual(['appointPanel', 'score', 'interview', 'siteVisit', 'consolidate']);

    // A score above the indicator's maximum is refused with the field named.
    const over = await api().post(`/api/evaluation/applications/${appId}/sheets`).set('Authorization', member.auth)
      .send({ scores: { ...SHEET, '8.2': 81 } }).expect(400);
    expect(over.body.details).toEqual([{ field: 'scores.8.2', code: 'above_max', message: '得分不能超过该指标满分 80 分' }]);
    // Not on the panel.
    await api().post(`/api/evaluation/applications/${appId}/sheets`).set('Authorization', outsider.auth).send({ scores: SHEET }).expect(409);

    await api().post(`/api/evaluation/applications/${appId}/sheets`).set('Authorization', leader.auth).send({ scores: SHEET }).expect(200);
    const afterSheet = await api().get(`/api/evaluation/applications/${appId}`).set('Authorization', leader.auth).expect(200);
    expect(afterSheet.body.actions).toEqual(['score', 'interview', 'siteVisit', 'consolidate']);
    await api().post(`/api/evaluation/applications/${appId}/panel`).set('Authorization', leader.auth).send({ leaderId: leader.id, memberIds: [member.id] }).expect(409);
    const early2 = await api().post(`/api/evaluation/applications/${appId}/report`).set('Authorization', leader.auth).send({ scores: SHEET }).expect(409);
    expect(early2.body.message).toContain('1 名评价组成员未提交评分表');
    const memberSheet = await api().post(`/api/evaluation/applications/${appId}/sheets`).set('Authorization', member.auth)
      .send({ scores: { ...SHEET, '8.5.1': 110 }, comment: '业绩突出' }).expect(200);
    expect(memberSheet.body.result).toMatchObject({ total: 660, grade: 'AAAA' });

    const noInterview = await api().post(`/api/evaluation/applications/${appId}/report`).set('Authorization', leader.auth).send({ scores: SHEET }).expect(409);
    expect(noInterview.body.message).toContain('面试答辩');
    await api().post(`/api/evaluation/applications/${appId}/interview`).set('Authorization', member.auth).send({ date: today, notes: '答辩流畅' }).expect(200);
    await api().post(`/api/evaluation/applications/${appId}/site-visit`).set('Authorization', leader.auth).send({ date: today, notes: '现场核实体系运行记录' }).expect(200);
    // Only the leader consolidates.
    await api().post(`/api/evaluation/applications/${appId}/report`).set('Authorization', member.auth).send({ scores: SHEET }).expect(409);
    const reported = await api().post(`/api/evaluation/applications/${appId}/report`).set('Authorization', leader.auth)
      .send({ scores: SHEET, conclusion: '建议认定为 AAAA 级' }).expect(200);
    report = reported.body.report;
    expect(reported.body.status).toBe('reported');
    expect(report).toMatchObject({
      total: 650,
      dimensions: { '8.1': 120, '8.2': 70, '8.3': 60, '8.4': 200, '8.5': 200 },
      grade: 'AAAA',
      reasons: [expect.stringContaining('AAAA')],
    });
    // Scoring after the report is out of order.
    await api().post(`/api/evaluation/applications/${appId}/sheets`).set('Authorization', member.auth).send({ scores: SHEET }).expect(409);

    // The applicant sees the report, not the members' sheets.
    const mine = await api().get(`/api/evaluation/applications/${appId}`).set('Authorization', ent.auth).expect(200);
    expect(mine.body).toMatchObject({ status: 'reported', sheets: [], report: { grade: 'AAAA' }, interview: { date: today }, evidence: [expect.objectContaining({ fileName: '绩效证明.png' })] });
    expect(mine.body.events.map((e: { action: string }) => e.action)).toEqual(
      ['apply', 'return', 'evidence', 'resubmit', 'accept', 'panel', 'sheet', 'sheet', 'interview', 'site_visit', 'report'],
    );

    await api().post(`/api/evaluation/applications/${appId}/certificate`).set('Authorization', otherBody).expect(404);
    const issued = await api().post(`/api/evaluation/applications/${appId}/certificate`).set('Authorization', leader.auth).expect(201);
    cert = issued.body;
    expect(cert).toMatchObject({
      number: `CQO-420000-${year}-000001`,
      holderName: ent.personName,
      grade: 'AAAA',
      score: 650,
      status: 'valid',
      issuedOn: today,
      validUntil: certificateValidUntil(today, 3),
      cityCode: '420100',
      verifyPath: `/verify/cqo/CQO-420000-${year}-000001`,
    });
    await api().post(`/api/evaluation/applications/${appId}/certificate`).set('Authorization', leader.auth).expect(409);

    // Every step is in the audit log.
    const actions = (await t.db.query(`SELECT action FROM audit_log WHERE object_id = $1 AND result = 'success' ORDER BY id`, [appId])).map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['evaluation.apply', 'evaluation.return', 'evaluation.resubmit', 'evaluation.accept', 'evaluation.panel', 'evaluation.sheet', 'evaluation.interview', 'evaluation.report']));
  }, 60_000);

  it('scope: the city of the enterprise reads the certificate, another city and enterprise do not', async () => {
    const list = await api().get('/api/evaluation/certificates').set('Authorization', wuhan).expect(200);
    expect(list.body.items.map((c: { number: string }) => c.number)).toEqual([cert.number]);
    expect((await api().get('/api/evaluation/certificates').set('Authorization', yichang).expect(200)).body.total).toBe(0);
    await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', yichang).expect(404);
    await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', otherEnt).expect(404);
    await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', otherBody).expect(404);
    await api().post(`/api/evaluation/certificates/${cert.id}/status`).set('Authorization', wuhan).send({ status: 'revoked', reason: 'x' }).expect(404);
  });

  it('talent pool, distribution by 市州 and the yearly review', async () => {
    const added = await api().post('/api/evaluation/talent-pool').set('Authorization', province).send({ certificateId: cert.id, note: '业绩突出' }).expect(201);
    expect(added.body).toMatchObject({ certificateNumber: cert.number, grade: 'AAAA', cityCode: '420100' });
    await api().post('/api/evaluation/talent-pool').set('Authorization', province).send({ certificateId: cert.id }).expect(409);
    await api().post('/api/evaluation/talent-pool').set('Authorization', leader.auth).send({ certificateId: cert.id }).expect(404);
    const pool = await api().get('/api/evaluation/talent-pool').set('Authorization', province).expect(200);
    expect(pool.body.total).toBe(1);

    const dist = await api().get('/api/evaluation/distribution').set('Authorization', province).expect(200);
    expect(dist.body.rows).toHaveLength(17);
    expect(dist.body.rows.find((r: { regionCode: string }) => r.regionCode === '420100')).toMatchObject({ AAAA: 1, total: 1 });
    expect(dist.body).toMatchObject({ totals: { total: 1 }, talentPool: 1 });

    const review = await api().post(`/api/evaluation/certificates/${cert.id}/reviews`).set('Authorization', leader.auth)
      .send({ year, rating: '合格', summary: '履职良好' }).expect(201);
    expect(review.body).toMatchObject({ year, rating: '合格' });
    await api().post(`/api/evaluation/certificates/${cert.id}/reviews`).set('Authorization', leader.auth).send({ year, rating: '优秀', summary: '重复' }).expect(409);
  });

  it('001 §11: a violation suspends the certificate; a criminal penalty leaves revocation pending until an officer confirms it; re-applying waits a year', async () => {
    const pub = await api().get(`/api/public/evaluation-certificates/${cert.number}`).expect(200);
    expect(pub.body).toEqual(expect.objectContaining({ number: cert.number, holderName: '张*量', status: 'valid', grade: 'AAAA' }));
    expect(JSON.stringify(pub.body)).not.toContain(ent.personName);
    await api().get('/api/public/evaluation-certificates/CQO-420000-1999-999999').expect(404);

    await api().post('/api/violations').set('Authorization', wuhan)
      .send({ enterpriseId: ent.id, subject: 'cqo', type: '违法违规', occurredOn: today, sourceDocument: '武市监罚〔2026〕1号' }).expect(201);
    await waitFor(async () => (await api().get(`/api/public/evaluation-certificates/${cert.number}`)).body.status === 'suspended', 20_000);
    const suspended = await api().get(`/api/public/evaluation-certificates/${cert.number}`).expect(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusName: '暂停', statusChangedOn: today });
    // A suspension leaves the holder in the 人才库 (listed with the status); a revocation takes them out.
    const poolSize = async () => (await api().get('/api/evaluation/talent-pool').set('Authorization', province).expect(200)).body.total;
    expect(await poolSize()).toBe(1);

    await api().post('/api/violations').set('Authorization', wuhan)
      .send({ enterpriseId: ent.id, subject: 'cqo', type: '刑事处分', occurredOn: today, sourceDocument: '（2026）鄂0102刑初1号' }).expect(201);
    // Not revoked by itself: the certificate stays suspended with the revocation pending.
    const pendingNow = async () => (await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', leader.auth)).body.revocationPending;
    await waitFor(async () => (await pendingNow()) !== null, 20_000);
    const pending = await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', leader.auth).expect(200);
    expect(pending.body).toMatchObject({ status: 'suspended', revocationPending: { violationId: expect.any(String), reason: expect.stringContaining('待认定主体确认') } });
    expect(pending.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['valid', 'suspended']);
    expect((await api().get(`/api/public/evaluation-certificates/${cert.number}`).expect(200)).body.status).toBe('suspended');
    // Only an officer of the body decides, with a reason.
    await api().post(`/api/evaluation/certificates/${cert.id}/revocation/confirm`).set('Authorization', wuhan).send({ reason: '确认' }).expect(404);
    const noReason = await api().post(`/api/evaluation/certificates/${cert.id}/revocation/confirm`).set('Authorization', leader.auth).send({}).expect(400);
    expect(noReason.body.details[0]).toMatchObject({ field: 'reason' });
    await api().post(`/api/evaluation/certificates/${cert.id}/revocation/confirm`).set('Authorization', leader.auth).send({ reason: '刑事判决已生效，声明证书作废' }).expect(200);
    const detail = await api().get(`/api/evaluation/certificates/${cert.id}`).set('Authorization', leader.auth).expect(200);
    expect(detail.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['valid', 'suspended', 'revoked']);
    expect(detail.body.history[1]).toMatchObject({ fromStatus: 'valid', violationId: expect.any(String), reason: expect.stringContaining('违法违规') });
    expect(detail.body.history[2]).toMatchObject({ fromStatus: 'suspended', reason: expect.stringContaining('声明证书作废') });
    expect(detail.body.revocationPending).toBeNull();
    await api().post(`/api/evaluation/certificates/${cert.id}/revocation/confirm`).set('Authorization', leader.auth).send({ reason: '再次' }).expect(409);
    expect(await poolSize()).toBe(0);
    const [gone] = await t.db.query(`SELECT removal_reason FROM evaluation_talent WHERE certificate_id = $1`, [cert.id]);
    expect(gone.removal_reason).toContain('证书已作废');
    // Revoked is final, by hand too.
    await api().post(`/api/evaluation/certificates/${cert.id}/status`).set('Authorization', leader.auth).send({ status: 'valid', reason: '恢复' }).expect(409);

    // 001 §11: a new application within a year of the revocation names the first possible date.
    const again = await api().post('/api/evaluation/applications').set('Authorization', ent.auth).send(application()).expect(409);
    expect(again.body.message).toContain(`可申请日期：${addYears(today, 1)}`);
    expect(again.body.message).toContain(cert.number);
  }, 60_000);

  it('001 §11 vs 000 7.7.1: the hunan revocation does not bar a zhejiang evaluation (separate schemes); 000 7.2 checks 4.1 only', async () => {
    const z = await api().post('/api/evaluation/applications').set('Authorization', ent.auth)
      .send(application({ scheme: 'zhejiang', appliedGrade: 'AAA', selfAssessment: { '6.2.1': 10 } })).expect(201);
    expect(z.body).toMatchObject({ scheme: 'zhejiang', status: 'submitted', reevaluation: false });
    await api().post(`/api/evaluation/applications/${z.body.id}/withdraw`).set('Authorization', ent.auth).expect(200);
  });

  it('001 9.1 / 5.2 and 000 7.2 / 4.1: an application failing a 申报 condition is a 409 naming the clause', async () => {
    const e = await makeEnterprise(t.db, '420102');
    // Filed history: 1 year in quality at appointment on Jan 5 of this year → 1 year today.
    await api().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${year}-01-05`, { name: '赵申报', yearsInQuality: 1, explanation: '补录历史聘任' })).expect(201);
    const auth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
    const apply = (over: Record<string, unknown>) => api().post('/api/evaluation/applications').set('Authorization', auth).send(application(over));

    const noCert = await apply({ appliedGrade: 'AAAA', hasCertificate: false, experienceYears: 4 }).expect(409);
    expect(noCert.body.message).toContain('001 5.1.4');
    expect(noCert.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'hasCertificate', code: 'precondition' })]));
    // The filed appointment history (1 year) wins over the 5 years stated.
    const short = await apply({ appliedGrade: 'AAA', experienceYears: 5 }).expect(409);
    expect(short.body.message).toContain('001 5.2.1');
    expect(short.body.message).toContain('按备案的聘任记录为 1 年');
    const zj = await apply({ scheme: 'zhejiang', appliedGrade: 'AAA', selfAssessment: { '6.2.1': 10 } }).expect(409);
    expect(zj.body.message).toContain('000 4.1 b)');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM evaluation_application WHERE enterprise_id = $1`, [e.id]))[0].n).toBe(0);
  });

  it('cqo grade prints the SPEC §9 JSON, equal to the panel result for the same sheet; exit 2 on a bad sheet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cqo-grade-'));
    try {
      const file = join(dir, 'f.json');
      await writeFile(file, JSON.stringify({ scores: SHEET, applied: 'AAAA', experienceYears: 5, hasCertificate: true }));
      const { stdout } = await run(process.execPath, [CLI, 'grade', '--scheme', 'hunan', '--sheet', file]);
      const printed = JSON.parse(stdout);
      expect(Object.keys(printed)).toEqual(['total', 'dimensions', 'grade', 'reasons']);
      expect(printed).toEqual({ total: report!.total, dimensions: report!.dimensions, grade: report!.grade, reasons: report!.reasons });

      // 001 5.2.2: the same sheet without the 5.1.4 certificate gets no grade.
      await writeFile(file, JSON.stringify({ scores: SHEET, applied: 'AAAA', experienceYears: 4, hasCertificate: false }));
      const noCert = JSON.parse((await run(process.execPath, [CLI, 'grade', '--scheme', 'hunan', '--sheet', file])).stdout);
      expect(noCert).toMatchObject({ total: 650, grade: null, reasons: expect.arrayContaining([expect.stringContaining('001 5.1.4')]) });
      // 000: no 5.2 gate for zhejiang — the 370 points with 1 year is AAA.
      await writeFile(file, JSON.stringify({ scores: { '6.6.1a': 50, '6.6.1b': 50, '6.6.1c': 50, '6.6.3a': 50, '6.6.3b': 50, '6.2.1': 20, '6.2.2': 20, '6.4.4.1': 20, '6.4.4.2': 20, '6.1.1.1': 20, '6.1.1.2': 15, '6.1.1.3': 5 }, applied: 'AAA', experienceYears: 1 }));
      const zj = JSON.parse((await run(process.execPath, [CLI, 'grade', '--scheme', 'zhejiang', '--sheet', file])).stdout);
      expect(zj).toMatchObject({ total: 370, grade: 'AAA' });

      await writeFile(file, JSON.stringify({ scores: { ...SHEET, '8.2': 81 } }));
      const bad = await run(process.execPath, [CLI, 'grade', '--scheme', 'hunan', '--sheet', file]).catch((e) => e);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('scores.8.2');
      const badScheme = await run(process.execPath, [CLI, 'grade', '--scheme', 'jiangsu', '--sheet', file]).catch((e) => e);
      expect(badScheme.code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('nightly: expires certificates past validity and flags last year\'s continuing-education shortfall, idempotently', async () => {
    // Two holders certified years ago (rows written directly: the workflow is covered above).
    const make = async (issuedOn: string, validUntil: string, appointedOn = '2021-03-01') => {
      const e = await makeEnterprise(t.db, '420502');
      await api().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
        .send(hubeiEligibleFiling(appointedOn, { name: '李认定', explanation: '补录历史聘任' })).expect(201);
      return makeCertificate(t.db, e.id, { year: 2020, holderName: '李认定', organisationName: e.name, issuedOn, validUntil });
    };
    const old = await make('2020-01-10', '2023-01-09');
    const current = await make(`${year - 2}-06-01`, `${year + 1}-05-31`);
    // 001 9.4.1.2: 10 学时 and 1 组织培训活动 last year meet the hunan certificate's rule, though the
    // appointment profile in force (hubei, 14 + 30 学时) would flag them.
    const trained = await make(`${year - 2}-06-01`, `${year + 1}-05-31`, `${year - 2}-03-01`);
    const [holder] = await t.db.query(`SELECT enterprise_id FROM evaluation_certificate WHERE id = $1`, [trained]);
    const holderAuth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: holder.enterprise_id })).username);
    const training = (over: Record<string, unknown>) => ({
      category: '继续教育(第一类)', course: '质量专业学习', provider: '湖南省质量协会', startDate: `${year - 1}-03-02`, endDate: `${year - 1}-03-03`, hours: 10, certificateNo: null, ...over,
    });
    await api().post('/api/training/records').set('Authorization', holderAuth).send(training({})).expect(201);
    await api().post('/api/training/records').set('Authorization', holderAuth)
      .send(training({ category: '组织培训活动', course: '组织质量专业培训', startDate: `${year - 1}-05-10`, endDate: `${year - 1}-05-10`, hours: 4 })).expect(201);
    const svc = t.app.get(EvaluationCertificatesService);
    const first = await svc.nightly(today);
    expect(first.expired).toBeGreaterThanOrEqual(1);
    const [o] = await t.db.query(`SELECT status, status_changed_on::text AS d FROM evaluation_certificate WHERE id = $1`, [old]);
    expect(o).toEqual({ status: 'expired', d: '2023-01-10' });
    const [c] = await t.db.query(`SELECT status, review_flag, review_reason FROM evaluation_certificate WHERE id = $1`, [current]);
    expect(c).toMatchObject({ status: 'valid', review_flag: true, review_reason: expect.stringContaining(`${year - 1} 年度继续教育未达标`) });
    expect(c.review_reason).toContain('001 9.4.1.2');
    const [ok] = await t.db.query(`SELECT review_flag FROM evaluation_certificate WHERE id = $1`, [trained]);
    expect(ok.review_flag).toBe(false);
    const second = await svc.nightly(today);
    expect(second).toMatchObject({ expired: 0, flagged: 0 });
    // 001 9.4.1.3 and §11: after plain expiry the holder may apply again at once (no year's wait).
    const lapsed = await make(`${year - 3}-01-10`, addDays(today, -10), `${year - 2}-03-01`);
    await svc.nightly(today);
    const [l] = await t.db.query(`SELECT status, status_changed_on::text AS d, enterprise_id FROM evaluation_certificate WHERE id = $1`, [lapsed]);
    expect(l).toMatchObject({ status: 'expired', d: addDays(today, -9) });
    const lapsedAuth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: l.enterprise_id })).username);
    await api().post('/api/evaluation/applications').set('Authorization', lapsedAuth).send(application({ appliedGrade: 'AAA' })).expect(201);
    // The evaluator clears the flag with a note; the next night leaves it cleared.
    await api().post(`/api/evaluation/certificates/${current}/review-flag/clear`).set('Authorization', leader.auth).send({ note: '已补学' }).expect(200);
    await svc.nightly(today);
    expect((await t.db.query(`SELECT review_flag FROM evaluation_certificate WHERE id = $1`, [current]))[0].review_flag).toBe(false);
  }, 60_000);
});
