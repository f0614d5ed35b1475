import type { Role } from '@cqo/contracts';
import { makeEnterprise, makeUser, PASSWORD, phone } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Every role against objects in and out of its scope, built from one table of routes. Outside
 * the scope the answer is 404 — the same as for an id that does not exist — and nothing changes.
 *
 * Fixture: enterprise A in 武汉/江岸区 (420102), enterprise B in 宜昌/西陵区 (420502); evaluation
 * applications of A sent to the province's body (认定机构 420000, `evaluator`), of B to 宜昌's
 * (420500, `evaluatorYichang`): an evaluator's scope is its body, not a region (SPEC §1, 000 §7).
 */
type Actor = 'entA' | 'entB' | 'countyJiangan' | 'cityWuhan' | 'cityYichang' | 'province' | 'evaluator' | 'admin' | 'evaluatorYichang';
type Target = 'A' | 'B';
/** The applications of each target, one per route that changes it (a step moves it on). */
type ApplicationUse = 'read' | 'accept' | 'withdraw';
const APPLICATION_USES: ApplicationUse[] = ['read', 'accept', 'withdraw'];

interface RouteCase {
  name: string;
  method: 'get' | 'patch' | 'post';
  path: (ids: Record<Target, string>, target: Target) => string;
  body?: Record<string, unknown>;
  /** Send the target's current `version` with the body (optimistic lock). */
  withVersion?: boolean;
  /** The route acts on this evaluation application of the target: a 404 must leave that row, not the enterprise's, unchanged. */
  application?: ApplicationUse;
  /** Who gets 200 for target A and for target B; everyone else gets 404. */
  allowed: Record<Target, Actor[]>;
  /** An allowed actor's status when it is not 200. */
  status?: Partial<Record<Actor, number>>;
  /**
   * A list answers 200 to everyone, so its status proves nothing about scope: who finds the
   * target enterprise among the rows. Everyone else allowed gets the rows without it.
   */
  sees?: Record<Target, Actor[]>;
}

/** The enterprise ids of a list's rows (a page of enterprises or of violations). */
const rowEnterprises = (body: { items: { id: string; enterpriseId?: string }[] }): string[] => body.items.map((r) => r.enterpriseId ?? r.id);
const EVERYONE: Actor[] = ['entA', 'entB', 'countyJiangan', 'cityWuhan', 'cityYichang', 'province', 'admin', 'evaluator', 'evaluatorYichang'];
/** Who may read evaluation applications at all: not admin (personal data, SPEC §1). */
const EVALUATION_READERS: Actor[] = EVERYONE.filter((a) => a !== 'admin');

const REGION_OF: Record<Target, { county: string; city: string }> = {
  A: { county: '420102', city: '420100' },
  B: { county: '420502', city: '420500' },
};

/** Credit codes of the two enterprises, so a list can be narrowed to the one a case is about (filled in beforeAll). */
const CREDIT_OF = {} as Record<Target, string>;
/** The evaluation body each target's applications are sent to. */
const BODY_OF: Record<Target, string> = { A: '420000', B: '420500' };
/** The evaluation applications of each target, by use (filled in beforeAll). */
const APPLICATION_OF = {} as Record<ApplicationUse, Record<Target, string>>;

