import { bearer, makeEnterprise, makeUser, PASSWORD, uniq } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Account administration by admin (issue 20 item 4; 等保 2.0 8.1.4.2 身份鉴别, ASVS V2.1.1, V2.5.1,
 * V3.3.1): create with a role binding, disable/enable, unlock after failed sign-ins, reset the
 * password to be changed at the next sign-in; each audited, field errors in Chinese.
 */
describe('/api/users (admin only)', () => {
  let t: TestApp;
  let admin: string;
  const newPassword = `Initial-${uniq()}-pass`;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await bearer(t.http, (await makeUser(t.db, 'admin')).username);
  });
  afterAll(() => t.close());

  const post = (path: string, body: object = {}) => t.http().post(`/api${path}`).set('Authorization', admin).send(body);
  const login = (username: string, password: string) => t.http().post('/api/auth/login').send({ username, password });
  const audited = async (action: string, id: string) =>
    (await t.db.query(`SELECT actor_username FROM audit_log WHERE action = $1 AND object_id = $2`, [action, id])).length;

  it('creates a city officer bound to a city; the first sign-in must change the password (ASVS V2.5.1)', async () => {
    const username = `city-new-${uniq()}`;
    const res = await post('/users', { username, displayName: '王主任', role: 'city', regionCode: '420100', password: newPassword }).expect(201);
    expect(res.body).toMatchObject({ username, role: 'city', regionCode: '420100', regionName: '武汉市', active: true, mustChangePassword: true, lockedUntil: null });
    expect(await audited('user.create', res.body.id)).toBe(1);
    const signIn = await login(username, newPassword).expect(200);
    const me = await t.http().get('/api/enterprises').set('Authorization', `Bearer ${signIn.body.accessToken}`);
    expect([me.status, me.body.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
  });

  it('refuses a wrong binding, a taken name and a weak password with field errors in Chinese', async () => {
    const county = await post('/users', { username: `c-${uniq()}`, displayName: '李', role: 'city', regionCode: '420102', password: newPassword }).expect(400);
    expect(county.body.details).toEqual([expect.objectContaining({ field: 'regionCode', message: '市级监管账号须绑定市级地区' })]);
    const noEnterprise = await post('/users', { username: `e-${uniq()}`, displayName: '赵', role: 'enterprise', password: newPassword }).expect(400);
    expect(noEnterprise.body.details[0]).toMatchObject({ field: 'enterpriseId', message: '企业账号须绑定企业' });
    const weak = await post('/users', { username: `w-${uniq()}`, displayName: '钱', role: 'province', regionCode: '420000', password: 'short' }).expect(400);
    expect(weak.body.details[0].field).toBe('password');
    expect(weak.body.message).toMatch(/[\u4e00-\u9fa5]/);
    const existing = await makeUser(t.db, 'county', { regionCode: '420102' });
    const taken = await post('/users', { username: existing.username, displayName: '孙', role: 'county', regionCode: '420102', password: newPassword }).expect(400);
    expect(taken.body.details[0]).toMatchObject({ field: 'username', message: `用户名 ${existing.username} 已被使用` });
  });

  it('creates an enterprise account bound to its enterprise', async () => {
    const e = await makeEnterprise(t.db, '420102');
    const res = await post('/users', { username: `ent-${uniq()}`, displayName: '企业填报员', role: 'enterprise', enterpriseId: e.id, password: newPassword }).expect(201);
    expect(res.body).toMatchObject({ role: 'enterprise', enterpriseId: e.id, enterpriseName: e.name, regionCode: null });
  });

  it('unlocks an account locked by five failed sign-ins (docs/sessions.md lockout)', async () => {
    const u = await makeUser(t.db, 'county', { regionCode: '420102' });
    for (let i = 1; i <= 5; i += 1) await login(u.username, `bad-${i}`);
    await login(u.username, PASSWORD).expect(423);
    const [row] = (await t.http().get('/api/users').query({ q: u.username }).set('Authorization', admin).expect(200)).body.items;
    expect(row.lockedUntil).not.toBeNull();
    const res = await post(`/users/${u.id}/unlock`).expect(200);
    expect(res.body.lockedUntil).toBeNull();
    expect(await audited('user.unlock', u.id)).toBe(1);
    await login(u.username, PASSWORD).expect(200);
  });

  it('disables (sessions end at once, sign-in refused) and enables again', async () => {
    const u = await makeUser(t.db, 'county', { regionCode: '420102' });
    const session = await bearer(t.http, u.username);
    await post(`/users/${u.id}/disable`).expect(200);
    expect((await t.http().get('/api/auth/me').set('Authorization', session)).status).toBe(401);
    await login(u.username, PASSWORD).expect(401);
    await post(`/users/${u.id}/enable`).expect(200);
    await login(u.username, PASSWORD).expect(200);
    expect([await audited('user.disable', u.id), await audited('user.enable', u.id)]).toEqual([1, 1]);
  });

  it('resets the password: the old one stops working, the new one must be changed at sign-in', async () => {
    const u = await makeUser(t.db, 'county', { regionCode: '420102' });
    const res = await post(`/users/${u.id}/reset-password`, { password: newPassword }).expect(200);
    expect(res.body.mustChangePassword).toBe(true);
    await login(u.username, PASSWORD).expect(401);
    await login(u.username, newPassword).expect(200);
    expect(await audited('user.password-reset', u.id)).toBe(1);
  });

  it('is not found for any other role, and an unknown id is 404', async () => {
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    expect((await t.http().get('/api/users').set('Authorization', province)).status).toBe(404);
    expect((await t.http().post('/api/users/00000000-0000-4000-8000-000000000000/unlock').set('Authorization', admin)).status).toBe(404);
  });
});
