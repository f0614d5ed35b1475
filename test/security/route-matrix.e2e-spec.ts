import { PASSWORD } from '../support/fixtures';
import { apiRoutes, changedTables, fillPath, tableDigests, type ApiRoute } from '../support/openapi';
import { privateDatabase } from '../support/private-db';
import { testEnv } from '../support/test-env';
import { buildFixture, EXCLUDED_TABLES, paramValues, PNG, PUBLIC, ROUTES, type Caller, type Fixture, type Fx, type Rule } from './route-table';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Route × role × in/out-of-scope matrix, generated from the OpenAPI document of the running api
 * (issue 18 "What it must show"; 等保 2.0 L3 访问控制 8.1.4.2, ASVS V4.1.1/V4.1.3/V4.2.1):
 *
 *  - every route without a token answers 401, except the public ones listed with their reason;
 *  - every route × every role it is not for answers 404 (the guard's answer: a route a role may not
 *    use looks like one that does not exist) and writes nothing;
 *  - every route × every role it is for, as a user whose scope holds the object (武汉/江岸 enterprise
 *    A) is served (no 401/403/404, no 5xx), and as a user of the same role whose scope does not
 *    (enterprise B, 宜昌 county and city, a 浙江 province officer and evaluation body) answers 404
 *    and writes nothing — or, for a list, answers 200 without any of A's objects in it.
 *
 * The expectations are one table, ROUTES: a route in the OpenAPI document that the table does not
 * list fails the suite, so a new route cannot slip past.
 *
 * "Writes nothing" compares a digest of every table of this file's own database before and after
 * the request, leaving out audit_log (a refused request is audited as denied by design: 等保 8.1.4.3
 * 安全审计, ASVS V7.1.3), user_session (every authenticated request marks its session as seen) and
 * region (reference data, large and never written by the api).
 */

