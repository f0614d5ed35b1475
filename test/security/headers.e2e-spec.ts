import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Security headers on every answer (helmet, configured in libs/server/app configure-app.ts):
 * 等保 2.0 L3 8.1.4.4 入侵防范 / ASVS V14.4 HTTP security headers. Checked on a public route, a
 * refusal by the auth guard and a path no route matches, since each is answered by a different layer.
 */
describe('security headers (ASVS V14.4, 等保 8.1.4.4)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it.each([
    ['a public route', '/api/public/verify/NOPE'],
    ['a route refused without a token (401)', '/api/enterprises'],
    ['an unknown path under /api (404)', '/api/no-such-route'],
  ])('%s carries the helmet headers and no X-Powered-By', async (_name, path) => {
    const res = await t.http().get(path);
    expect(res.status).toBeGreaterThanOrEqual(400); // error answers carry them too
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/); // ASVS V14.4.3: no inline script
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/); // V14.4.7: no framing by others
    expect(res.headers['x-content-type-options']).toBe('nosniff'); // V14.4.4
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/); // V9.1.1 once behind TLS
    expect(res.headers['referrer-policy']).toBe('no-referrer'); // V14.4.6
    expect(res.headers['x-powered-by']).toBeUndefined(); // V14.3.3: no framework banner
    expect(res.body).toMatchObject({ statusCode: res.status, code: expect.any(String), details: expect.any(Array) });
  });
});

/**
 * What Node's HTTP parser refuses before the app runs (issue 18 item 7: bad input gets a 4xx in the
 * error shape; ASVS V7.4.1). Before client-error.ts these answered a bare `431` with an empty body.
 */
describe('a request the HTTP parser refuses still gets the error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('a URL over 16 KB answers 431 naming the headers, in Chinese', async () => {
    const res = await t.http().get(`/api/enterprises?q=${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({
      statusCode: 431,
      code: 'VALIDATION_FAILED',
      message: '请求地址或请求头过长，请精简后重试',
      details: [{ field: 'headers', code: 'tooLarge', message: '请求地址或请求头过长，请精简后重试' }],
    });
  });
});