const ROUTES: RouteCase[] = [
  {
    name: 'read an enterprise',
    method: 'get',
    path: (ids, t) => `/api/enterprises/${ids[t]}`,
    allowed: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province', 'admin'], B: ['entB', 'cityYichang', 'province', 'admin'] },
  },
  {
    // An officer's change of size applies (200); the enterprise's own becomes a change request for
    // an officer to approve (202, issue 18 item 4). The version sent is the one read just before.
    name: 'change an enterprise',
    method: 'patch',
    path: (ids, t) => `/api/enterprises/${ids[t]}`,
    body: { sizeClass: '大型' },
    withVersion: true,
    allowed: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province'], B: ['entB', 'cityYichang', 'province'] },
    status: { entA: 202, entB: 202 },
  },
  {
    // admin is system administration only and reads no personal data (SPEC §1, issue 18 item 8).
    name: "read the enterprise's CQO appointments (personal data)",
    method: 'get',
    path: (ids, t) => `/api/enterprises/${ids[t]}/appointments`,
    allowed: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province'], B: ['entB', 'cityYichang', 'province'] },
  },
  {
    name: "list the enterprise's violations",
    method: 'get',
    path: (ids, t) => `/api/violations?enterpriseId=${ids[t]}`,
    // a list answers 200 to everyone; only those in scope find the enterprise's violation in it
    allowed: { A: EVERYONE, B: EVERYONE },
    sees: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province', 'admin'], B: ['entB', 'cityYichang', 'province', 'admin'] },
  },
  {
    name: "read the dashboard of the enterprise's 市州",
    method: 'get',
    path: (_ids, t) => `/api/stats/dashboard?region=${REGION_OF[t].city}`,
    allowed: { A: ['cityWuhan', 'province', 'admin'], B: ['cityYichang', 'province', 'admin'] },
  },
  {
    name: "list the children of the enterprise's county",
    method: 'get',
    path: (_ids, t) => `/api/regions/${REGION_OF[t].county}/children`,
    // the region tree answers an evaluator by its body's region
    allowed: { A: ['countyJiangan', 'cityWuhan', 'province', 'admin', 'evaluator'], B: ['cityYichang', 'province', 'admin', 'evaluator', 'evaluatorYichang'] },
  },
  {
    name: "list enterprises in the enterprise's county",
    method: 'get',
    // narrowed by credit code: the run's database is shared, so page 1 of the whole county need not hold this enterprise
    path: (_ids, t) => `/api/enterprises?region=${REGION_OF[t].county}&q=${CREDIT_OF[t]}`,
    // a foreign region in a list filter yields an empty page for region users (checked below)
    allowed: { A: ['countyJiangan', 'cityWuhan', 'province', 'admin', 'cityYichang'], B: ['cityYichang', 'province', 'admin', 'countyJiangan', 'cityWuhan'] },
    sees: { A: ['countyJiangan', 'cityWuhan', 'province', 'admin'], B: ['cityYichang', 'province', 'admin'] },
  },
  {
    // 000 §7: the enterprise, the offices over its region and the body it was sent to; another body's evaluator gets the 404 of a missing id.
    name: 'read an evaluation application',
    method: 'get',
    path: (_ids, t) => `/api/evaluation/applications/${APPLICATION_OF.read[t]}`,
    allowed: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province', 'evaluator'], B: ['entB', 'cityYichang', 'province', 'evaluatorYichang'] },
  },
  {
    name: 'list evaluation applications',
    method: 'get',
    // open ones, a page large enough for the run's shared database
    path: () => '/api/evaluation/applications?status=submitted&pageSize=200',
    allowed: { A: EVALUATION_READERS, B: EVALUATION_READERS },
    sees: { A: ['entA', 'countyJiangan', 'cityWuhan', 'province', 'evaluator'], B: ['entB', 'cityYichang', 'province', 'evaluatorYichang'] },
  },
  {
    // The formal review (受理) is the body's: the offices read the application, never write it.
    name: 'accept an evaluation application',
    method: 'post',
    path: (_ids, t) => `/api/evaluation/applications/${APPLICATION_OF.accept[t]}/accept`,
    body: {},
    application: 'accept',
    allowed: { A: ['evaluator'], B: ['evaluatorYichang'] },
  },
  {
    name: 'withdraw an evaluation application',
    method: 'post',
    path: (_ids, t) => `/api/evaluation/applications/${APPLICATION_OF.withdraw[t]}/withdraw`,
    application: 'withdraw',
    allowed: { A: ['entA'], B: ['entB'] },
  },
];

const ACTORS: Actor[] = ['entA', 'entB', 'countyJiangan', 'cityWuhan', 'cityYichang', 'province', 'evaluator', 'admin', 'evaluatorYichang'];

