import type { Role } from '@cqo/contracts';
import { makeEnterprise, makeUser, PASSWORD } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Issue 18 item 4: an enterprise reclassified itself (`PATCH` of its own 规上, size and awards
 * answered 200), moving it between target categories (SPEC §7) and changing which position rule is
 * hard (004 二(二)). Now those fields, and its region, become a change request that a county / city
 * officer in scope approves or rejects; until approved the enterprise and every figure stay as they
 * were. And item 8: the PATCH requires `version` (optimistic lock, ASVS V11.1.6).
 *
 * Fixture: the enterprise in 武汉/江岸区 (420102); officers of 江岸区, 武汉 and 宜昌.
 */
describe('enterprise self-edits of 规上, size, awards and region are change requests (issue 18 item 4)', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let ent: { id: string; creditCode: string; name: string };

  const as = (who: string) => `Bearer ${tokens[who]}`;
  const read = async (id = ent.id) => (await t.http().get(`/api/enterprises/${id}`).set('Authorization', as('cityWuhan')).expect(200)).body;
  const statsRefreshes = async (id = ent.id) =>
    Number((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'stats.refresh' AND payload->>'enterpriseId' = $1`, [id]))[0].n);
  const audited = async (action: string, objectId: string) =>
    t.db.query(`SELECT actor_username, details FROM audit_log WHERE action = $1 AND object_id = $2 ORDER BY id`, [action, objectId]);

  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
    ent = await makeEnterprise(t.db, '420102', { aboveSize: true });
    const users: Record<string, [Role, { regionCode?: string; enterpriseId?: string }]> = {
      ent: ['enterprise', { enterpriseId: ent.id }],
      countyJiangan: ['county', { regionCode: '420102' }],
      cityWuhan: ['city', { regionCode: '420100' }],
      cityYichang: ['city', { regionCode: '420500' }],
      admin: ['admin', {}],
    };
    for (const [who, [role, binding]] of Object.entries(users)) {
      const u = await makeUser(t.db, role, binding);
      tokens[who] = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
    }
  });
  afterAll(() => t.close());

  it('ent PATCH of its own 规上, size and awards answers 202 with a pending request; the enterprise and its figures stay as they were', async () => {
    const before = await read();
    const aboveSizeCount = async () =>
      (await t.http().get('/api/enterprises?region=420102&aboveSize=true&pageSize=200').set('Authorization', as('cityWuhan')).expect(200)).body.items.filter((e: { id: string }) => e.id === ent.id).length;
    expect(await aboveSizeCount()).toBe(1);
    const refreshesBefore = await statsRefreshes();

    const res = await t
      .http()
      .patch(`/api/enterprises/${ent.id}`)
      .set('Authorization', as('ent'))
      .send({ aboveSize: false, sizeClass: '微型', awards: [{ award: '中国质量奖', year: 2025 }], version: before.version });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      enterpriseId: ent.id,
      status: 'pending',
      changes: { aboveSize: false, sizeClass: '微型', awards: [{ award: '中国质量奖', year: 2025 }] },
      before: { aboveSize: true, sizeClass: '中型', awards: [] },
    });

    const after = await read();
    expect(after).toEqual(before); // the record, its version and awards untouched
    expect(await aboveSizeCount()).toBe(1); // still counted as 规上
    expect(await statsRefreshes()).toBe(refreshesBefore); // no statistics move
    expect(await audited('enterprise.change_request.file', res.body.id)).toHaveLength(1);
  });

  it('its other fields stay direct: a name change applies at once (200)', async () => {
    const before = await read();
    const res = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('ent')).send({ name: `${ent.name}（更名）`, version: before.version }).expect(200);
    expect(res.body.name).toBe(`${ent.name}（更名）`);
    expect(res.body.version).toBe(before.version + 1);
  });

  it('the pending list is scoped like the enterprise list: 江岸区 and 武汉 see it, 宜昌 does not, admin is refused', async () => {
    const list = async (who: string) => t.http().get('/api/enterprise-change-requests?status=pending').set('Authorization', as(who));
    const ids = (res: { body: { items: { enterpriseId: string }[] } }) => res.body.items.map((r) => r.enterpriseId);
    expect(ids(await list('countyJiangan'))).toContain(ent.id);
    expect(ids(await list('cityWuhan'))).toContain(ent.id);
    expect(ids(await list('ent'))).toEqual([ent.id]);
    const yichang = await list('cityYichang');
    expect(yichang.status).toBe(200);
    expect(ids(yichang)).not.toContain(ent.id);
    expect((await list('admin')).status).toBe(404);
  });

  it('neither the enterprise itself nor an officer out of scope can approve (404, nothing changes)', async () => {
    const [pending] = (await t.http().get(`/api/enterprise-change-requests?status=pending&enterpriseId=${ent.id}`).set('Authorization', as('cityWuhan')).expect(200)).body.items;
    const before = await read();
    for (const who of ['ent', 'cityYichang', 'admin']) {
      const res = await t.http().post(`/api/enterprise-change-requests/${pending.id}/approve`).set('Authorization', as(who));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await read()).toEqual(before);
  });

  it('an officer in scope approves: the change applies through the officer edit path (versioned, audited, statistics refreshed)', async () => {
    const [pending] = (await t.http().get(`/api/enterprise-change-requests?status=pending&enterpriseId=${ent.id}`).set('Authorization', as('countyJiangan')).expect(200)).body.items;
    const before = await read();
    const refreshesBefore = await statsRefreshes();
    const res = await t.http().post(`/api/enterprise-change-requests/${pending.id}/approve`).set('Authorization', as('countyJiangan')).expect(200);
    expect(res.body).toMatchObject({ status: 'approved', decidedBy: expect.any(String) });

    const after = await read();
    expect(after).toMatchObject({ aboveSize: false, sizeClass: '微型', awards: [{ award: '中国质量奖', year: 2025 }], hasAward: true, version: before.version + 1 });
    expect(await statsRefreshes()).toBe(refreshesBefore + 1);
    const [update] = (await audited('enterprise.update', ent.id)).slice(-1);
    expect(update.details).toMatchObject({ changeRequestId: pending.id, changed: expect.arrayContaining(['aboveSize', 'sizeClass', 'awards']) });
    expect(await audited('enterprise.change_request.approve', pending.id)).toHaveLength(1);

    // Decided once: a second approval (or a rejection) is a 409 in the error shape.
    const again = await t.http().post(`/api/enterprise-change-requests/${pending.id}/approve`).set('Authorization', as('cityWuhan')).expect(409);
    expect(again.body).toMatchObject({ statusCode: 409, code: 'CONFLICT', message: expect.stringMatching(/已处理/), details: [] });
  });

  it('an officer rejects with a reason (required, 400 without one); the enterprise stays as it was and sees why', async () => {
    const before = await read();
    const filed = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('ent')).send({ aboveSize: true, version: before.version }).expect(202);

    const missing = await t.http().post(`/api/enterprise-change-requests/${filed.body.id}/reject`).set('Authorization', as('cityWuhan')).send({}).expect(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'reason' })]) });
    await t.http().post(`/api/enterprise-change-requests/${filed.body.id}/reject`).set('Authorization', as('cityWuhan')).send({ reason: '   ' }).expect(400);

    const rejected = await t.http().post(`/api/enterprise-change-requests/${filed.body.id}/reject`).set('Authorization', as('cityWuhan')).send({ reason: '营业收入未达规上标准' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '营业收入未达规上标准' });
    expect(await read()).toEqual(before);
    const mine = await t.http().get(`/api/enterprise-change-requests/${filed.body.id}`).set('Authorization', as('ent')).expect(200);
    expect(mine.body).toMatchObject({ status: 'rejected', reason: '营业收入未达规上标准' });
    expect(await audited('enterprise.change_request.reject', filed.body.id)).toHaveLength(1);
  });

  it('a newer request supersedes the pending one', async () => {
    const v = (await read()).version;
    const first = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('ent')).send({ sizeClass: '小型', version: v }).expect(202);
    const second = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('ent')).send({ sizeClass: '中型', version: v }).expect(202);
    const pending = (await t.http().get(`/api/enterprise-change-requests?status=pending&enterpriseId=${ent.id}`).set('Authorization', as('cityWuhan')).expect(200)).body.items;
    expect(pending.map((r: { id: string }) => r.id)).toEqual([second.body.id]);
    expect((await t.http().get(`/api/enterprise-change-requests/${first.body.id}`).set('Authorization', as('ent')).expect(200)).body.status).toBe('superseded');
    // The newer request's audit row names the one it superseded.
    expect(await audited('enterprise.change_request.file', second.body.id)).toEqual([expect.objectContaining({ details: expect.objectContaining({ supersedes: first.body.id }) })]);
    await t.http().post(`/api/enterprise-change-requests/${second.body.id}/reject`).set('Authorization', as('cityWuhan')).send({ reason: '无需变更' }).expect(200);
  });

  it('a region move is reviewed too, and lands only inside the approver\'s scope; the enterprise\'s rows follow it', async () => {
    const e = await makeEnterprise(t.db, '420102');
    const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    const own = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
    const before = await read(e.id);
    // 江汉区 (420103), another county of 武汉.
    const filed = await t.http().patch(`/api/enterprises/${e.id}`).set('Authorization', `Bearer ${own}`).send({ regionCode: '420103', version: before.version }).expect(202);
    expect(filed.body.changes).toMatchObject({ regionCode: '420103', regionName: '江汉区' });
    expect((await read(e.id)).regionCode).toBe('420102');

    // 江岸区 cannot move it out of its own county: a field error, and the request stays pending.
    const outside = await t.http().post(`/api/enterprise-change-requests/${filed.body.id}/approve`).set('Authorization', as('countyJiangan')).expect(400);
    expect(outside.body.details[0]).toMatchObject({ field: 'regionCode' });
    expect((await t.http().get(`/api/enterprise-change-requests/${filed.body.id}`).set('Authorization', as('cityWuhan')).expect(200)).body.status).toBe('pending');

    await t.http().post(`/api/enterprise-change-requests/${filed.body.id}/approve`).set('Authorization', as('cityWuhan')).expect(200);
    const [{ region_code, region_path }] = await t.db.query(`SELECT region_code, region_path FROM enterprise WHERE id = $1`, [e.id]);
    expect(region_code).toBe('420103');
    expect(region_path).toMatch(/\/420103\/$/);
    // Now outside 江岸区's scope.
    await t.http().get(`/api/enterprises/${e.id}`).set('Authorization', as('countyJiangan')).expect(404);
  });

  it('a region outside the province is a field error, not a request', async () => {
    const v = (await read()).version;
    const res = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('ent')).send({ regionCode: '110101', version: v }).expect(400);
    expect(res.body.details[0]).toMatchObject({ field: 'regionCode' });
  });

  it('officers in scope still edit directly (200)', async () => {
    const before = await read();
    const res = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', as('countyJiangan')).send({ sizeClass: '大型', version: before.version }).expect(200);
    expect(res.body.sizeClass).toBe('大型');
  });
});

describe('the enterprise PATCH takes a version and uses the optimistic lock (issue 18 item 8, ASVS V11.1.6)', () => {
  let t: TestApp;
  let token: string;
  let ent: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    ent = await makeEnterprise(t.db, '420102');
    const u = await makeUser(t.db, 'city', { regionCode: '420100' });
    token = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
  });
  afterAll(() => t.close());

  it('without a version: 400 naming the field, nothing written', async () => {
    const res = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', `Bearer ${token}`).send({ name: '无版本号修改有限公司' }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'version', message: expect.stringMatching(/版本/) })]) });
    const [row] = await t.db.query(`SELECT name, version FROM enterprise WHERE id = $1`, [ent.id]);
    expect(row).toMatchObject({ version: 1 });
    expect(row.name).not.toBe('无版本号修改有限公司');
  });

  it('a stale version: 409 in the error shape, the newer edit kept', async () => {
    await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', `Bearer ${token}`).send({ name: '先保存的名称有限公司', version: 1 }).expect(200);
    const stale = await t.http().patch(`/api/enterprises/${ent.id}`).set('Authorization', `Bearer ${token}`).send({ name: '后保存的名称有限公司', version: 1 }).expect(409);
    expect(stale.body).toEqual({ statusCode: 409, code: 'CONFLICT', message: expect.stringMatching(/[\u4e00-\u9fa5]/), details: [] });
    const [row] = await t.db.query(`SELECT name, version FROM enterprise WHERE id = $1`, [ent.id]);
    expect(row).toEqual({ name: '先保存的名称有限公司', version: 2 });
  });
});
