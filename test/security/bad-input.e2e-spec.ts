import { chinaDate, yearOf } from '@cqo/policy';
import { bearer, makeEnterprise, makeUser } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Bad input answers 4xx with a field message, never 500 (issue 18 item 7), and nothing is written.
 * Each case answered 500 before: a NUL byte reached PostgreSQL, a missing report body reached the
 * service as undefined, and the body parser's own refusals were not in the error shape.
 */
describe('bad input gets a 4xx with a field message, never a 500', () => {
  let t: TestApp;
  let province: string;
  let enterprise: { id: string; auth: string };
  const Y = yearOf(chinaDate(new Date()));

  beforeAll(async () => {
    t = await createTestApp();
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const e = await makeEnterprise(t.db, '420102');
    enterprise = { id: e.id, auth: await bearer(t.http, (await makeUser(t.db, 'enterprise', { enterpriseId: e.id })).username) };
  }, 60_000);
  afterAll(() => t?.close());

  it('a NUL byte in a search answers 400 naming the field', async () => {
    const res = await t.http().get('/api/enterprises?q=%00').set('Authorization', province).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'q', code: 'controlCharacter' }] });
  });

  it('a NUL byte inside a JSON body answers 400 naming the nested field, and nothing is written', async () => {
    const before = Number((await t.db.query(`SELECT count(*)::int AS n FROM enterprise`))[0].n);
    const res = await t.http().post('/api/enterprises').set('Authorization', province)
      .send({ creditCode: '91420102MA4K0000X0', name: '空字符\u0000企业', regionCode: '420102', aboveSize: true, awards: [] }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'name', code: 'controlCharacter' })]);
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM enterprise`))[0].n)).toBe(before);
  });

  it('control characters and lone surrogates in a name answer 400 naming the field (a line break in a text is fine)', async () => {
    for (const name of ['响铃\u0007企业有限公司', '代理\ud800企业有限公司']) {
      const res = await t.http().post('/api/enterprises').set('Authorization', province).set('Content-Type', 'application/json')
        .send(JSON.stringify({ creditCode: '91420102MA4K0000X0', name, regionCode: '420102', aboveSize: true, awards: [] })).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'name', code: 'controlCharacter' })]);
    }
    await t.http().get('/api/enterprises?q=%E7%AC%AC%E4%B8%80%0A%E7%AC%AC%E4%BA%8C').set('Authorization', province).expect(200);
  });

  it('saving an annual report without `data` answers 400 on `data`', async () => {
    const res = await t.http().put(`/api/annual-reports/by-enterprise/${enterprise.id}/${Y}`).set('Authorization', enterprise.auth).send({ version: 0 }).expect(400);
    expect(res.body.details[0]).toMatchObject({ field: 'data', message: '请填写报告内容' });
    expect(res.body.details.every((d: { field: string }) => d.field === 'data')).toBe(true);
    expect(Number((await t.db.query(`SELECT count(*)::int AS n FROM annual_report WHERE enterprise_id = $1`, [enterprise.id]))[0].n)).toBe(0);
  });

  it('a JSON body over 100 KB answers 413 in the error shape', async () => {
    const res = await t.http().post('/api/enterprises').set('Authorization', province).set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(120_000) })).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'VALIDATION_FAILED', details: [{ field: 'body', code: 'tooLarge' }] });
    expect(res.body.message).toMatch(/大小限制/);
  });

  it('malformed JSON answers 400, not 500', async () => {
    const res = await t.http().post('/api/enterprises').set('Authorization', province).set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });
});
