import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bull';
import ExcelJS from 'exceljs';
import type { Queue } from 'bull';
import { addDays, chinaDate, emptyReportData, yearOf } from '@cqo/policy';
import { AttachmentExportService } from '@cqo/server-attachment';
import { RemindersService } from '@cqo/server-filings';
import { QueueName } from '@cqo/server-queue';
import { bearer, completeReport, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

/**
 * The yearly reporting cycle end to end on real Postgres (and real Redis for the reminder jobs):
 * an enterprise drafts and submits its annual report with a soft-rule explanation, the city returns
 * it, the enterprise resubmits, the city accepts and the report locks; the city submits its own
 * report and the province accepts it. Also: racing reviewers, late submissions in the status view,
 * and reminders that are created once however often the schedule runs. Its own database: the
 * calendar settings are province-wide.
 */
describe('annual reporting cycle (real Postgres)', () => {
  let t: TestApp;
  let config: ReturnType<typeof testConfig>;
  let province: string;
  let wuhan: string;
  let wuhan2: string;
  let yichang: string;
  const Y = yearOf(chinaDate(new Date()));
  const P = Y - 1;

  beforeAll(async () => {
    const databaseUrl = await privateDatabase('filings');
    config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:filings` });
    t = await createTestApp({ config });
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    wuhan2 = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
    // This year: the window is open and the deadline has not passed (whenever the suite runs).
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 })
      .expect(200);
    // Last year: every deadline has passed, so any submission now is late.
    await t.http().put(`/api/filing-settings/${P}`).set('Authorization', province)
      .send({ windowOpens: `${P}-01-01`, enterpriseDeadline: `${P}-06-30`, cityDeadline: `${P}-07-31`, reminderDaysBefore: [7], overdueEveryDays: 7 })
      .expect(200);
  }, 60_000);
  afterAll(() => t?.close());

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);

  /** An enterprise in `region` with a CQO appointed on `appointedOn` and a signed-in enterprise user. */
  async function enterprise(region = '420102', appointedOn = `${Y}-01-01`) {
    const e = await makeEnterprise(t.db, region);
    const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(appointedOn, { name: '李年报', explanation: '补录历史聘任' }))
      .expect(201);
    return { ...e, userId: u.id, auth: await bearer(t.http, u.username) };
  }

  const complete = completeReport;

  describe('the full path', () => {
    let e: Awaited<ReturnType<typeof enterprise>>;
    let id: string;
    const url = () => `/api/annual-reports/by-enterprise/${e.id}/${Y}`;

    beforeAll(async () => {
      e = await enterprise();
    });

    it('starts empty, with the CQO and the year pre-filled', async () => {
      const res = await t.http().get(url()).set('Authorization', e.auth).expect(200);
      expect(res.body).toMatchObject({ id: null, status: 'not-started', version: 0, lockedReason: null, deadline: `${Y + 1}-03-30` });
      expect(res.body.prefill.cqo).toMatchObject({ name: '李年报', appointedOn: `${Y}-01-01` });
      expect(res.body.prefill.changes).toEqual([expect.objectContaining({ kind: 'appoint', on: `${Y}-01-01`, name: '李年报' })]);
      expect(res.body.prefill.training.compliance).toMatchObject({ applicable: false });
    });

    it('saves a draft, and refuses a negative fund even in a draft', async () => {
      const bad = await t.http().put(url()).set('Authorization', e.auth).send({ data: { ...emptyReportData(), qualityFund: -3 }, version: 0 }).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'qualityFund', code: 'negative' })]);
      expect(await count(`SELECT count(*) AS n FROM annual_report WHERE enterprise_id = $1`, [e.id])).toBe(0);

      const res = await t.http().put(url()).set('Authorization', e.auth).send({ data: { ...emptyReportData(), qualityFund: 0 }, version: 0 }).expect(200);
      expect(res.body).toMatchObject({ status: 'draft', version: 1 });
      id = res.body.id;
      expect(res.body.softHits.map((h: { id: string }) => h.id)).toEqual(['zero-fund']);
    });

    it('hard rules block submission, field by field', async () => {
      const res = await t.http().post(`${url()}/submit`).set('Authorization', e.auth)
        .send({ data: complete({ appraisalResult: null, dutiesNarrative: ' ' }), version: 1 }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['appraisalResult', 'dutiesNarrative']);
      expect(res.body.details[0].message).toContain('考核结果');
    });

    it('a soft-rule hit needs the 上报说明, then goes through with it', async () => {
      const without = await t.http().post(`${url()}/submit`).set('Authorization', e.auth).send({ data: complete({ qualityFund: 0 }), version: 1 }).expect(400);
      expect(without.body.details).toEqual([expect.objectContaining({ field: 'explanation', code: 'required' })]);
      expect(without.body.details[0].message).toContain('专项经费为 0');

      const res = await t.http().post(`${url()}/submit`).set('Authorization', e.auth)
        .send({ data: complete({ qualityFund: 0 }), version: 1, explanation: '今年质量经费并入技改项目列支' }).expect(200);
      expect(res.body).toMatchObject({ status: 'submitted', late: false, explanation: '今年质量经费并入技改项目列支', version: 2 });
      expect(res.body.softHits).toEqual([expect.objectContaining({ id: 'zero-fund' })]);
      expect(res.body.lockedReason).toContain('等待审核');
    });

    it('the city sees it in its queue with the explanation; bulk accept leaves it for individual review', async () => {
      const q = await t.http().get(`/api/annual-reports/queue?year=${Y}`).set('Authorization', wuhan).expect(200);
      const item = q.body.items.find((i: { id: string }) => i.id === id);
      expect(item).toMatchObject({ enterpriseName: e.name, status: 'submitted', explanation: '今年质量经费并入技改项目列支' });
      expect(item.softHits.map((h: { id: string }) => h.id)).toEqual(['zero-fund']);

      const bulk = await t.http().post('/api/annual-reports/bulk-accept').set('Authorization', wuhan).send({ ids: [id] }).expect(200);
      expect(bulk.body).toEqual({ accepted: [], skipped: [{ id, reason: '报告有提示性问题，须逐份审核' }] });

      // Another city neither sees it nor can act on it.
      const other = await t.http().get(`/api/annual-reports/queue?year=${Y}`).set('Authorization', yichang).expect(200);
      expect(other.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
      await t.http().post(`/api/annual-reports/${id}/accept`).set('Authorization', yichang).send({ version: 2 }).expect(404);
    });

    it('the city returns it with a reason, which the enterprise sees and is notified of', async () => {
      const noReason = await t.http().post(`/api/annual-reports/${id}/return`).set('Authorization', wuhan).send({ version: 2 }).expect(400);
      expect(noReason.body.details[0]).toMatchObject({ field: 'reason', code: 'required' });

      await t.http().post(`/api/annual-reports/${id}/return`).set('Authorization', wuhan).send({ version: 2, reason: '专项经费为 0 的说明不充分，请补充经费来源' }).expect(200);
      const mine = await t.http().get(url()).set('Authorization', e.auth).expect(200);
      expect(mine.body).toMatchObject({ status: 'returned', returnReason: '专项经费为 0 的说明不充分，请补充经费来源', lockedReason: null, version: 3 });

      const inbox = await t.http().get('/api/notifications?unreadOnly=true').set('Authorization', e.auth).expect(200);
      expect(inbox.body.unread).toBe(1);
      expect(inbox.body.items[0]).toMatchObject({ kind: 'report-returned', body: '退回原因：专项经费为 0 的说明不充分，请补充经费来源' });
      await t.http().post(`/api/notifications/${inbox.body.items[0].id}/read`).set('Authorization', e.auth).expect(200);
      expect((await t.http().get('/api/notifications?unreadOnly=true').set('Authorization', e.auth)).body.unread).toBe(0);
    });

    it('the enterprise fixes and resubmits; the city accepts and the report locks (409 with the reason)', async () => {
      const stale = await t.http().post(`${url()}/submit`).set('Authorization', e.auth).send({ data: complete(), version: 2 }).expect(409);
      expect(stale.body.message).toContain('刷新');

      const re = await t.http().post(`${url()}/submit`).set('Authorization', e.auth).send({ data: complete({ qualityFund: 20 }), version: 3 }).expect(200);
      expect(re.body).toMatchObject({ status: 'submitted', softHits: [], explanation: null, returnReason: null });

      const accepted = await t.http().post(`/api/annual-reports/${id}/accept`).set('Authorization', wuhan).send({ version: re.body.version }).expect(200);
      expect(accepted.body.status).toBe('accepted');
      expect(accepted.body.lockedReason).toMatch(/已锁定/);

      const edit = await t.http().put(url()).set('Authorization', e.auth).send({ data: complete({ qualityFund: 99 }), version: accepted.body.version }).expect(409);
      expect(edit.body.message).toBe(accepted.body.lockedReason);
      await t.http().post(`${url()}/submit`).set('Authorization', e.auth).send({ data: complete(), version: accepted.body.version }).expect(409);
      await t.http().post(`/api/annual-reports/${id}/return`).set('Authorization', wuhan).send({ version: accepted.body.version, reason: '再看看' }).expect(409);
      expect((await t.db.query(`SELECT data->>'qualityFund' AS fund FROM annual_report WHERE id = $1`, [id]))[0].fund).toBe('20');
    });

    it('keeps the whole history and audits every state change', async () => {
      const res = await t.http().get(`/api/annual-reports/${id}`).set('Authorization', wuhan).expect(200);
      expect(res.body.history.map((h: { fromStatus: string; toStatus: string }) => `${h.fromStatus}>${h.toStatus}`)).toEqual([
        'not-started>draft',
        'draft>submitted',
        'submitted>returned',
        'returned>submitted',
        'submitted>accepted',
      ]);
      expect(res.body.history[2]).toMatchObject({ actorRole: 'city', reason: '专项经费为 0 的说明不充分，请补充经费来源' });
      expect(res.body.history[1].reason).toBe('今年质量经费并入技改项目列支');
      const actions = await t.db.query(`SELECT action, details->>'from' AS f, details->>'to' AS t FROM audit_log WHERE object_id = $1 AND action LIKE 'annual_report.%' ORDER BY id`, [id]);
      expect(actions.filter((a: { f: string | null }) => a.f).map((a: { action: string; f: string; t: string }) => `${a.action}:${a.f}>${a.t}`)).toEqual([
        'annual_report.save:not-started>draft',
        'annual_report.submit:draft>submitted',
        'annual_report.return:submitted>returned',
        'annual_report.submit:returned>submitted',
        'annual_report.accept:submitted>accepted',
      ]);
      await expect(t.db.query(`UPDATE report_event SET reason = 'x' WHERE report_id = $1`, [id])).rejects.toThrow(/permission denied|append-only/);
    });

    it('another enterprise cannot read it, and an enterprise cannot review', async () => {
      const other = await enterprise('420102');
      await t.http().get(url()).set('Authorization', other.auth).expect(404);
      await t.http().get(`/api/annual-reports/${id}`).set('Authorization', other.auth).expect(404);
      await t.http().post(`/api/annual-reports/${id}/accept`).set('Authorization', other.auth).send({ version: 1 }).expect(404);
    });

    it('the city submits its report with the snapshot frozen, and the province accepts it', async () => {
      // A second Wuhan report still awaiting review when the city submits.
      const pending = await enterprise('420106');
      await t.http().post(`/api/annual-reports/by-enterprise/${pending.id}/${Y}/submit`).set('Authorization', pending.auth).send({ data: complete(), version: 0 }).expect(200);

      const start = await t.http().get(`/api/city-reports/420100/${Y}`).set('Authorization', wuhan).expect(200);
      expect(start.body).toMatchObject({ status: 'not-started', snapshot: null, unreviewedNow: 1, attachmentUrl: null });
      const empty = await t.http().post(`/api/city-reports/420100/${Y}/submit`).set('Authorization', wuhan).send({ narrative: '  ', version: 0 }).expect(400);
      expect(empty.body.details[0]).toMatchObject({ field: 'narrative', code: 'required' });
      await t.http().put(`/api/city-reports/420100/${Y}`).set('Authorization', yichang).send({ narrative: '越权', version: 0 }).expect(404);

      const draft = await t.http().put(`/api/city-reports/420100/${Y}`).set('Authorization', wuhan).send({ narrative: '全市推进首席质量官制度', version: 0 }).expect(200);
      const submitted = await t.http().post(`/api/city-reports/420100/${Y}/submit`).set('Authorization', wuhan)
        .send({ narrative: '全市推进首席质量官制度，规上企业全部聘任。', version: draft.body.version }).expect(200);
      expect(submitted.body).toMatchObject({ status: 'submitted', unreviewedAtSubmission: 1, late: false });
      const snap = submitted.body.snapshot;
      expect(snap.total.code).toBe('420100');
      expect(snap.total.filings).toMatchObject({ accepted: 1, submitted: 1 });
      expect(snap.total.filings.expected).toBeGreaterThanOrEqual(3);
      const jiangan = snap.children.find((c: { code: string }) => c.code === '420102');
      expect(jiangan.filings).toMatchObject({ accepted: 1, submitted: 0 });
      expect(jiangan.appointed.total).toBe(jiangan.filings.expected);

      // Frozen: a later acceptance does not change the stored snapshot.
      const later = await t.http().get(`/api/annual-reports/by-enterprise/${pending.id}/${Y}`).set('Authorization', wuhan).expect(200);
      await t.http().post(`/api/annual-reports/${later.body.id}/accept`).set('Authorization', wuhan).send({ version: later.body.version }).expect(200);
      const again = await t.http().get(`/api/city-reports/420100/${Y}`).set('Authorization', province).expect(200);
      expect(again.body.snapshot).toEqual(snap);
      expect(again.body.unreviewedNow).toBe(0);

      const list = await t.http().get(`/api/city-reports?year=${Y}`).set('Authorization', province).expect(200);
      expect(list.body).toHaveLength(17);
      expect(list.body.find((c: { regionCode: string }) => c.regionCode === '420100')).toMatchObject({ status: 'submitted', unreviewedAtSubmission: 1 });

      await t.http().post(`/api/city-reports/420100/${Y}/accept`).set('Authorization', wuhan).send({ version: again.body.version }).expect(404);
      const accepted = await t.http().post(`/api/city-reports/420100/${Y}/accept`).set('Authorization', province).send({ version: again.body.version }).expect(200);
      expect(accepted.body.status).toBe('accepted');
      const locked = await t.http().put(`/api/city-reports/420100/${Y}`).set('Authorization', wuhan).send({ narrative: '改', version: accepted.body.version }).expect(409);
      expect(locked.body.message).toMatch(/已锁定/);
      const cityInbox = await t.http().get('/api/notifications').set('Authorization', wuhan).expect(200);
      expect(cityInbox.body.items.map((n: { kind: string }) => n.kind)).toContain('city-report-accepted');
    });
  });

  it('two officers accepting and returning at the same moment leave one state; the other gets 409', async () => {
    for (let round = 0; round < 3; round++) {
      const e = await enterprise('420103');
      const sub = await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${Y}/submit`).set('Authorization', e.auth).send({ data: complete(), version: 0 }).expect(200);
      const [a, b] = await Promise.all([
        t.http().post(`/api/annual-reports/${sub.body.id}/accept`).set('Authorization', wuhan).send({ version: sub.body.version }),
        t.http().post(`/api/annual-reports/${sub.body.id}/return`).set('Authorization', wuhan2).send({ version: sub.body.version, reason: '材料不全' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? 'accepted' : 'returned';
      const [row] = await t.db.query(`SELECT status, version FROM annual_report WHERE id = $1`, [sub.body.id]);
      expect(row).toEqual({ status: winner, version: sub.body.version + 1 });
      expect(await count(`SELECT count(*) AS n FROM report_event WHERE report_id = $1 AND from_status = 'submitted'`, [sub.body.id])).toBe(1);
      expect((a.status === 409 ? a : b).body.message).toContain('已被他人处理');
    }
  });

  it('a submission after the deadline is accepted but flagged 迟报, and counts as late in the status view', async () => {
    const e = await enterprise('420111', `${P}-01-01`);
    const res = await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${P}/submit`).set('Authorization', e.auth)
      .send({ data: complete(), version: 0, explanation: '上年度培训学时登记遗漏，已补登' }).expect(200);
    expect(res.body).toMatchObject({ status: 'submitted', late: true, deadline: `${P}-06-30` });

    const status = await t.http().get(`/api/annual-reports/status?year=${P}&regionCode=420100&status=late`).set('Authorization', wuhan).expect(200);
    expect(status.body.pastDeadline).toBe(true);
    expect(status.body.enterprises.items).toEqual([expect.objectContaining({ enterpriseId: e.id, status: 'submitted', late: true })]);
    expect(status.body.totals.late).toBe(1);
    expect(status.body.children.find((c: { code: string }) => c.code === '420111')).toMatchObject({ late: 1, submitted: 1 });
    const accepted = await t.http().post(`/api/annual-reports/${res.body.id}/accept`).set('Authorization', wuhan).send({ version: res.body.version }).expect(200);
    expect(accepted.body.late).toBe(true);
    const after = await t.http().get(`/api/annual-reports/status?year=${P}&regionCode=420111`).set('Authorization', wuhan).expect(200);
    expect(after.body.totals).toMatchObject({ accepted: 1, late: 1 });
  });

  it('issue 20 item 9: the status list counts its rows outside 应报 (filed though the CQO came after the window opened), so 应报 + those = the list', async () => {
    const expected = await enterprise('420113', `${P}-01-01`);
    const after = await enterprise('420113', `${P}-02-01`);
    for (const e of [expected, after]) {
      await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${P}/submit`).set('Authorization', e.auth)
        .send({ data: complete(), version: 0, explanation: '补报上年度报告' }).expect(200);
    }
    const status = (await t.http().get(`/api/annual-reports/status?year=${P}&regionCode=420113`).set('Authorization', wuhan).expect(200)).body;
    expect(status.totals.expected).toBe(1);
    expect(status.enterprises.total).toBe(2);
    expect(status.enterprises.notExpected).toBe(1);
    expect(status.enterprises.items.find((i: { enterpriseId: string }) => i.enterpriseId === after.id).expected).toBe(false);
  });

  it('a version beyond PostgreSQL integer (1e21: an integer to JavaScript) is a field error, not a 500 (found by the write fuzz)', async () => {
    const e = await enterprise('420114');
    const res = await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${Y}/submit`).set('Authorization', e.auth)
      .send({ data: complete(), version: 1e21 }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'version', message: '版本不正确，请刷新后重试' })]);
    await t.http().post(`/api/city-reports/420100/${Y}/accept`).set('Authorization', province).send({ version: 1e21 }).expect(400);
  });

  it('issue 20 item 7: the review queue is searched by part of the enterprise name or by its credit code; LIKE wildcards are literal', async () => {
    const a = await enterprise('420115');
    const b = await enterprise('420115');
    await t.db.query(`UPDATE enterprise SET name = $2 WHERE id = $1`, [a.id, '检索甲100%质造有限公司']);
    await t.db.query(`UPDATE enterprise SET name = $2 WHERE id = $1`, [b.id, '检索乙质造有限公司']);
    for (const e of [a, b]) {
      await t.http().post(`/api/annual-reports/by-enterprise/${e.id}/${Y}/submit`).set('Authorization', e.auth).send({ data: complete(), version: 0 }).expect(200);
    }
    const queue = async (q: string) =>
      ((await t.http().get('/api/annual-reports/queue').query({ year: Y, regionCode: '420115', q }).set('Authorization', wuhan).expect(200)).body.items as { enterpriseId: string }[]).map((i) => i.enterpriseId);
    expect((await queue('检索')).sort()).toEqual([a.id, b.id].sort());
    expect(await queue('乙质造')).toEqual([b.id]);
    expect(await queue('100%')).toEqual([a.id]);
    expect(await queue('%')).toEqual([a.id]);
    expect(await queue(b.creditCode)).toEqual([b.id]);
    // 全部: once one is accepted, the default (submitted) lists the other only, `all` both.
    const [report] = await t.db.query(`SELECT id, version FROM annual_report WHERE enterprise_id = $1 AND year = $2`, [a.id, Y]);
    await t.http().post(`/api/annual-reports/${report.id}/accept`).set('Authorization', wuhan).send({ version: report.version }).expect(200);
    expect(await queue('检索')).toEqual([b.id]);
    const all = await t.http().get('/api/annual-reports/queue').query({ year: Y, regionCode: '420115', status: 'all' }).set('Authorization', wuhan).expect(200);
    expect(all.body.items.map((i: { enterpriseId: string }) => i.enterpriseId).sort()).toEqual([a.id, b.id].sort());
    const bad = await t.http().get('/api/annual-reports/queue').query({ q: 'x'.repeat(65) }).set('Authorization', wuhan).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'q' })]);
  });

  describe('reminders', () => {
    const deadline = `${Y + 1}-03-30`;
    const sevenBefore = addDays(deadline, -7);

    async function outstanding(): Promise<number> {
      return count(
        `SELECT count(*) AS n FROM enterprise e LEFT JOIN annual_report r ON r.enterprise_id = e.id AND r.year = $1
          WHERE EXISTS (SELECT 1 FROM appointment a WHERE a.enterprise_id = e.id AND a.effective_from <= $2::date AND (a.ended_on IS NULL OR a.ended_on > $2::date))
            AND (r.id IS NULL OR r.status IN ('draft','returned'))`,
        [Y, `${Y}-01-01`],
      );
    }

    it('the schedule run twice, concurrently, and on two workers at once creates each reminder once', async () => {
      const waiting = await enterprise('420104');
      const expected = await outstanding();
      expect(expected).toBeGreaterThanOrEqual(1);
      const reminders = t.app.get(RemindersService);

      const [first, second] = await Promise.all([reminders.runDaily(sevenBefore), reminders.runDaily(sevenBefore)]);
      const sent = [first, second].map((r) => r.years.find((y) => y.year === Y)?.enterprisesReminded ?? 0);
      expect(sent.sort()).toEqual([0, expected]);
      expect(first.years.find((y) => y.year === Y)?.enterprise).toEqual({ kind: 'deadline-approaching', daysLeft: 7 });
      await reminders.runDaily(sevenBefore);

      // Two real workers pulling two jobs for the same day from the queue.
      const workers = [await startTestWorker(config), await startTestWorker(config)];
      const queue = workers[0].get<Queue>(getQueueToken(QueueName.Reminders));
      try {
        const jobs = await Promise.all([
          queue.add('reminders.daily', { date: sevenBefore }, { jobId: `r1-${Date.now()}` }),
          queue.add('reminders.daily', { date: sevenBefore }, { jobId: `r2-${Date.now()}` }),
        ]);
        await waitFor(async () => (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'completed'), 20_000);
      } finally {
        for (const w of workers) await w.close();
      }

      expect(await count(`SELECT count(*) AS n FROM reminder_log WHERE on_date = $1 AND subject LIKE 'enterprise:%'`, [sevenBefore])).toBe(expected);
      const mine = await t.db.query(`SELECT kind, title FROM notification WHERE user_id = $1 AND dedupe_key = $2`, [waiting.userId, `chase:${Y}:${sevenBefore}`]);
      expect(mine).toEqual([{ kind: 'deadline-approaching', title: `${Y} 年度报告将于 ${deadline} 截止` }]);
      expect(await count(`SELECT count(*) AS n FROM notification WHERE dedupe_key = $1 GROUP BY user_id ORDER BY 1 DESC LIMIT 1`, [`chase:${Y}:${sevenBefore}`])).toBe(1);
      // The city officers get one digest for the day.
      expect(await count(`SELECT count(*) AS n FROM notification n JOIN app_user u ON u.id = n.user_id WHERE u.role = 'city' AND n.dedupe_key = $1 GROUP BY n.user_id ORDER BY 1 DESC LIMIT 1`, [`digest:${Y}:${sevenBefore}`])).toBe(1);
      // Nothing on a day the calendar does not call for.
      const quiet = await reminders.runDaily(addDays(deadline, -5));
      expect(quiet.years.filter((y) => y.year === Y)).toEqual([]);
    }, 60_000);

    it('催报 by an officer reminds each outstanding enterprise once a day, and only in scope', async () => {
      const e = await enterprise('420105');
      const res = await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
      expect(res.body).toEqual({ sent: 1, skipped: 0 });
      const again = await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan2).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
      expect(again.body).toEqual({ sent: 0, skipped: 1 });
      const outside = await t.http().post('/api/annual-reports/remind').set('Authorization', yichang).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
      expect(outside.body).toEqual({ sent: 0, skipped: 1 });
      const inbox = await t.http().get('/api/notifications').set('Authorization', e.auth).expect(200);
      expect(inbox.body.items.filter((n: { kind: string }) => n.kind === 'reminder')).toHaveLength(1);
      const status = await t.http().get(`/api/annual-reports/status?year=${Y}&regionCode=420105&status=not-started`).set('Authorization', wuhan).expect(200);
      expect(status.body.enterprises.items.find((i: { enterpriseId: string }) => i.enterpriseId === e.id).lastRemindedAt).not.toBeNull();
    });
  });

  it('only the province edits the calendar, and bad dates get field errors', async () => {
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', wuhan).send({}).expect(404);
    const bad = await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-11-01`, enterpriseDeadline: `${Y}-10-01`, cityDeadline: `${Y}-12-31`, reminderDaysBefore: [7], overdueEveryDays: 7 }).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'enterpriseDeadline', code: 'beforeWindow' })]);
    const settings = await t.http().get(`/api/filing-settings/${Y}`).set('Authorization', wuhan).expect(200);
    expect(settings.body).toMatchObject({ enterpriseDeadline: `${Y + 1}-03-30`, isDefault: false });
    const fresh = await t.http().get(`/api/filing-settings/${Y - 3}`).set('Authorization', wuhan).expect(200);
    expect(fresh.body).toMatchObject({ windowOpens: `${Y - 3}-11-01`, enterpriseDeadline: `${Y - 3}-12-15`, isDefault: true });
  });

  it('issue 17: the city report keeps its 统计表, made once by the worker at submission; a week of changes later every download is the same file (SHA-256)', async () => {
    const worker = await startTestWorker(config);
    const download = async (url: string, auth: string) =>
      (
        await t.http().get(url).set('Authorization', auth).buffer(true).parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        }).expect(200)
      ).body as Buffer;
    const names = async (file: Buffer) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file as unknown as ArrayBuffer);
      const out: string[] = [];
      wb.getWorksheet('基本情况')!.eachRow((row) => out.push(...(row.values as unknown[]).filter((v): v is string => typeof v === 'string')));
      return out;
    };
    try {
      const first = await enterprise('420502');
      const draft = await t.http().put(`/api/city-reports/420500/${Y}`).set('Authorization', yichang).send({ narrative: '宜昌市推进情况', version: 0 }).expect(200);
      await t.http().get(`/api/city-reports/420500/${Y}/attachment`).set('Authorization', yichang).expect(404);
      await t.http().post(`/api/city-reports/420500/${Y}/submit`).set('Authorization', yichang).send({ narrative: '宜昌市推进情况', version: draft.body.version }).expect(200);
      const report = await waitFor(async () => {
        const r = await t.http().get(`/api/city-reports/420500/${Y}`).set('Authorization', province).expect(200);
        return r.body.attachmentUrl ? r.body : null;
      }, 30_000);
      expect(report).toMatchObject({ attachmentUrl: `/api/city-reports/420500/${Y}/attachment`, attachmentAsOf: chinaDate(t.clock.now()) });
      const kept = await download(report.attachmentUrl, yichang);
      expect(createHash('sha256').update(kept).digest('hex')).toBe(report.attachmentSha256);
      expect(await names(kept)).toContain(first.name);
      await t.http().get(report.attachmentUrl).set('Authorization', wuhan).expect(404); // another city's officer

      // A week later, after a new enterprise with a CQO in the city: the kept file does not move.
      t.clock.advanceMinutes(7 * 24 * 60);
      const officer = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username); // the old tokens have expired
      const later = await makeEnterprise(t.db, '420502');
      await t.http().post(`/api/enterprises/${later.id}/appointments`).set('Authorization', officer)
        .send(hubeiEligibleFiling(`${Y}-01-01`, { name: '后来者', explanation: '补录历史聘任' })).expect(201);
      const again = await download(report.attachmentUrl, officer);
      expect(createHash('sha256').update(again).digest('hex')).toBe(report.attachmentSha256);
      expect(again.equals(kept)).toBe(true);
      // What a fresh export shows today has moved on; the kept file has not.
      const fresh = join(mkdtempSync(join(tmpdir(), 'city-attachment-')), 'fresh.xlsx');
      const actor = { userId: '', username: 'test', role: 'province' as const, sessionId: '', regionCode: '420000', regionPath: null, enterpriseId: null, ip: null };
      const exported = await t.app.get(AttachmentExportService).export(actor, { region: '420500', year: Y }, fresh);
      expect(exported.sha256).not.toBe(report.attachmentSha256);
      expect(await names(readFileSync(fresh))).toContain(later.name);
      expect(await names(again)).not.toContain(later.name);
      const downloads = await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'city_report.attachment.download' AND details->>'sha256' = $1`, [report.attachmentSha256]);
      expect(downloads).toBe(2);
    } finally {
      t.clock.reset();
      await worker.close();
    }
  }, 60_000);
});
