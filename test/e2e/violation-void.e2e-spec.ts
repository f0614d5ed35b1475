import type { INestApplicationContext } from '@nestjs/common';
import { chinaDate, yearOf } from '@cqo/policy';
import { bearer, hubeiEligibleFiling, makeCertificate, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

/**
 * Voiding (撤销) a violation recorded by mistake, on real Postgres and Redis (issue 17): by the
 * recording level or above within scope, with a reason, audited; the person is re-judged and what
 * the violation did by itself (disqualification, suspension, a pending revocation — 001 §11) is
 * lifted. Its own database: the worker's certificate job runs against it.
 */
describe('violations: voiding (real Postgres)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let province: string;
  let wuhan: string;
  let county: string;
  let yichang: string;
  let entAuth: string;
  let ent: { id: string };
  let certId: string;
  const today = chinaDate(new Date());
  const year = yearOf(today);

  beforeAll(async () => {
    const config = testConfig({ DATABASE_URL: await privateDatabase('violation_void'), CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:violation-void` });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    county = await bearer(t.http, (await makeUser(t.db, 'county', { regionCode: '420102' })).username);
    yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
    ent = await makeEnterprise(t.db, '420102');
    await t.http().post(`/api/enterprises/${ent.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${year - 1}-03-01`, { name: '钱质量', explanation: '补录历史聘任' })).expect(201);
    entAuth = await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: ent.id })).username);
    // A valid hunan certificate of the CQO (the workflow is covered in evaluation.e2e-spec).
    const id = await makeCertificate(t.db, ent.id, { number: 'CQO-420000-2025-000077', year: 2025, issuedOn: `${year - 1}-06-01`, validUntil: `${year + 2}-05-31` });
    await t.db.query(`INSERT INTO evaluation_certificate_event (certificate_id, at, from_status, to_status, reason) VALUES ($1, now(), NULL, 'valid', '颁发')`, [id]);
    certId = id;
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const api = () => t.http();
  const appointment = async () =>
    (await t.db.query(`SELECT verdict, disqualified FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [ent.id]))[0] as { verdict: string; disqualified: boolean };
  const certificate = async () =>
    (await t.db.query(`SELECT status, revocation_pending_violation_id FROM evaluation_certificate WHERE id = $1`, [certId]))[0] as { status: string; revocation_pending_violation_id: string | null };
  const record = (auth: string, over: Record<string, unknown> = {}) =>
    api().post('/api/violations').set('Authorization', auth)
      .send({ enterpriseId: ent.id, subject: 'cqo', type: '刑事处分', occurredOn: today, sourceDocument: '（2026）鄂0102刑初9号', ...over }).expect(201);

  it('a mistaken 刑事处分 disqualifies and suspends with revocation pending (001 §11); voiding it lifts all of it', async () => {
    expect(await appointment()).toMatchObject({ verdict: 'eligible', disqualified: false });
    const v = (await record(wuhan)).body;
    expect(await appointment()).toMatchObject({ verdict: 'ineligible', disqualified: true });
    await waitFor(async () => (await certificate()).revocation_pending_violation_id === v.id, 20_000);
    expect((await certificate()).status).toBe('suspended');

    // Requires auth; requires access: the enterprise and another city see nothing; a lower level in scope is refused.
    await api().post(`/api/violations/${v.id}/void`).send({ reason: '录入错误' }).expect(401);
    await api().post(`/api/violations/${v.id}/void`).set('Authorization', entAuth).send({ reason: '录入错误' }).expect(404);
    await api().post(`/api/violations/${v.id}/void`).set('Authorization', yichang).send({ reason: '录入错误' }).expect(404);
    const lower = await api().post(`/api/violations/${v.id}/void`).set('Authorization', county).send({ reason: '录入错误' }).expect(403);
    expect(lower.body.message).toContain('只能由录入层级或上级撤销');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'violation.void' AND object_id = $1 AND result = 'denied'`, [v.id]))[0].n).toBe(1);
    const blank = await api().post(`/api/violations/${v.id}/void`).set('Authorization', wuhan).send({ reason: '  ' }).expect(400);
    expect(blank.body.details[0]).toMatchObject({ field: 'reason', message: '请填写撤销理由' });
    // VIOLATION_LIMITS.voidReason, which the void dialog also counts down: one character over is refused.
    const long = await api().post(`/api/violations/${v.id}/void`).set('Authorization', wuhan).send({ reason: '误'.repeat(1001) }).expect(400);
    expect(long.body.details[0]).toMatchObject({ field: 'reason', message: '撤销理由不能超过1000个字符' });
    await api().post(`/api/violations/not-an-id/void`).set('Authorization', wuhan).send({ reason: '录入错误' }).expect(404);

    const voided = await api().post(`/api/violations/${v.id}/void`).set('Authorization', wuhan).send({ reason: '当事人认定有误，系同名人员', version: v.version }).expect(200);
    expect(voided.body).toMatchObject({ id: v.id, type: '刑事处分', voidedByRole: 'city', voidReason: '当事人认定有误，系同名人员' });

    // Re-judged in the same transaction; the certificate is back to valid, nothing pending.
    expect(await appointment()).toMatchObject({ verdict: 'eligible', disqualified: false });
    expect(await certificate()).toEqual({ status: 'valid', revocation_pending_violation_id: null });
    const detail = await api().get(`/api/evaluation/certificates/${certId}`).set('Authorization', province).expect(200);
    expect(detail.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['valid', 'suspended', 'valid']);
    expect(detail.body.history[2].reason).toContain('违规记录已撤销');

    // Out of the lists and counts; audited; a second void is a conflict.
    const list = await api().get('/api/violations').set('Authorization', wuhan).query({ enterpriseId: ent.id }).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(v.id);
    const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'violation.void' AND object_id = $1 AND result = 'success'`, [v.id]);
    expect(audit.details).toMatchObject({ reason: '当事人认定有误，系同名人员', type: '刑事处分' });
    const voidedList = await api().get('/api/violations/voided').set('Authorization', wuhan).expect(200);
    expect(voidedList.body.items).toEqual([expect.objectContaining({ id: v.id, voidReason: '当事人认定有误，系同名人员', voidedByRole: 'city' })]);
    expect((await api().get('/api/violations/voided').set('Authorization', yichang).expect(200)).body.total).toBe(0);
    await api().get('/api/violations/voided').expect(401);
    const again = await api().post(`/api/violations/${v.id}/void`).set('Authorization', wuhan).send({ reason: '再次' }).expect(409);
    expect(again.body.message).toBe('该违规记录已撤销');
    // The worker's job for the voided violation, run late, changes nothing.
    await waitFor(async () => (await certificate()).status === 'valid', 5_000);
  }, 60_000);

  it('voiding one of two violations leaves what the other calls for; the province voids a county record', async () => {
    const first = (await record(county, { type: '违法违规', sourceDocument: '区市监罚〔2026〕3号' })).body;
    await waitFor(async () => (await certificate()).status === 'suspended', 20_000);
    const second = (await record(wuhan, { type: '失信', sourceDocument: '武市监罚〔2026〕4号' })).body;
    await new Promise((r) => setTimeout(r, 500));
    // The county's record, voided by the province (a level above): still suspended by the second.
    await api().post(`/api/violations/${first.id}/void`).set('Authorization', province).send({ reason: '重复录入' }).expect(200);
    await waitFor(async () => (await certificate()).status === 'suspended', 5_000);
    await api().post(`/api/violations/${second.id}/void`).set('Authorization', wuhan).send({ reason: '录入错误' }).expect(200);
    expect((await certificate()).status).toBe('valid');
  }, 60_000);

  it('SPEC §5: a CQO violation names the CQO it concerns, field by field; a refused one writes nothing', async () => {
    const other = await makeEnterprise(t.db, '420102');
    const [mine] = await t.db.query(`SELECT id FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [ent.id]);
    const send = (over: Record<string, unknown>) =>
      api().post('/api/violations').set('Authorization', wuhan)
        .send({ enterpriseId: other.id, subject: 'cqo', type: '违法违规', occurredOn: today, sourceDocument: '武市监罚〔2026〕9号', ...over });
    const detail = async (over: Record<string, unknown>) => (await send(over).expect(400)).body.details;

    // No CQO in post, none chosen; another enterprise's filing chosen; a future date as well.
    expect(await detail({})).toEqual([expect.objectContaining({ field: 'appointmentId', code: 'noAppointment', message: expect.stringContaining('该企业没有在任首席质量官') })]);
    expect(await detail({ appointmentId: mine.id })).toEqual([expect.objectContaining({ field: 'appointmentId', message: '所选聘任记录不属于该企业' })]);
    const future = `${year + 1}-01-01`;
    expect((await detail({ occurredOn: future })).map((d: { field: string }) => d.field)).toEqual(['occurredOn', 'appointmentId']);
    const written = async () =>
      (await t.db.query(
        `SELECT (SELECT count(*)::int FROM violation WHERE enterprise_id = $1) AS violations,
                (SELECT count(*)::int FROM audit_log WHERE action = 'violation.record' AND details->>'enterpriseId' = $1::text) AS audits,
                (SELECT count(*)::int FROM outbox WHERE payload->>'enterpriseId' = $1::text) AS events`,
        [other.id],
      ))[0];
    expect(await written()).toEqual({ violations: 0, audits: 0, events: 0 });

    // The enterprise itself as the subject needs no CQO; the record names no person.
    const ok = await send({ subject: 'enterprise' }).expect(201);
    expect(ok.body).toMatchObject({ enterpriseId: other.id, subject: 'enterprise', personId: null, status: 'open', disqualifying: false });
    expect(await written()).toEqual({ violations: 1, audits: 1, events: 1 });
  }, 30_000);
});