describe('scope matrix: every role × every route × in and out of scope', () => {
  let t: TestApp;
  const ids = {} as Record<Target, string>;
  const tokens = {} as Record<Actor, string>;

  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }) });
    const a = await makeEnterprise(t.db, '420102');
    const b = await makeEnterprise(t.db, '420502');
    [ids.A, ids.B, CREDIT_OF.A, CREDIT_OF.B] = [a.id, b.id, a.creditCode, b.creditCode];
    // One violation of each enterprise, so the violations list has a row to show or to withhold.
    await t.db.query(
      `INSERT INTO violation (enterprise_id, region_path, subject, type, occurred_on, source_document, recorded_role, recorded_at, updated_at)
       SELECT id, region_path, 'enterprise', '违法违规', current_date - 30, '鄂市监罚〔2026〕1号', 'province', now(), now() FROM enterprise WHERE id = ANY($1)`,
      [[ids.A, ids.B]],
    );
    for (const use of APPLICATION_USES) {
      APPLICATION_OF[use] = {} as Record<Target, string>;
      for (const target of ['A', 'B'] as Target[]) {
        const [row] = await t.db.query(
          `WITH p AS (INSERT INTO cqo_person (name, phone) VALUES ('矩阵申请人', $3) RETURNING id)
           INSERT INTO evaluation_application (body_code, enterprise_id, region_path, person_id, scheme, applied_grade, experience_years, has_certificate,
              self_assessment, recommendation, status, submitted_at, updated_at)
           SELECT $1, e.id, e.region_path, p.id, 'hunan', 'AAA', 3, true, '{}', '推荐', 'submitted', now(), now() FROM enterprise e, p WHERE e.id = $2 RETURNING id`,
          [BODY_OF[target], ids[target], phone()],
        );
        APPLICATION_OF[use][target] = row.id;
      }
    }
    const specs: Record<Actor, [Role, { regionCode?: string; enterpriseId?: string }]> = {
      entA: ['enterprise', { enterpriseId: ids.A }],
      entB: ['enterprise', { enterpriseId: ids.B }],
      countyJiangan: ['county', { regionCode: '420102' }],
      cityWuhan: ['city', { regionCode: '420100' }],
      cityYichang: ['city', { regionCode: '420500' }],
      province: ['province', { regionCode: '420000' }],
      evaluator: ['evaluator', { regionCode: BODY_OF.A }],
      admin: ['admin', {}],
      evaluatorYichang: ['evaluator', { regionCode: BODY_OF.B }],
    };
    for (const actor of ACTORS) {
      const [role, binding] = specs[actor];
      const u = await makeUser(t.db, role, binding);
      tokens[actor] = (await t.http().post('/api/auth/login').send({ username: u.username, password: PASSWORD }).expect(200)).body.accessToken;
    }
  });
  afterAll(() => t.close());

  const cases = ROUTES.flatMap((route) =>
    (['A', 'B'] as Target[]).flatMap((target) =>
      ACTORS.map((actor) => ({ route, target, actor, expected: route.allowed[target].includes(actor) ? (route.status?.[actor] ?? 200) : 404 })),
    ),
  );

  // The matrix itself (issue 19 item 9): a row whose status is 200 for every actor proves nothing
  // about scope unless it says who finds the target among the rows, and that list must leave some
  // allowed actor out (else the row could not catch a list leaking another scope's rows).
  it('every row that answers 200 to every actor says who finds the target, and someone does not', () => {
    const blind = ROUTES.flatMap((r) =>
      (['A', 'B'] as Target[])
        .filter((target) => ACTORS.every((a) => r.allowed[target].includes(a) && (r.status?.[a] ?? 200) === 200))
        .filter((target) => !r.sees || !r.sees[target].every((a) => r.allowed[target].includes(a)) || r.sees[target].length >= r.allowed[target].length)
        .map((target) => `${r.name} ${target}`),
    );
    expect(blind).toEqual([]);
  });

  /** What a refused request must leave as it was: the route's application, else the enterprise. */
  const stateOf = (route: RouteCase, target: Target): Promise<{ version: number }[]> =>
    route.application
      ? t.db.query('SELECT version, status, updated_at FROM evaluation_application WHERE id = $1', [APPLICATION_OF[route.application][target]])
      : t.db.query('SELECT version, size_class FROM enterprise WHERE id = $1', [ids[target]]);

  it.each(cases.map((c) => [c.route.name, c.target, c.actor, c.expected, c] as const))(
    '%s %s as %s → %i',
    async (_name, target, actor, expected, c) => {
      const before = await stateOf(c.route, target);
      const req = t.http()[c.route.method](c.route.path(ids, target)).set('Authorization', `Bearer ${tokens[actor]}`);
      const body = c.route.body && c.route.withVersion ? { ...c.route.body, version: before[0].version } : c.route.body;
      const res = await (body ? req.send(body) : req);
      expect(res.status).toBe(expected);
      if (c.route.sees && expected === 200) {
        expect(rowEnterprises(res.body).includes(ids[target])).toBe(c.route.sees[target].includes(actor));
      }
      if (expected === 404) {
        expect(res.body.code).toBe('NOT_FOUND');
        expect(await stateOf(c.route, target)).toEqual(before); // nothing changed
      }
    },
  );

  it('a list filtered by a foreign region is empty, not an error that reveals the region', async () => {
    const res = await t.http().get('/api/enterprises?region=420502').set('Authorization', `Bearer ${tokens.cityWuhan}`).expect(200);
    expect(res.body.total).toBe(0);
    const own = await t.http().get(`/api/enterprises?region=420102&q=${CREDIT_OF.A}`).set('Authorization', `Bearer ${tokens.cityWuhan}`).expect(200);
    expect(own.body.items.map((e: { id: string }) => e.id)).toContain(ids.A);
  });

  it('a city list never contains another city’s enterprise', async () => {
    const res = await t.http().get('/api/enterprises?pageSize=200').set('Authorization', `Bearer ${tokens.cityYichang}`).expect(200);
    expect(res.body.items.every((e: { regionCode: string }) => e.regionCode.startsWith('4205'))).toBe(true);
    const own = await t.http().get(`/api/enterprises?q=${CREDIT_OF.B}`).set('Authorization', `Bearer ${tokens.cityYichang}`).expect(200);
    expect(own.body.items.map((e: { id: string }) => e.id)).toContain(ids.B);
  });

  it("an application's buttons follow the same scope: the body's evaluator reviews, the applicant withdraws, an office only reads", async () => {
    const actions = async (actor: Actor, target: Target) =>
      (await t.http().get(`/api/evaluation/applications/${APPLICATION_OF.read[target]}`).set('Authorization', `Bearer ${tokens[actor]}`).expect(200)).body.actions;
    expect(await actions('evaluator', 'A')).toEqual(['accept', 'return']);
    expect(await actions('evaluatorYichang', 'B')).toEqual(['accept', 'return']);
    expect(await actions('entA', 'A')).toEqual(['withdraw', 'uploadEvidence']);
    expect(await actions('cityWuhan', 'A')).toEqual([]);
    expect(await actions('province', 'B')).toEqual([]);
  });

  it("records another body's refused write in the audit log", async () => {
    await t.http().post(`/api/evaluation/applications/${APPLICATION_OF.read.A}/return`).set('Authorization', `Bearer ${tokens.evaluatorYichang}`).send({ reasons: '越权退回' }).expect(404);
    const rows = await t.db.query(`SELECT actor_id FROM audit_log WHERE object_id = $1 AND action = 'access.write' AND result = 'denied'`, [APPLICATION_OF.read.A]);
    expect(rows).toHaveLength(1);
  });

  it('records denials in the audit log', async () => {
    await t.http().get(`/api/enterprises/${ids.B}`).set('Authorization', `Bearer ${tokens.entA}`).expect(404);
    const rows = await t.db.query(`SELECT result FROM audit_log WHERE object_id = $1 AND action = 'access.read' AND result = 'denied'`, [ids.B]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('answers an id that does not exist exactly like a foreign one', async () => {
    const missing = await t.http().get('/api/enterprises/00000000-0000-0000-0000-000000000000').set('Authorization', `Bearer ${tokens.entA}`).expect(404);
    const foreign = await t.http().get(`/api/enterprises/${ids.B}`).set('Authorization', `Bearer ${tokens.entA}`).expect(404);
    expect(missing.body).toEqual(foreign.body);
  });
});
