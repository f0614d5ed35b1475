import { PASSWORD, makeUser } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Issue 18 item 6: `X-Forwarded-For` is believed only from the proxies TRUST_PROXY names. Before,
 * the default trusted loopback, so any local client (and, behind the compose nginx, any client)
 * could write a forged address into the audit log and step around the per-IP throttles.
 */
describe('X-Forwarded-For is believed only from the proxy TRUST_PROXY names', () => {
  const FORGED = '203.0.113.77';

  async function auditedIp(t: TestApp): Promise<string | null> {
    const u = await makeUser(t.db, 'province', { regionCode: '420000' });
    await t.http().post('/api/auth/login').set('X-Forwarded-For', FORGED).send({ username: u.username, password: PASSWORD }).expect(200);
    const [row] = await t.db.query(`SELECT ip FROM audit_log WHERE action = 'auth.login' AND actor_username = $1 ORDER BY id DESC LIMIT 1`, [u.username]);
    return row?.ip ?? null;
  }

  it('by default a forged header is ignored: the audit log records the socket address', async () => {
    const t = await createTestApp({ config: testConfig() });
    try {
      const ip = await auditedIp(t);
      expect(ip).not.toBe(FORGED);
      expect(ip).toMatch(/127\.0\.0\.1|::1/);
    } finally {
      await t.close();
    }
  });

  it('with TRUST_PROXY naming the proxy (here loopback), its header is the client address', async () => {
    const t = await createTestApp({ config: testConfig({ TRUST_PROXY: 'loopback' }) });
    try {
      expect(await auditedIp(t)).toBe(FORGED);
    } finally {
      await t.close();
    }
  });
});

describe('the OpenAPI page is not public in production (issue 18 item 8)', () => {
  it('answers 404 with NODE_ENV=production, unless API_DOCS=on', async () => {
    const secret = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48) };
    const prod = await createTestApp({ config: testConfig(secret) });
    try {
      await prod.http().get('/api/docs').expect(404);
    } finally {
      await prod.close();
    }
    const asked = await createTestApp({ config: testConfig({ ...secret, API_DOCS: 'on' }) });
    try {
      await asked.http().get('/api/docs').redirects(1).expect(200);
    } finally {
      await asked.close();
    }
  });
});
