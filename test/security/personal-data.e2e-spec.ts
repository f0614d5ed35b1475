import { maskName, yearOf, chinaDate } from '@cqo/policy';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser, phone } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Issue 18 item 8, personal data (SPEC §1; 等保 2.0 L3 个人信息保护 and 安全审计, ASVS V8.3):
 *  - the admin role (system administration only: users, regions, jobs) read every CQO's full name,
 *    phone number and birth month; now it is refused (404, audited) or sees the name masked;
 *  - evidence downloads and hours-certificate reads (the signed-in page and the public verify page)
 *    were not in the audit log; now each names who, what and when;
 *  - the public hours certificate showed the full name while the evaluation certificate's page
 *    masks it; now both mask it (张*丰).
 */
describe('personal data: admin reads none, and every read of it is audited (issue 18 item 8)', () => {
  let t: TestApp;
  let admin: string;
  let province: string;
  let wuhan: string;
  let entAuth: string;
  let enterpriseId: string;
  let appointmentId: string;
  let personId: string;
  const cqoName = '欧阳质量';
  const cqoPhone = phone();
  const lastYear = yearOf(chinaDate(new Date())) - 1;

  const audited = (action: string, objectId: string) =>
    t.db.query(`SELECT actor_username, actor_role, ip, at, details FROM audit_log WHERE action = $1 AND object_id = $2 ORDER BY id`, [action, objectId]);

  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
    admin = await bearer(t.http, (await makeUser(t.db, 'admin')).username);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    const e = await makeEnterprise(t.db, '420102');
    enterpriseId = e.id;
    entAuth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username);
    const filed = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', wuhan)
      .send(hubeiEligibleFiling(`${lastYear}-03-01`, { name: cqoName, phone: cqoPhone, explanation: '补录历史聘任' })).expect(201);
    appointmentId = filed.body.id;
    personId = filed.body.personId;
    // A CQO violation, so the violation list names the person.
    await t.http().post('/api/violations').set('Authorization', wuhan)
      .send({ enterpriseId: e.id, subject: 'cqo', type: '失信', occurredOn: `${lastYear}-06-01`, sourceDocument: '武市监〔2025〕1号' }).expect(201);
  }, 60_000);
  afterAll(() => t.close());

  it('an officer in scope still reads the CQO in full on the detail page (the control)', async () => {
    const res = await t.http().get(`/api/appointments/${appointmentId}`).set('Authorization', province).expect(200);
    expect(res.body).toMatchObject({ name: cqoName, phone: cqoPhone });
  });

  it('admin is refused the CQO record, the appointment list, training and evaluation reads (404, the denial audited)', async () => {
    const refused = [
      `/api/appointments/${appointmentId}`,
      `/api/appointments/${appointmentId}/verdict`,
      `/api/enterprises/${enterpriseId}/appointments`,
      `/api/training/records?personId=${personId}`,
      `/api/training/progress?enterpriseId=${enterpriseId}`,
      '/api/evaluation/applications',
      `/api/annual-reports/by-enterprise/${enterpriseId}/${lastYear}`,
      '/api/evaluation/certificates',
    ];
    for (const path of refused) {
      const res = await t.http().get(path).set('Authorization', admin);
      expect([path, res.status]).toEqual([path, 404]);
      expect(JSON.stringify(res.body)).not.toContain(cqoPhone);
      expect(JSON.stringify(res.body)).not.toContain(cqoName);
    }
    await t.http().post('/api/training/certificates').set('Authorization', admin).send({ personId, year: lastYear }).expect(404);
    const denials = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'access.route' AND result = 'denied' AND actor_role = 'admin'`);
    expect(denials[0].n).toBeGreaterThanOrEqual(refused.length);
  });

  it('admin sees the enterprise, but the CQO\'s name masked and never the full phone, in the list, the detail and the violations', async () => {
    const list = await t.http().get(`/api/enterprises?q=${encodeURIComponent('测试企业')}&pageSize=200`).set('Authorization', admin).expect(200);
    const row = list.body.items.find((i: { id: string }) => i.id === enterpriseId);
    expect(row.cqo.name).toBe(maskName(cqoName));
    const detail = await t.http().get(`/api/enterprises/${enterpriseId}`).set('Authorization', admin).expect(200);
    expect(detail.body.cqo.name).toBe(maskName(cqoName));
    const violations = await t.http().get(`/api/violations?enterpriseId=${enterpriseId}`).set('Authorization', admin).expect(200);
    // The 学时不足 page stays for admin's ledger check; its names come masked.
    const shortfall = await t.http().get(`/api/training/shortfall?year=${lastYear}&pageSize=200`).set('Authorization', admin).expect(200);
    for (const item of shortfall.body.items as { personName: string }[]) expect(item.personName).toMatch(/\*/);
    expect(JSON.stringify(shortfall.body)).not.toContain(cqoName);
    expect(violations.body.items[0].personName).toBe(maskName(cqoName));
    for (const body of [list.body, detail.body, violations.body, shortfall.body]) {
      expect(JSON.stringify(body)).not.toContain(cqoName);
      expect(JSON.stringify(body)).not.toContain(cqoPhone);
    }
    // An officer in scope sees the name.
    const officer = await t.http().get(`/api/enterprises/${enterpriseId}`).set('Authorization', wuhan).expect(200);
    expect(officer.body.cqo.name).toBe(cqoName);
  });

  it('hours-certificate reads are audited, and the public page shows the name masked as the evaluation certificate does', async () => {
    const cert = await t.http().post('/api/training/certificates').set('Authorization', entAuth).send({ personId, year: lastYear }).expect(200);
    const code = cert.body.code as string;
    expect(await audited('training.certificate.read', code)).toHaveLength(0); // issuing is audited as the issue

    await t.http().get(`/api/training/certificates/${code}`).set('Authorization', wuhan).expect(200);
    const reads = await audited('training.certificate.read', code);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor_role: 'city', details: { personId, year: lastYear } });
    expect(reads[0].at).toBeInstanceOf(Date);

    const pub = await t.http().get(`/api/public/verify/${code}`).expect(200);
    expect(pub.body.name).toBe(maskName(cqoName));
    expect(pub.body.name).not.toBe(cqoName);
    const checks = await audited('training.certificate.verify', code);
    expect(checks).toHaveLength(1);
    expect(checks[0].actor_username).toBeNull();
    expect(checks[0].ip).toMatch(/127\.0\.0\.1|::1/); // who: the client's address
  });

  it('evidence downloads are audited: who, which file, when', async () => {
    const apply = await t.http().post('/api/evaluation/applications').set('Authorization', entAuth).send({
      scheme: 'hunan',
      appliedGrade: 'AAA',
      experienceYears: 5,
      hasCertificate: true,
      selfAssessment: { '8.1.1': 80, '8.2': 70, '8.3': 60, '8.4.1': 60, '8.5.1': 100 },
      statement: '申请报告：本人从事质量管理工作五年。',
      recommendation: '同意推荐。',
    });
    expect(apply.status).toBe(201);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const up = await t.http().post(`/api/evaluation/applications/${apply.body.id}/evidence`).set('Authorization', entAuth).attach('file', png, '绩效证明.png').expect(201);
    await t.http().get(`/api/evaluation/applications/${apply.body.id}/evidence/${up.body.id}`).set('Authorization', wuhan).expect(200);
    const rows = await audited('evaluation.evidence.download', up.body.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_role: 'city', details: { applicationId: apply.body.id, fileName: '绩效证明.png' } });
    // admin may not download it at all.
    await t.http().get(`/api/evaluation/applications/${apply.body.id}/evidence/${up.body.id}`).set('Authorization', admin).expect(404);
  });
});
