import { makeUser, PASSWORD } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

describe('sign-in, lockout and sessions (real Postgres)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.reset());

  const login = (username: string, password: string) => t.http().post('/api/auth/login').send({ username, password });

  it('signs in with the right password and answers who I am', async () => {
    const u = await makeUser(t.db, 'city', { regionCode: '420500' });
    const res = await login(u.username, PASSWORD).expect(200);
    expect(res.body.user).toMatchObject({ username: u.username, role: 'city', regionCode: '420500', regionName: '宜昌市' });
    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.id).toBe(u.id);
  });

  it('answers a wrong password with a Chinese message and records it', async () => {
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    const res = await login(u.username, 'wrong-password').expect(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: '用户名或密码错误', details: [] });
    const [row] = await t.db.query(`SELECT result, actor_username FROM audit_log WHERE action = 'auth.login' AND actor_username = $1`, [u.username]);
    expect(row).toEqual({ result: 'failure', actor_username: u.username });
  });

  it('refuses a body with unknown fields, naming the field in Chinese', async () => {
    const res = await t.http().post('/api/auth/login').send({ username: 'a', password: '', role: 'admin' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { field: 'role', code: 'whitelistValidation', message: '不允许提交字段“role”' },
        { field: 'password', code: 'isNotEmpty', message: '密码不能为空' },
      ]),
    );
  });

  it('locks the account after 5 failures, refuses the right password, and unlocks after 30 minutes', async () => {
    const u = await makeUser(t.db, 'city', { regionCode: '420100' });
    for (let i = 1; i <= 4; i++) await login(u.username, `bad-${i}`).expect(401);
    const fifth = await login(u.username, 'bad-5').expect(423);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    const sixth = await login(u.username, 'bad-6').expect(423);
    expect(sixth.body.message).toContain('账号已锁定');
    await login(u.username, PASSWORD).expect(423); // right password, still locked

    t.clock.advanceMinutes(29);
    await login(u.username, PASSWORD).expect(423);
    t.clock.advanceMinutes(2);
    await login(u.username, PASSWORD).expect(200);
  });

  it('does not lock for failures spread over more than 15 minutes', async () => {
    const u = await makeUser(t.db, 'city', { regionCode: '420100' });
    for (let i = 0; i < 4; i++) await login(u.username, 'bad').expect(401);
    t.clock.advanceMinutes(16);
    await login(u.username, 'bad').expect(401);
    await login(u.username, PASSWORD).expect(200);
  });

  it('refuses the old token after logout', async () => {
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    const { accessToken } = (await login(u.username, PASSWORD).expect(200)).body;
    await t.http().post('/api/auth/logout').set('Authorization', `Bearer ${accessToken}`).expect(204);
    const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(401);
    expect(res.body.code).toBe('SESSION_ENDED');
  });

  it('ends a session idle for more than 30 minutes, and keeps a busy one alive', async () => {
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    const { accessToken } = (await login(u.username, PASSWORD).expect(200)).body;
    t.clock.advanceMinutes(10);
    const refreshed = await t.http().post('/api/auth/refresh').set('Authorization', `Bearer ${accessToken}`).expect(200);
    t.clock.advanceMinutes(25); // 35 min since login, 25 since the last activity
    const token2 = refreshed.body.accessToken as string;
    const again = await t.http().post('/api/auth/refresh').set('Authorization', `Bearer ${token2}`).expect(200);
    t.clock.advanceMinutes(31);
    const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${again.body.accessToken}`).expect(401);
    expect(['SESSION_ENDED', 'TOKEN_EXPIRED']).toContain(res.body.code);
    const refresh = await t.http().post('/api/auth/refresh').set('Authorization', `Bearer ${again.body.accessToken}`).expect(401);
    expect(refresh.body.code).toBe('SESSION_ENDED');
  });

  it('expires access tokens after 15 minutes, and refresh gives a new one', async () => {
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    const { accessToken } = (await login(u.username, PASSWORD).expect(200)).body;
    t.clock.advanceMinutes(14);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(200);
    t.clock.advanceMinutes(2);
    const expired = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    const fresh = await t.http().post('/api/auth/refresh').set('Authorization', `Bearer ${accessToken}`).expect(200);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${fresh.body.accessToken}`).expect(200);
  });

  it('asks for sign-in on every route but health and login', async () => {
    const res = await t.http().get('/api/stats/dashboard').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED', message: '请先登录' });
    await t.http().get('/api/enterprises').set('Authorization', 'Bearer not-a-token').expect(401);
  });
});

describe('sign-in throttling', () => {
  it('answers 429 with a Chinese message past the per-minute limit', async () => {
    const t = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' }) });
    try {
      for (let i = 0; i < 3; i++) await t.http().post('/api/auth/login').send({ username: 'nobody', password: 'x' }).expect(401);
      const res = await t.http().post('/api/auth/login').send({ username: 'nobody', password: 'x' }).expect(429);
      expect(res.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试' });
    } finally {
      await t.close();
    }
  });
});
