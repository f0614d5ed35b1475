import fc from 'fast-check';
import { PASSWORD } from '../support/fixtures';
import { apiRoutes, changedTables, fillPath, queryString, tableDigests, type ApiRoute, type OpenApiSchema } from '../support/openapi';
import { privateDatabase } from '../support/private-db';
import { testEnv } from '../support/test-env';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { buildFixture, EXCLUDED_TABLES, paramValues, ROUTES, type Caller, type Fixture } from './route-table';

/**
 * Property-based fuzz of every write endpoint of the OpenAPI document (POST/PUT/PATCH/DELETE), as a
 * role the route table says it serves, on an object in that caller's scope (issue 18 item 7 and
 * "What it must show"; ASVS V5.1.3/V5.1.4 input validation, V7.4.1 no internals in errors; 等保 2.0 L3
 * 8.1.4.4 f) 数据有效性检验): arbitrary JSON bodies built on the route's own schema — wrong types, huge and
 * non-finite numbers, NUL and other control characters, lone surrogates, deep nesting, arrays for
 * objects, unknown fields — with arbitrary query strings and, now and then, an arbitrary path id.
 *
 * Properties, per request:
 *  - never a 5xx;
 *  - a refused request (4xx) writes no row: every table of this file's own database has the same
 *    digest before and after, except
 *      · audit_log — a refusal for scope or role is audited as denied by design (等保 8.1.4.3, ASVS
 *        V7.1.3), so a refused request may add an audit row; it may add nothing else;
 *      · user_session — an authenticated request marks its session as seen, and a sign-in, refresh
 *        or sign-out is itself a session write;
 *      · login_failure / login_lock, for a refused sign-in only — the failure is counted for the
 *        lockout (ASVS V2.2.1), which is the point of refusing it;
 *      · region — reference data, never written by the api.
 *
 * A fixed seed and a bounded number of runs per endpoint: repeatable, about a minute and a half.
 */
const SEED = 18_2026;
const RUNS = Number(process.env.CQO_FUZZ_RUNS ?? 40);
/** Tables a refused sign-in may write: the failure counters the lockout needs (ASVS V2.2.1). */
const LOGIN_COUNTERS = /^login_(failure|lock)$/;

// ---------------------------------------------------------------------------------------------
// Values: the nasty ones first.

const nastyString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\u0007响铃', '\u001b[31m', '\ud800', 'x\udc00', '\ud83d', '\u202e反转', '\ufeff', '💥'.repeat(3),
    "'; DROP TABLE enterprise; --", '=CMD()', '<script>alert(1)</script>', '../../etc/passwd', '%00', '{{7*7}}', '${7*7}', 'NaN', 'null', 'true',
    '2026-02-30', '9999-12-31', '0000-00-00', '2026-13-01', '-1', '1e309', '00000000-0000-0000-0000-000000000000', 'not-a-uuid'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 5 }).map((s) => s + 'x'.repeat(5000)),
);
const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const scalar = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));
/** For query strings and path ids: short enough to reach the app (a URL over 16 KB is refused by Node's parser: test/security/headers). */
const shortNasty = nastyString.filter((x) => x.length < 200);
/** Any JSON value, nested up to about a dozen levels (deeper than the control-character pipe looks). */
const deep: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(nastyString, tie('v'), { maxKeys: 4 })),
})).v;
const veryDeep = fc.integer({ min: 10, max: 200 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** A value for one schema property: mostly the wrong kind, sometimes a right one. */
function valueFor(schema: OpenApiSchema | undefined, f: Fixture): fc.Arbitrary<unknown> {
  const right: fc.Arbitrary<unknown>[] = [];
  if (schema?.enum?.length) right.push(fc.constantFrom(...schema.enum));
  if (schema?.example !== undefined) right.push(fc.constant(schema.example));
  if (schema?.type === 'string') right.push(fc.constantFrom(...Object.values(f.ids), f.today, String(f.year)));
  if (schema?.type === 'number' || schema?.type === 'integer') right.push(fc.integer({ min: -5, max: 3000 }));
  if (schema?.type === 'boolean') right.push(fc.boolean());
  if (schema?.type === 'array') right.push(fc.array(schema.items?.enum ? fc.constantFrom(...schema.items.enum) : scalar, { maxLength: 3 }));
  const wrong = [scalar, deep, veryDeep, fc.array(scalar, { maxLength: 3 }), fc.dictionary(nastyString, scalar, { maxKeys: 3 })];
  return fc.oneof(...(right.length ? [{ arbitrary: fc.oneof(...right), weight: 2 }] : []), ...wrong.map((a) => ({ arbitrary: a, weight: 1 })));
}

/** A body for the route: its own fields with arbitrary values and unknown extra fields, or any JSON at all. */
function bodyFor(route: ApiRoute, f: Fixture, valid: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const props = Object.entries(route.bodyProps);
  const shaped = fc
    .tuple(
      fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueFor(s, f)])), { requiredKeys: [] }),
      fc.dictionary(nastyString, deep, { maxKeys: 3 }),
    )
    .map(([own, extra]) => ({ ...extra, ...own }));
  // a valid body with one field made wrong: gets past the first checks, deeper into the service
  const mutated = valid
    ? fc.tuple(fc.constantFrom(...Object.keys(valid), '__proto__', 'constructor'), fc.oneof(scalar, deep)).map(([k, v]) => ({ ...valid, [k]: v }))
    : shaped;
  return fc.oneof(
    { arbitrary: shaped, weight: 4 },
    { arbitrary: mutated, weight: 3 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: veryDeep, weight: 1 },
    { arbitrary: fc.array(shaped, { maxLength: 3 }), weight: 1 },
  );
}

