import { addDays, chinaDate, termEndFor } from '@cqo/policy';
import { EligibilityService } from '@cqo/server-eligibility';
import { bearer, creditCode, hubeiEligibleFiling, makeEnterprise, makeUser, phone } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * 聘任备案, 变更, 解聘 end to end on real Postgres, under the default profile hubei-2021 (the
 * test database has no schedule rows, so CQO_PROVINCE 420000 picks hubei-2021@1).
 */
describe('CQO appointments (real Postgres)', () => {
  let t: TestApp;
  let today: string;
  let province: string;
  let wuhan: string;
  let wuhanUser: string;
  let yichang: string;

  beforeAll(async () => {
    t = await createTestApp();
    today = chinaDate(new Date());
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhanUser = (await makeUser(t.db, 'city', { regionCode: '420100' })).username;
    wuhan = await bearer(t.http, wuhanUser);
    yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.reset());

  /** A person who meets every hubei-2021 rule, appointed ten days ago. */
  function eligibleFiling(over: Record<string, unknown> = {}) {
    return hubeiEligibleFiling(addDays(today, -10), { initialTrainingCompletedOn: addDays(today, -20), ...over });
  }

  async function enterpriseWithUser(region = '420102', aboveSize = true) {
    const e = await makeEnterprise(t.db, region, { aboveSize });
    const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    return { ...e, username: u.username, auth: await bearer(t.http, u.username) };
  }

  const count = async (sql: string, params: unknown[]) => Number((await t.db.query(sql, params))[0].n);

  it('files an appointment, judges it under hubei-2021 rule by rule, and keeps it in the history', async () => {
    const e = await enterpriseWithUser();
    const res = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling()).expect(201);
    expect(res.body).toMatchObject({ status: 'active', filingType: 'appoint', verdict: 'eligible', lateFiling: false });
    expect(res.body.termEnd).toBe(termEndFor(addDays(today, -10), 5));
    expect(res.body.verdictDetail.profile).toBe('hubei-2021@1');
    expect(res.body.verdictDetail.rules.every((r: { pass: boolean }) => r.pass)).toBe(true);
    expect(res.body.verdictDetail.rules.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['education', 'qualification', 'experience', 'initial-training', 'position', 'term', 'disqualification.major-accident']),
    );

    const view = await t.http().get(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).expect(200);
    expect(view.body.current.id).toBe(res.body.id);
    expect(view.body.history).toHaveLength(1);
    expect(view.body.profile.name).toBe('hubei-2021');
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.file' AND object_id = $1`, [res.body.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE payload->>'enterpriseId' = $1`, [e.id])).toBeGreaterThanOrEqual(1);
  });

  it('names the failing hubei rule and its clause: 4 years in quality management is not 5', async () => {
    const e = await enterpriseWithUser();
    const res = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ yearsInQuality: 4 })).expect(201);
    expect(res.body.verdict).toBe('ineligible');
    const failing = res.body.verdictDetail.rules.filter((r: { pass: boolean }) => !r.pass);
    expect(failing).toEqual([
      expect.objectContaining({ id: 'experience', clause: '004 二(二)', expected: '5 年及以上', actual: '4 年', severity: 'hard' }),
    ]);
  });

  it('refuses a second appointment while one is active, and the database refuses it too', async () => {
    const e = await enterpriseWithUser();
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling()).expect(201);
    const second = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling()).expect(409);
    expect(second.body.message).toContain('已有在任首席质量官');
    // Not only the code: the partial unique index refuses a second active row written by hand.
    const [a] = await t.db.query(`SELECT * FROM appointment WHERE enterprise_id = $1`, [e.id]);
    await expect(
      t.db.query(
        `INSERT INTO appointment (enterprise_id, region_path, person_id, filing_type, status, name, gender, birth_month, phone, position_title,
           position_level, concurrent_post, education, qualification_type, qualification_level, quality_related, years_in_quality,
           appointed_on, effective_from, filed_at)
         VALUES ($1,$2,$3,'appoint','active','另一人','男','1975-01','13900000000','总经理','决策层',false,'大学本科','无',NULL,false,3,$4,$4,now())`,
        [e.id, a.region_path, a.person_id, today],
      ),
    ).rejects.toThrow(/appointment_one_active_idx/);
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [e.id])).toBe(1);
  });

  it('lets exactly one of two racing filings win', async () => {
    const e = await enterpriseWithUser();
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ name: `并发${i}` })),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'CONFLICT')).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1`, [e.id])).toBe(1);
  });

  it('files a change of the same person, a replacement, and a dismissal, keeping the full history', async () => {
    const e = await enterpriseWithUser();
    const first = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ appointedOn: addDays(today, -30) })).expect(201);

    const newPhone = phone();
    const update = await t
      .http()
      .post(`/api/appointments/${first.body.id}/change`)
      .set('Authorization', e.auth)
      .send({ ...eligibleFiling({ phone: newPhone, positionTitle: '常务副总经理', qualificationLevel: '副高级' }), changeKind: 'update', effectiveOn: addDays(today, -5), reason: '晋升职称' })
      .expect(201);
    expect(update.body).toMatchObject({ filingType: 'change', previousId: first.body.id, personId: first.body.personId, appointedOn: first.body.appointedOn, phone: newPhone });

    const replace = await t
      .http()
      .post(`/api/appointments/${update.body.id}/change`)
      .set('Authorization', e.auth)
      .send({ ...eligibleFiling({ name: '李继任' }), changeKind: 'replace', effectiveOn: addDays(today, -1), reason: '原首席质量官调任' })
      .expect(201);
    expect(replace.body.personId).not.toBe(first.body.personId);
    expect(replace.body.appointedOn).toBe(addDays(today, -1));

    const dismiss = await t.http().post(`/api/appointments/${replace.body.id}/dismiss`).set('Authorization', e.auth).send({ endedOn: today, reason: '企业重组' }).expect(200);
    expect(dismiss.body).toMatchObject({ status: 'dismissed', endedOn: today, endReason: '企业重组' });

    const rows = await t.db.query(`SELECT status, ended_on::text AS ended_on, end_reason FROM appointment WHERE enterprise_id = $1 ORDER BY filed_at`, [e.id]);
    expect(rows).toEqual([
      { status: 'superseded', ended_on: addDays(today, -5), end_reason: '晋升职称' },
      { status: 'replaced', ended_on: addDays(today, -1), end_reason: '原首席质量官调任' },
      { status: 'dismissed', ended_on: today, end_reason: '企业重组' },
    ]);
    const view = await t.http().get(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).expect(200);
    expect(view.body.current).toBeNull();
    expect(view.body.history).toHaveLength(3);
    // After the dismissal a new appointment can be filed.
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling()).expect(201);
  });

  it('keeps a city officer out of another city: no filing, no reading, nothing written, denial audited', async () => {
    const e = await makeEnterprise(t.db, '420102');
    const before = await count(`SELECT count(*) AS n FROM audit_log WHERE result = 'denied' AND object_id = $1`, [e.id]);
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', yichang).send(eligibleFiling()).expect(404);
    await t.http().get(`/api/enterprises/${e.id}/appointments`).set('Authorization', yichang).expect(404);
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1`, [e.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE result = 'denied' AND object_id = $1`, [e.id])).toBe(before + 2);

    // The city the enterprise is in may file for it; the other city still cannot read the appointment.
    const filed = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', wuhan).send(eligibleFiling()).expect(201);
    await t.http().get(`/api/appointments/${filed.body.id}`).set('Authorization', yichang).expect(404);
    await t.http().post(`/api/appointments/${filed.body.id}/dismiss`).set('Authorization', yichang).send({ endedOn: today, reason: 'x' }).expect(404);
    const list = await t.http().get(`/api/enterprises?q=${encodeURIComponent(e.name)}`).set('Authorization', yichang).expect(200);
    expect(list.body.total).toBe(0);
  });

  it('refuses a future appointment date, a negative year count and fields over their limits with Chinese field errors, writing nothing', async () => {
    const e = await enterpriseWithUser();
    const future = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ appointedOn: addDays(today, 1) })).expect(400);
    expect(future.body.details).toEqual([{ field: 'appointedOn', code: 'future', message: '聘任日期不能晚于今天' }]);
    const negative = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ yearsInQuality: -1 })).expect(400);
    expect(negative.body.details).toEqual([expect.objectContaining({ field: 'yearsInQuality', message: '从事质量管理工作年限不能为负数' })]);
    const badPhone = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ phone: '12345' })).expect(400);
    expect(badPhone.body.details[0]).toMatchObject({ field: 'phone', message: '联系电话应为11位手机号码' });
    // The limits the filing form shows first (APPOINTMENT_LIMITS): one character over is refused under its field.
    const long = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ name: '王'.repeat(33), yearsInQuality: 61 })).expect(400);
    expect(long.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name', message: '姓名不能超过32个字符' }),
        expect.objectContaining({ field: 'yearsInQuality', message: '从事质量管理工作年限不能超过60年' }),
      ]),
    );
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1`, [e.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM cqo_person p WHERE p.name = '王质量' AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.person_id = p.id)`, [])).toBe(0);
  });

  it('refuses a bad credit code naming the wrong character, writing nothing', async () => {
    const good = creditCode('420102');
    const wrongLast = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const before = await count(`SELECT count(*) AS n FROM enterprise`, []);
    const res = await t
      .http()
      .post('/api/enterprises')
      .set('Authorization', wuhan)
      .send({ creditCode: wrongLast, name: '校验位错误有限公司', regionCode: '420102', aboveSize: true })
      .expect(400);
    expect(res.body.details[0].field).toBe('creditCode');
    expect(res.body.details[0].message).toMatch(/第18位/);
    expect(await count(`SELECT count(*) AS n FROM enterprise`, [])).toBe(before);

    const created = await t.http().post('/api/enterprises').set('Authorization', wuhan).send({ creditCode: good, name: '新登记有限公司', regionCode: '420102', aboveSize: false, awards: [{ award: '市州政府质量奖', year: 2025 }] }).expect(201);
    expect(created.body).toMatchObject({ creditCode: good, regionCode: '420102', hasAward: true, cqo: null });
    // Outside the officer's 市州: a field error, not a new enterprise.
    const foreign = await t.http().post('/api/enterprises').set('Authorization', wuhan).send({ creditCode: creditCode('420502'), name: '外市企业', regionCode: '420502', aboveSize: true }).expect(400);
    expect(foreign.body.details[0]).toMatchObject({ field: 'regionCode' });
  });

  it('needs a written explanation for a soft failure (an SME CQO at 中层)', async () => {
    const e = await enterpriseWithUser('420102', false);
    const res = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ positionLevel: '中层' })).expect(400);
    expect(res.body.details).toEqual([{ field: 'explanation', code: 'required', message: '存在未满足的柔性要求，请填写上报说明' }]);
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1`, [e.id])).toBe(0);
    const ok = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ positionLevel: '中层', explanation: '企业规模较小，由质量部长担任' })).expect(201);
    expect(ok.body.verdict).toBe('attention');
    expect(ok.body.verdictDetail.rules.find((r: { id: string }) => r.id === 'position')).toMatchObject({ pass: false, severity: 'soft' });
  });

  it('previews a verdict without writing anything', async () => {
    const e = await enterpriseWithUser();
    const res = await t.http().post(`/api/enterprises/${e.id}/appointments/preview`).set('Authorization', e.auth).send(eligibleFiling({ education: '大专' })).expect(200);
    expect(res.body.verdict).toBe('ineligible');
    expect(res.body.rules.find((r: { id: string }) => r.id === 'education')).toMatchObject({ pass: false, expected: '大学本科及以上', actual: '大专' });
    expect(await count(`SELECT count(*) AS n FROM appointment WHERE enterprise_id = $1`, [e.id])).toBe(0);
  });

  it('makes a CQO ineligible when a disqualifying violation is recorded, and lists the enterprise as disqualified-in-post', async () => {
    const e = await enterpriseWithUser();
    const filed = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling()).expect(201);
    // An enterprise-only violation does not touch the CQO.
    await t.http().post('/api/violations').set('Authorization', wuhan).send({ enterpriseId: e.id, subject: 'enterprise', type: '失信', occurredOn: today, sourceDocument: '武市监〔2026〕1号' }).expect(201);
    expect((await t.http().get(`/api/appointments/${filed.body.id}`).set('Authorization', e.auth)).body.verdict).toBe('eligible');

    const v = await t
      .http()
      .post('/api/violations')
      .set('Authorization', wuhan)
      .send({ enterpriseId: e.id, subject: 'cqo', type: '谋取不正当利益', occurredOn: addDays(today, -2), sourceDocument: '武纪〔2026〕7号' })
      .expect(201);
    expect(v.body).toMatchObject({ personName: '王质量', disqualifying: true, status: 'open' });
    const after = await t.http().get(`/api/appointments/${filed.body.id}`).set('Authorization', e.auth).expect(200);
    expect(after.body.verdict).toBe('ineligible');
    expect(after.body.verdictDetail.rules.find((r: { id: string }) => r.id === 'disqualification.improper-gain')).toMatchObject({
      pass: false,
      clause: '004 二(二)',
      actual: expect.stringContaining('武纪〔2026〕7号'),
    });
    const list = await t.http().get(`/api/enterprises?cqo=disqualified&q=${encodeURIComponent(e.name)}`).set('Authorization', wuhan).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([e.id]);
    expect(list.body.items[0].cqo).toMatchObject({ verdict: 'ineligible', disqualified: true });

    const check = await t.http().get(`/api/award-check?creditCode=${e.creditCode}`).set('Authorization', wuhan).expect(200);
    expect(check.body.qualified).toBe(false);
    expect(check.body.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, false, false]);

    const own = await t.http().get(`/api/violations?enterpriseId=${e.id}`).set('Authorization', wuhan).expect(200);
    expect(own.body.items.map((x: { type: string }) => x.type)).toEqual(['失信', '谋取不正当利益']);
    const foreign = await t.http().get(`/api/violations?enterpriseId=${e.id}`).set('Authorization', yichang).expect(200);
    expect(foreign.body.total).toBe(0);
    // Another city cannot record against it.
    await t.http().post('/api/violations').set('Authorization', yichang).send({ enterpriseId: e.id, subject: 'enterprise', type: '失信', occurredOn: today, sourceDocument: 'x' }).expect(404);
  });

  it('answers the award prerequisite: yes with an eligible CQO, no without one', async () => {
    const withCqo = await enterpriseWithUser();
    await t.http().post(`/api/enterprises/${withCqo.id}/appointments`).set('Authorization', withCqo.auth).send(eligibleFiling()).expect(201);
    const yes = await t.http().get(`/api/award-check?creditCode=${withCqo.creditCode}`).set('Authorization', province).expect(200);
    expect(yes.body).toMatchObject({ qualified: true, clause: '004 四(四)', enterpriseName: withCqo.name });
    const without = await makeEnterprise(t.db, '420102');
    const no = await t.http().get(`/api/award-check?creditCode=${without.creditCode}`).set('Authorization', province).expect(200);
    expect(no.body.qualified).toBe(false);
    expect(no.body.checks[0]).toMatchObject({ ok: false, detail: '没有在任的首席质量官聘任备案' });
  });

  it('flags the same person active at two enterprises, masks phones in lists, and audits detail reads', async () => {
    const shared = phone();
    const a = await enterpriseWithUser();
    const b = await enterpriseWithUser();
    await t.http().post(`/api/enterprises/${a.id}/appointments`).set('Authorization', a.auth).send(eligibleFiling({ name: '赵兼任', phone: shared })).expect(201);
    const fb = await t.http().post(`/api/enterprises/${b.id}/appointments`).set('Authorization', b.auth).send(eligibleFiling({ name: '赵兼任', phone: shared })).expect(201);
    expect(fb.body.duplicateOf).toEqual([{ enterpriseId: a.id, enterpriseName: a.name }]);
    const list = await t.http().get('/api/enterprises?cqo=duplicate&pageSize=200').set('Authorization', wuhan).expect(200);
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    const row = list.body.items.find((i: { id: string }) => i.id === a.id);
    expect(row.cqo.phone).toBe(`${shared.slice(0, 3)}****${shared.slice(-4)}`);

    const reads = () => count(`SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.read' AND object_id = $1`, [fb.body.id]);
    const before = await reads();
    const detail = await t.http().get(`/api/appointments/${fb.body.id}`).set('Authorization', wuhan).expect(200);
    expect(detail.body.phone).toBe(shared);
    expect(await reads()).toBe(before + 1);
  });

  it('004 三(一) 任期一般为5年: a 6-year term is filed (not refused); the term rule is a soft hit naming the clause, so a 上报说明 is asked for', async () => {
    const e = await enterpriseWithUser();
    const appointedOn = addDays(today, -10);
    const sixYears = termEndFor(appointedOn, 6);
    const without = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', e.auth).send(eligibleFiling({ termEnd: sixYears })).expect(400);
    expect(without.body.details).toEqual([expect.objectContaining({ field: 'explanation', code: 'required' })]);
    const res = await t
      .http()
      .post(`/api/enterprises/${e.id}/appointments`)
      .set('Authorization', e.auth)
      .send(eligibleFiling({ termEnd: sixYears, explanation: '董事会决议聘期六年' }))
      .expect(201);
    expect(res.body).toMatchObject({ verdict: 'attention', termEnd: sixYears });
    const term = res.body.verdictDetail.rules.find((r: { id: string }) => r.id === 'term');
    expect(term).toMatchObject({ pass: false, severity: 'soft', clause: '004 三(一)' });
    expect(term.actual).toContain(`长于一般任期 5 年（至 ${termEndFor(appointedOn, 5)}）（004 三(一)：任期一般为5年）`);
  });

  it('stops counting an appointment once its term has ended, and the nightly run marks it expired', async () => {
    const e = await enterpriseWithUser();
    const filed = await t
      .http()
      .post(`/api/enterprises/${e.id}/appointments`)
      .set('Authorization', e.auth)
      .send(eligibleFiling({ termEnd: addDays(today, 3) }))
      .expect(201);
    const onLastDay = await t.http().get(`/api/appointments/${filed.body.id}/verdict?asOf=${addDays(today, 3)}`).set('Authorization', e.auth).expect(200);
    expect(onLastDay.body.verdict).toBe('eligible');
    const dayAfter = await t.http().get(`/api/appointments/${filed.body.id}/verdict?asOf=${addDays(today, 4)}`).set('Authorization', e.auth).expect(200);
    expect(dayAfter.body.rules.find((r: { id: string }) => r.id === 'term')).toMatchObject({ pass: false, actual: `任期已于 ${addDays(today, 3)} 届满` });

    t.clock.advanceMinutes(5 * 24 * 60);
    // Five days on, the old sessions have ended: sign in again.
    const city = await bearer(t.http, wuhanUser);
    const own = await bearer(t.http, e.username);
    // Before the nightly job runs, lists already treat it as ended…
    const none = await t.http().get(`/api/enterprises?cqo=none&q=${encodeURIComponent(e.name)}`).set('Authorization', city).expect(200);
    expect(none.body.items.map((i: { id: string }) => i.id)).toEqual([e.id]);
    // …and the nightly run ends it in the database.
    await t.app.get(EligibilityService).nightly();
    const [row] = await t.db.query(`SELECT status, ended_on::text AS ended_on FROM appointment WHERE id = $1`, [filed.body.id]);
    expect(row).toEqual({ status: 'expired', ended_on: addDays(today, 4) });
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', own).send(eligibleFiling({ appointedOn: addDays(today, 4) })).expect(201);
  });

  it('SPEC §2 任期届满: a term that ran out is ended and audited once, whether the nightly run or the next filing ends it (issue 19 item 2)', async () => {
    const audited = (id: string) =>
      t.db.query(`SELECT actor_username, result, hash IS NOT NULL AS chained FROM audit_log WHERE action = 'appointment.expire' AND object_id = $1`, [id]);
    // Filed by the city office (few sign-ins: the sign-in rate limit). One is ended by the next
    // filing, before the nightly run has seen it; the other by the nightly run.
    const e = await makeEnterprise(t.db, '420102', { aboveSize: true });
    const f = await makeEnterprise(t.db, '420102', { aboveSize: true });
    const old = await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', wuhan).send(eligibleFiling({ termEnd: addDays(today, 3) })).expect(201);
    const other = await t.http().post(`/api/enterprises/${f.id}/appointments`).set('Authorization', wuhan).send(eligibleFiling({ termEnd: addDays(today, 3) })).expect(201);
    t.clock.advanceMinutes(5 * 24 * 60);
    const city = await bearer(t.http, wuhanUser);
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', city).send(eligibleFiling({ appointedOn: addDays(today, 4) })).expect(201);
    const [ended] = await t.db.query(`SELECT status, ended_on::text AS ended_on, end_reason FROM appointment WHERE id = $1`, [old.body.id]);
    expect(ended).toEqual({ status: 'expired', ended_on: addDays(today, 4), end_reason: '任期届满' });
    expect(await audited(old.body.id)).toEqual([{ actor_username: 'system', result: 'success', chained: true }]);
    await t.app.get(EligibilityService).nightly();
    expect(await audited(other.body.id)).toEqual([{ actor_username: 'system', result: 'success', chained: true }]);
    // The nightly run does not end (or audit) the first one again.
    expect(await audited(old.body.id)).toHaveLength(1);
  });
});