describe('security: route × role × scope matrix from the OpenAPI document (等保 8.1.4.2, ASVS V4.1/V4.2)', () => {
  let t: TestApp;
  let routes: ApiRoute[];
  let digest: () => Promise<Map<string, string>>;
  let callers: Caller[];
  let f: Fixture;

  beforeAll(async () => {
    const url = await privateDatabase('routematrix');
    t = await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:routematrix`, LOGIN_RATE_LIMIT_PER_MINUTE: '10000', VERIFY_RATE_LIMIT_PER_MINUTE: '10000' }) });
    routes = apiRoutes(t.app);
    ({ f, callers } = await buildFixture(t));
    digest = await tableDigests(t.db, EXCLUDED_TABLES);
  }, 120_000);
  afterAll(() => t?.close());

  it('the table lists every route of the OpenAPI document, and only those (a new route cannot slip past)', () => {
    const documented = routes.map((r) => r.key).sort();
    expect(documented.filter((k) => !(k in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !documented.includes(k))).toEqual([]);
    expect(Object.keys(PUBLIC).filter((k) => !documented.includes(k))).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(100);
  });

  it('every route but the listed public ones answers 401 without a token (ASVS V4.1.1; 等保 8.1.4.1 身份鉴别)', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = ROUTES[route.key];
      if (!rule || PUBLIC[route.key]) continue;
      const res = await send(route, rule, null);
      if (res.status !== 401 || res.body.code !== 'UNAUTHENTICATED') wrong.push(`${route.key} → ${res.status}`);
      // a forged/garbage token is no better than none
      const forged = await send(route, rule, 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.bm90LWEtc2lnbmF0dXJl');
      if (forged.status !== 401) wrong.push(`${route.key} with a forged token → ${forged.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a role a route is not for gets 404 (never 2xx, never 5xx) and nothing is written (ASVS V4.1.3, V4.2.1)', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = ROUTES[route.key];
      if (!rule) continue;
      for (const c of callers.filter((x) => !rule.roles.includes(x.role))) {
        const before = route.method === 'get' ? null : await digest();
        const res = await send(route, rule, c);
        if (res.status !== 404 && res.status !== 403) wrong.push(`${route.key} as ${c.name} → ${res.status} ${short(res.body)}`);
        if (before) {
          const changed = changedTables(before, await digest());
          if (changed.length) wrong.push(`${route.key} as ${c.name} wrote ${changed.join(', ')}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('out of scope: an object answers 404 and nothing is written; a list holds none of the object (ASVS V4.2.1 IDOR)', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = ROUTES[route.key];
      if (!rule) continue;
      for (const c of callers.filter((x) => x.side === 'out' && rule.roles.includes(x.role))) {
        const before = route.method === 'get' ? null : await digest();
        const res = await send(route, rule, c);
        if (res.status >= 500 && !(rule.also ?? []).includes(res.status)) wrong.push(`${route.key} as ${c.name} → ${res.status}`);
        else if (rule.scope === 'object' || rule.scope === 'absent') {
          const want = rule.scope === 'object' && rule.out ? rule.out.status : 404;
          if (res.status !== want) wrong.push(`${route.key} as ${c.name} → ${res.status} (want ${want}) ${short(res.body)}`);
          if (before) {
            const changed = changedTables(before, await digest());
            if (changed.length) wrong.push(`${route.key} as ${c.name} wrote ${changed.join(', ')}`);
          }
        } else if (rule.scope === 'list') {
          const text = JSON.stringify(res.body ?? '') + (typeof res.text === 'string' ? res.text : '');
          const leaked = f.markers.filter((m) => text.includes(m));
          if (leaked.length) wrong.push(`${route.key} as ${c.name} shows ${leaked.join(', ')}`);
          if (route.method === 'get' && res.status !== 200) wrong.push(`${route.key} as ${c.name} → ${res.status} (want 200)`);
        } else if (res.status >= 400 && !(rule.also ?? []).includes(res.status)) {
          wrong.push(`${route.key} as ${c.name} → ${res.status} ${short(res.body)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('in scope: every role a route is for is served (no 401/403/404, no 5xx)', async () => {
    const wrong: string[] = [];
    // reads first, then writes (a write may move an object on, e.g. withdraw an application)
    const writes = routes.filter((r) => r.method !== 'get');
    const ordered = [...routes.filter((r) => r.method === 'get'), ...writes.filter((r) => !ROUTES[r.key]?.last), ...writes.filter((r) => ROUTES[r.key]?.last)];
    for (const route of ordered) {
      const rule = ROUTES[route.key];
      if (!rule) continue;
      for (const c of callers.filter((x) => x.side === 'in' && rule.roles.includes(x.role))) {
        const res = await send(route, rule, c);
        const ok = rule.scope === 'absent' ? res.status === 404 : res.status < 300 || (rule.also ?? []).includes(res.status);
        if (!ok) wrong.push(`${route.key} as ${c.name} → ${res.status} ${short(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000); // every route × every role it serves: about 15 s alone, over 30 s when the whole suite shares 2 cores

  it('a path id that is no UUID answers 4xx, never a 5xx, for every route and every role it serves (ASVS V5.1.3; PostgreSQL never sees it)', async () => {
    const wrong: string[] = [];
    // Ids the loose checks let through (36 characters of hex digits and hyphens) and plainly bad ones.
    const BAD_IDS = ['-'.repeat(36), 'ffffffff-ffff-ffff-ffff-ffffffffffff0', `${'f'.repeat(32)}----`, 'not-a-uuid'];
    for (const route of routes) {
      const rule = ROUTES[route.key];
      if (!rule || rule.fresh) continue;
      const ids = route.pathParams.filter((p) => ID_FIXTURES.has(rule.params?.[p] ?? (p === 'enterpriseId' ? 'enterprise' : ('' as Fx))));
      if (!ids.length) continue;
      for (const c of callers.filter((x) => x.side === 'in' && rule.roles.includes(x.role))) {
        for (const bad of BAD_IDS) {
          const values = { ...paramValues(route, rule, f), ...Object.fromEntries(ids.map((p) => [p, bad])) };
          const res = await send(route, rule, c, values);
          if (res.status >= 500 || res.status < 400) wrong.push(`${route.key} as ${c.name} with ${bad} → ${res.status} ${short(res.body)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  async function send(route: ApiRoute, rule: Rule, caller: Caller | string | null, values = paramValues(route, rule, f)) {
    let token = typeof caller === 'string' || caller === null ? caller : caller.token;
    if (rule.fresh && caller && typeof caller !== 'string') {
      token = (await t.http().post('/api/auth/login').send({ username: caller.username, password: PASSWORD })).body.accessToken;
    }
    const url = fillPath(route.path, values);
    let req = t.http()[route.method](url);
    if (rule.query) req = req.query(rule.query(f));
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (rule.attach) return req.attach('file', PNG, '证明.png');
    return rule.body ? req.send(rule.body(f)) : req;
  }
});

/** The fixtures that stand for a record id (a UUID); the rest are codes, numbers and years. */
const ID_FIXTURES = new Set<Fx>(['enterprise', 'appointment', 'violation', 'trainingRecord', 'annualReport', 'evalApplication', 'evidenceFile', 'fileJob', 'notification', 'changeRequest', 'user', 'evalCertificate', 'talent', 'missing']);

function short(body: unknown): string {
  return JSON.stringify(body ?? '').slice(0, 160);
}
