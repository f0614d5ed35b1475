import { bearer, makeUser, uniq } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The audit log is searchable by officers (issue 20 item 6; 等保 2.0 8.1.4.3 安全审计: records can
 * be reviewed): by the acting user, by action and by a range of China days (UTC+8).
 */
describe('GET /api/audit filters', () => {
  let t: TestApp;
  let admin: string;
  const actor = `auditee-${uniq()}`;

  beforeAll(async () => {
    t = await createTestApp();
    const a = await makeUser(t.db, 'admin');
    admin = await bearer(t.http, a.username);
    // 23:30 on 1 March and 00:30 on 2 March in China: the same UTC day, two China days.
    await t.db.query(
      `INSERT INTO audit_log (at, action, result, actor_username, object_type, object_id) VALUES
         ('2025-03-01T23:30:00+08:00', 'auth.login', 'success', $1, 'session', gen_random_uuid()::text),
         ('2025-03-02T00:30:00+08:00', 'auth.login', 'success', $1, 'session', gen_random_uuid()::text),
         ('2025-03-02T09:00:00+08:00', 'violation.record', 'success', $1, 'violation', gen_random_uuid()::text),
         ('2025-03-05T09:00:00+08:00', 'auth.login', 'success', $1, 'session', gen_random_uuid()::text)`,
      [actor],
    );
  });
  afterAll(() => t.close());

  async function list(query: Record<string, string>): Promise<{ status: number; body: { items: { at: string; action: string }[]; total: number } }> {
    const res = await t.http().get('/api/audit').query(query).set('Authorization', admin);
    return { status: res.status, body: res.body };
  }

  it('filters by the acting user', async () => {
    const { status, body } = await list({ actor });
    expect(status).toBe(200);
    expect(body.total).toBe(4);
  });

  it('filters by China days, both ends inclusive (00:30 on 2 March is 2 March, not 1 March UTC)', async () => {
    const day2 = await list({ actor, from: '2025-03-02', to: '2025-03-02' });
    expect(day2.body.items.map((i) => i.at)).toEqual(['2025-03-02T01:00:00.000Z', '2025-03-01T16:30:00.000Z']);
    const range = await list({ actor, from: '2025-03-01', to: '2025-03-04' });
    expect(range.body.total).toBe(3);
    const since = await list({ actor, from: '2025-03-03' });
    expect(since.body.items.map((i) => i.at)).toEqual(['2025-03-05T01:00:00.000Z']);
  });

  it('filters by action together with the user and the dates', async () => {
    const { body } = await list({ actor, action: 'auth.login', from: '2025-03-02', to: '2025-03-05' });
    expect(body.items.map((i) => i.action)).toEqual(['auth.login', 'auth.login']);
  });

  it('refuses a malformed date or a range that ends before it starts, in Chinese (400, never 5xx)', async () => {
    const bad = await t.http().get('/api/audit').query({ from: '2025-02-30' }).set('Authorization', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.message).toContain('开始日期');
    const reversed = await t.http().get('/api/audit').query({ from: '2025-03-05', to: '2025-03-01' }).set('Authorization', admin);
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toBe('结束日期不能早于开始日期');
    expect(reversed.body.details).toEqual([expect.objectContaining({ field: 'to' })]);
  });

  it('is not found for a city officer (admin and province only; a route outside the role answers 404)', async () => {
    const ent = await makeUser(t.db, 'city', { regionCode: '420100' });
    const res = await t.http().get('/api/audit').query({ actor }).set('Authorization', await bearer(t.http, ent.username));
    expect(res.status).toBe(404);
  });
});
