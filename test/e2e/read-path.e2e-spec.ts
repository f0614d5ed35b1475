import fs from 'node:fs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthService, SESSION_CHECK_TTL_MS } from '@cqo/server-auth';
import { makeUser, PASSWORD } from '../support/fixtures';
import { recordStatements } from '../support/statements';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

// Issue 16: the cached dashboard's read path. The api never touches the dashboard's files, the
// session check is cached for a short time without letting an ended session through, and
// "last seen" is not a write per request.

const INDEX = '<!doctype html><html><body><div id="app">read-path-index</div></body></html>';

/** A dashboard build with, as a trap, real files under api/: an api request that reaches serve-static gets one of them. */
function webDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cqo-web-'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("app")');
  mkdirSync(join(dir, 'api', 'stats'), { recursive: true });
  writeFileSync(join(dir, 'api', 'does-not-exist'), 'a file, not the api');
  writeFileSync(join(dir, 'api', 'stats', 'dashboard'), 'a file, not the api');
  return dir;
}

describe('static files stay outside /api', () => {
  let t: TestApp;
  let web: string;
  beforeAll(async () => {
    web = webDist();
    t = await createTestApp({ config: testConfig({ CQO_WEB_DIST: web, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }), serveWeb: true });
  });
  afterAll(async () => {
    await t.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('answers an unknown /api path with the JSON 404, not a file', async () => {
    const res = await t.http().get('/api/does-not-exist').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const withQuery = await t.http().get('/api/does-not-exist?x=1').expect(404);
    expect(withQuery.body.code).toBe('NOT_FOUND');
  });

  it('serves the api for an api route even when a file of that name exists', async () => {
    const res = await t.http().get('/api/stats/dashboard').expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('never asks the file system about an /api request, and still serves the assets', async () => {
    const stat = jest.spyOn(fs, 'stat');
    try {
      const u = await makeUser(t.db, 'province', { regionCode: '420000' });
      const token = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
      const underWeb = () => stat.mock.calls.filter(([p]) => String(p).startsWith(web)).length;
      await t.http().get('/api/health');
      await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await t.http().get('/api/does-not-exist').expect(404);
      expect(underWeb()).toBe(0);
      const asset = await t.http().get('/assets/app-1234.js').expect(200);
      expect(asset.text).toBe('console.log("app")');
      // Not a vite-hashed name (`-<8+ chars>`): revalidated (hashed ones are immutable: test/e2e/static-assets).
      expect(asset.headers['cache-control']).toBe('no-cache');
      expect(underWeb()).toBeGreaterThan(0); // the spy sees serve-static when it is used
    } finally {
      stat.mockRestore();
    }
  });

  it('answers a deep link of the dashboard with index.html, revalidated', async () => {
    const res = await t.http().get('/stats/region/420100?year=2026').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    await t.http().get('/stats/region/420100').set('If-None-Match', res.headers.etag).expect(304);
    expect((await t.http().get('/').expect(200)).text).toBe(INDEX);
    // An /api-lookalike outside /api is a dashboard route.
    expect((await t.http().get('/apiary').expect(200)).text).toBe(INDEX);
  });
});

describe('the cached session check', () => {
  let t: TestApp;
  let other: TestApp; // a second api "process" on the same database, with its own cache
  beforeAll(async () => {
    // Access tokens outlive the idle limit here, so the idle rule is what ends a session.
    const config = testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', ACCESS_TOKEN_TTL_SECONDS: '7200' });
    t = await createTestApp({ config });
    other = await createTestApp({ config });
  });
  afterAll(async () => {
    await t.close();
    await other.close();
  });
  afterEach(() => {
    t.clock.reset();
    jest.restoreAllMocks();
  });

  const signIn = async (app: TestApp, role: 'province' | 'city' = 'province') => {
    const u = await makeUser(app.db, role, { regionCode: role === 'province' ? '420000' : '420100' });
    const res = await app.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200);
    return { user: u, auth: `Bearer ${res.body.accessToken as string}` };
  };
  const me = (app: TestApp, auth: string) => app.http().get('/api/auth/me').set('Authorization', auth);

  it('refuses the very next request after sign-out, although the check was just cached', async () => {
    const { auth } = await signIn(t);
    await me(t, auth).expect(200);
    await me(t, auth).expect(200); // the check is cached now
    await t.http().post('/api/auth/logout').set('Authorization', auth).expect(204);
    const res = await me(t, auth).expect(401);
    expect(res.body.code).toBe('SESSION_ENDED');
  });

  it('refuses a sign-out made through another process within the TTL', async () => {
    const { auth } = await signIn(t);
    await me(t, auth).expect(200);
    await me(other, auth).expect(200);
    await other.http().post('/api/auth/logout').set('Authorization', auth).expect(204);
    const start = Date.now();
    while ((await me(t, auth)).status === 200) {
      expect(Date.now() - start).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 500);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now() - start).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 500);
  });

  it('refuses a user disabled directly in the database within the TTL', async () => {
    const { user, auth } = await signIn(t);
    await me(t, auth).expect(200);
    await t.db.query(`UPDATE app_user SET is_active = false WHERE id = $1`, [user.id]);
    const start = Date.now();
    let last = await me(t, auth);
    while (last.status === 200) {
      expect(Date.now() - start).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 500);
      await new Promise((r) => setTimeout(r, 100));
      last = await me(t, auth);
    }
    expect(last.status).toBe(401);
    expect(last.body.code).toBe('SESSION_ENDED');
    expect(Date.now() - start).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 500);
  });

  it('never lets an idle session through from the cache', async () => {
    const { user, auth } = await signIn(t);
    await me(t, auth).expect(200);
    await me(t, auth).expect(200);
    t.clock.advanceMinutes(31);
    const res = await me(t, auth).expect(401);
    expect(res.body).toMatchObject({ code: 'SESSION_ENDED', message: '超过30分钟未操作，会话已结束，请重新登录' });
    const [row] = await t.db.query(`SELECT revoked_at FROM user_session WHERE user_id = $1`, [user.id]);
    expect(row.revoked_at).not.toBeNull();
    t.clock.reset();
    await me(t, auth).expect(401); // ended for good, also back in "real" time
  });

  it('never lets an expired token through, whatever the session cache holds', async () => {
    const short = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
    try {
      const { auth } = await signIn(short);
      await me(short, auth).expect(200);
      short.clock.advanceMinutes(16);
      expect((await me(short, auth).expect(401)).body.code).toBe('TOKEN_EXPIRED');
    } finally {
      await short.close();
    }
  });

  it('reads the session once for a burst of concurrent requests, and writes "last seen" once per 10 s, not per request', async () => {
    const { auth } = await signIn(t, 'city');
    const sessionReads = (sent: string[]) => sent.filter((sql) => sql.includes('FROM user_session s JOIN app_user')).length;
    // "Last seen" writes are gathered and sent together; flushed here by hand so the count does not depend on timing.
    const writes = (sent: string[]) => sent.filter((sql) => sql.includes('UPDATE user_session s SET last_seen_at')).length;
    const flush = () => t.app.get(AuthService).flushSeen();
    const lastSeen = async () => new Date((await t.db.query(`SELECT max(last_seen_at) AS at FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.role = 'city'`))[0].at).getTime();
    t.clock.advanceMinutes(0.5); // last seen 30 s ago: the burst must touch it, once
    const burstAt = t.clock.now().getTime();
    let statuses: number[] = [];
    const sent = await recordStatements(async () => {
      statuses = (await Promise.all(Array.from({ length: 40 }, () => me(t, auth)))).map((r) => r.status);
      await flush();
    });
    expect(statuses).toEqual(Array(40).fill(200));
    // One each; two if the machine is so slow that the burst outlasts the TTL. Without the cache: 40.
    expect(sessionReads(sent)).toBeGreaterThanOrEqual(1);
    expect(sessionReads(sent)).toBeLessThanOrEqual(2);
    expect(writes(sent)).toBe(1);
    expect(await lastSeen()).toBeGreaterThanOrEqual(burstAt);
    // 30 more requests over 29 s of (test) time: at most one write per 10 s.
    const later = await recordStatements(async () => {
      for (let i = 0; i < 30; i++) {
        await me(t, auth).expect(200);
        await flush();
        t.clock.advanceMinutes(1 / 60);
      }
    });
    expect(writes(later)).toBeGreaterThanOrEqual(2);
    expect(writes(later)).toBeLessThanOrEqual(3);
  });

  it('first requests of many sessions at once share one session read, and each gets its own user (issue 16)', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => signIn(t, 'city')));
    // A session that was signed out and one that never was, in the same burst: both refused.
    const ended = await signIn(t, 'city');
    await t.http().post('/api/auth/logout').set('Authorization', ended.auth).expect(204);
    const svc = t.app.get(AuthService);
    const sids = users.map((u) => JSON.parse(Buffer.from(u.auth.split('.')[1], 'base64url').toString()).sid as string);
    const endedSid = JSON.parse(Buffer.from(ended.auth.split('.')[1], 'base64url').toString()).sid as string;
    // Nothing of these sessions is remembered: every one is a first request.
    for (const u of users) svc.forgetUser(u.user.id);
    let out: PromiseSettledResult<{ user: { username: string } }>[] = [];
    const sent = await recordStatements(async () => {
      out = await Promise.allSettled([...sids, endedSid, '00000000-0000-4000-8000-000000000000'].map((sid) => svc.liveSession(sid, { ip: null, userAgent: null })));
    });
    expect(out.slice(0, 12).map((o) => (o.status === 'fulfilled' ? o.value.user.username : 'refused'))).toEqual(users.map((u) => u.user.username));
    expect(out.slice(12).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    const reads = sent.filter((sql) => sql.includes('FROM user_session s JOIN app_user'));
    // The first read goes out at once on its own (one in flight, SUBMIT_BATCHES_IN_FLIGHT's default);
    // the other thirteen wait for it and go as one.
    expect(reads).toHaveLength(2);
    expect(reads.filter((sql) => sql.includes('= ANY('))).toHaveLength(1);
  });
});