const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom('page', 'pageSize', 'year', 'region', 'q', 'enterpriseId', 'asOf', 'dryRun', 'mode', '__proto__'), shortNasty),
  fc.oneof(shortNasty, fc.array(shortNasty, { minLength: 2, maxLength: 3 }), fc.integer().map(String)),
  { maxKeys: 3 },
);

// ---------------------------------------------------------------------------------------------

describe("security: fuzz of every write endpoint (0 × 5xx, a refused request writes nothing) and of every read endpoint's query — ASVS V5.1, 等保 8.1.4.4 f)", () => {
  let t: TestApp;
  let writes: ApiRoute[];
  let reads: ApiRoute[];
  let callers: Caller[];
  let f: Fixture;
  let digest: () => Promise<Map<string, string>>;

  beforeAll(async () => {
    const url = await privateDatabase('writefuzz');
    t = await createTestApp({
      config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:writefuzz`, LOGIN_RATE_LIMIT_PER_MINUTE: '100000', VERIFY_RATE_LIMIT_PER_MINUTE: '100000' }),
    });
    const all = apiRoutes(t.app);
    writes = all.filter((r) => r.method !== 'get');
    reads = all.filter((r) => r.method === 'get');
    ({ f, callers } = await buildFixture(t));
    digest = await tableDigests(t.db, [...EXCLUDED_TABLES]);
  }, 120_000);
  afterAll(() => t?.close());

  it('there are write endpoints to fuzz, and each is in the route table with a role it serves', () => {
    expect(writes.length).toBeGreaterThan(50);
    expect(writes.filter((r) => !ROUTES[r.key]?.roles.length).map((r) => r.key)).toEqual([]);
  });

  it(`every write endpoint × ${RUNS} arbitrary requests: never a 5xx, and a refused one writes no row`, async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [i, route] of writes.entries()) {
      const rule = ROUTES[route.key];
      if (!rule) continue;
      const caller = callers.find((c) => c.side === 'in' && rule.roles.includes(c.role))!;
      // the password change's valid body holds the real current password: mutated, it could change it for the rest of the run
      const valid = route.key === 'POST /api/auth/password' ? undefined : rule.body?.(f);
      const ids = paramValues(route, rule, f);
      const pathArb = route.pathParams.length
        ? fc.oneof({ arbitrary: fc.constant(ids), weight: 4 }, { arbitrary: fc.record(Object.fromEntries(route.pathParams.map((p) => [p, shortNasty.filter((x) => x.length > 0)]))), weight: 1 })
        : fc.constant({} as Record<string, string>);
      const fileArb = route.bodyType === 'multipart/form-data' ? fc.option(fc.tuple(fc.uint8Array({ maxLength: 2048 }), nastyString), { nil: undefined }) : fc.constant(undefined);

      await fc.assert(
        fc.asyncProperty(bodyFor(route, f, valid), queryArb, pathArb, fileArb, async (body, query, params, file) => {
          sent++;
          const token = rule.fresh
            ? (await t.http().post('/api/auth/login').send({ username: caller.username, password: PASSWORD })).body.accessToken
            : caller.token;
          const before = await digest();
          const qs = queryString(query as Record<string, string | string[]>);
          let req = t.http()[route.method](fillPath(route.path, params as Record<string, string>) + (qs ? `?${qs}` : ''));
          if (token && route.key !== 'POST /api/auth/login') req = req.set('Authorization', `Bearer ${token}`);
          const res = file
            ? await req.attach('file', Buffer.from(file[0]), { filename: file[1] || 'x.bin' }).field('mode', JSON.stringify(body).slice(0, 200))
            : await req.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null');
          const sample = `${route.key} ${JSON.stringify({ params, query, body }).slice(0, 300)}`;
          if (res.status >= 500 && !(rule.also ?? []).includes(res.status)) failures.push(`${res.status} ← ${sample} → ${JSON.stringify(res.body).slice(0, 200)}`);
          if (res.status >= 400 && res.status < 500) {
            const changed = changedTables(before, await digest()).filter((tb) => !(route.key === 'POST /api/auth/login' && LOGIN_COUNTERS.test(tb)));
            if (changed.length) failures.push(`${res.status} but wrote ${changed.join(', ')} ← ${sample}`);
            if (typeof res.body?.code !== 'string' || !Array.isArray(res.body?.details)) failures.push(`${res.status} not in the error shape ← ${sample} → ${JSON.stringify(res.body).slice(0, 120)}`);
          }
          return true; // failures are collected (all of them, not the first shrunk one) and asserted below
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(writes.length * RUNS);
  }, 300_000);

  // The reads take query strings too (issue 18 item 7 began with `?q=%00` → 500 on a search).
  it(`every read endpoint × ${Math.ceil(RUNS / 2)} arbitrary query strings and path ids: never a 5xx, a 4xx in the error shape`, async () => {
    const failures: string[] = [];
    for (const [i, route] of reads.entries()) {
      const rule = ROUTES[route.key];
      if (!rule) continue;
      const caller = callers.find((c) => c.side === 'in' && rule.roles.includes(c.role))!;
      const ids = paramValues(route, rule, f);
      const own = rule.query?.(f) ?? {};
      const pathArb = route.pathParams.length
        ? fc.oneof({ arbitrary: fc.constant(ids), weight: 2 }, { arbitrary: fc.record(Object.fromEntries(route.pathParams.map((p) => [p, shortNasty.filter((x) => x.length > 0)]))), weight: 1 })
        : fc.constant({} as Record<string, string>);
      // the route's own parameters with arbitrary values, or arbitrary ones
      const ownArb = fc.record(Object.fromEntries([...route.queryParams, ...Object.keys(own)].map((k) => [k, fc.oneof(shortNasty, fc.array(shortNasty, { minLength: 2, maxLength: 2 }))])), { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(fc.oneof(queryArb, ownArb), pathArb, async (query, params) => {
          const qs = queryString(query as Record<string, string | string[]>);
          const res = await t.http().get(fillPath(route.path, params as Record<string, string>) + (qs ? `?${qs}` : '')).set('Authorization', `Bearer ${caller.token}`);
          const sample = `${route.key} ${JSON.stringify({ params, query }).slice(0, 300)}`;
          if (res.status >= 500 && !(rule.also ?? []).includes(res.status)) failures.push(`${res.status} ← ${sample} → ${JSON.stringify(res.body).slice(0, 200)}`);
          if (res.status >= 400 && res.status < 500 && (typeof res.body?.code !== 'string' || !Array.isArray(res.body?.details))) {
            failures.push(`${res.status} not in the error shape ← ${sample}`);
          }
          return true;
        }),
        { seed: SEED + 1000 + i, numRuns: Math.ceil(RUNS / 2) },
      );
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
