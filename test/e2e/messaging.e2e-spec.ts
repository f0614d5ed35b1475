import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueName } from '@cqo/server-queue';
import { addDays, chinaDate, yearOf } from '@cqo/policy';
import { LifecycleRemindersService } from '@cqo/server-filings';
import { MessagingService } from '@cqo/server-messaging';
import { bearer, hubeiEligibleFiling, makeCertificate, makeEnterprise, makeUser, phone } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, waitFor, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Decodes one header value (RFC 2047 encoded words, B or Q). */
function decodeHeader(v: string): string {
  return v.replace(/\s*=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** A single-part text message as nodemailer writes it: headers, then a quoted-printable or base64 body. */
function parseMail(raw: string, to: string): Mail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '';
  const body = rest.join('\n\n');
  const cte = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    cte === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : body;
  return { to, subject: decodeHeader(header('Subject')), text };
}

/**
 * 催报 and returns by e-mail and SMS (issue 22) on real parts: a real SMTP server (smtp-server) and an
 * HTTP SMS gateway (node:http) started here, the real api and worker on their own database and Redis
 * prefix, the outbox and the `messages` queue.
 */
describe('e-mail and SMS notifications (issue 22, real SMTP and HTTP gateway)', () => {
  let t: TestApp;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let smtp: SMTPServer;
  let gateway: Server;
  const mails: Mail[] = [];
  const sms: { to: string; text: string; template: string; auth: string | undefined }[] = [];
  const failingPhone = phone();
  let databaseUrl: string;
  let province: string;
  let wuhan: string;
  let wuhan2: string;
  const Y = yearOf(chinaDate(new Date()));
  const BASE = 'https://cqo.example.gov.cn';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address).join(',')));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    gateway = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; text: string; template: string };
        sms.push({ ...body, auth: req.headers.authorization });
        res.statusCode = body.to === failingPhone ? 500 : 200;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const smsPort = (gateway.address() as AddressInfo).port;
    databaseUrl = await privateDatabase('messaging');
    const config = testConfig({
      DATABASE_URL: databaseUrl,
      CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:messaging`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'cqo@example.gov.cn',
      SMS_GATEWAY_URL: `http://127.0.0.1:${smsPort}/sms`,
      SMS_GATEWAY_TOKEN: 'gateway-secret',
      PUBLIC_BASE_URL: `${BASE}/`,
      MESSAGE_QUIET_HOURS: 'off',
      MESSAGE_DAILY_CAP: '2',
      OUTBOX_RETRY_DELAY_MS: '50',
    });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    wuhan = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    wuhan2 = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420100' })).username);
    await t.http().put(`/api/filing-settings/${Y}`).set('Authorization', province)
      .send({ windowOpens: `${Y}-01-01`, enterpriseDeadline: `${Y + 1}-03-30`, cityDeadline: `${Y + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 })
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await new Promise((r) => gateway?.close(r));
  });

  /** An enterprise expected to report (an active CQO whose filed phone is `cqoPhone`) and its signed-in user. */
  async function enterprise(cqoPhone = phone()) {
    const e = await makeEnterprise(t.db, '420102');
    const u = await makeUser(t.db, 'enterprise', { enterpriseId: e.id });
    await t.http().post(`/api/enterprises/${e.id}/appointments`).set('Authorization', province)
      .send(hubeiEligibleFiling(`${Y}-01-01`, { phone: cqoPhone }))
      .expect(201);
    return { ...e, userId: u.id, cqoPhone, auth: await bearer(t.http, u.username) };
  }

  const deliveries = (userId: string) =>
    t.db.query(`SELECT channel, status, reason, attempts, address_masked, text FROM message_delivery WHERE user_id = $1 ORDER BY channel, created_at`, [userId]) as Promise<
      { channel: string; status: string; reason: string | null; attempts: number; address_masked: string; text: string }[]
    >;

  it('催报 by two officers the same day: one e-mail in Chinese with the enterprise, deadline and absolute link, one SMS (to the CQO phone filed), both logged masked and audited', async () => {
    const e = await enterprise();
    const email = `boss-${e.userId.slice(0, 8)}@example.com`;
    await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email }).expect(200);

    await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
    await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan2).send({ year: Y, enterpriseIds: [e.id] }).expect(200);

    const mail = await waitFor(async () => mails.find((m) => m.to === email));
    await waitFor(async () => sms.find((s) => s.to === e.cqoPhone));
    expect(mail.subject).toContain('催报');
    expect(mail.text).toContain(e.name);
    expect(mail.text).toContain(`截止日期 ${Y + 1}-03-30`);
    expect(mail.text).toContain(`${BASE}/my/annual-report?year=${Y}`);
    const text = sms.find((s) => s.to === e.cqoPhone)!;
    expect(text.text).toContain(`${Y + 1}-03-30`);
    expect(text.template).toBe('chase');
    expect(text.auth).toBe('Bearer gateway-secret');
    await waitFor(async () => (await deliveries(e.userId)).every((d) => d.status === 'sent'));

    // Two officers, one message per channel.
    await new Promise((r) => setTimeout(r, 500));
    expect(mails.filter((m) => m.to === email)).toHaveLength(1);
    expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(1);

    // The officers' view next to the 催报: sent, masked (SPEC §1: no full phone or e-mail in lists).
    const log = await t.http().get(`/api/annual-reports/status/messages?enterpriseId=${e.id}`).set('Authorization', wuhan).expect(200);
    expect(log.body.items.map((i: { channel: string; status: string }) => `${i.channel}:${i.status}`).sort()).toEqual(['email:sent', 'sms:sent']);
    expect(JSON.stringify(log.body)).not.toContain(e.cqoPhone);
    expect(JSON.stringify(log.body)).not.toContain(email);
    expect(log.body.items.find((i: { channel: string }) => i.channel === 'sms').address).toBe(`${e.cqoPhone.slice(0, 3)}****${e.cqoPhone.slice(-4)}`);
    // Another city's officer cannot read it.
    const yichang = await bearer(t.http, (await makeUser(t.db, 'city', { regionCode: '420500' })).username);
    await t.http().get(`/api/annual-reports/status/messages?enterpriseId=${e.id}`).set('Authorization', yichang).expect(404);

    // Every outbound message is audited (等保 2.0 L3 安全审计), with the address masked.
    const audits: { details: { address: string } }[] = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'message.send' AND result = 'success' AND object_id IN (SELECT id::text FROM message_delivery WHERE user_id = $1)`,
      [e.userId],
    );
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain(e.cqoPhone);
  });

  it('a gateway answering 500 is retried with backoff and then marked failed, while another message still goes out', async () => {
    const bad = await enterprise(failingPhone);
    const good = await enterprise();
    await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan).send({ year: Y, enterpriseIds: [bad.id, good.id] }).expect(200);
    await waitFor(async () => sms.find((s) => s.to === good.cqoPhone));
    const [failed] = await waitFor(async () => {
      const rows = (await deliveries(bad.userId)).filter((d) => d.channel === 'sms' && d.status === 'failed');
      return rows.length ? rows : null;
    }, 30_000);
    expect(failed.attempts).toBe(5);
    expect(failed.reason).toBe('gateway 500');
    expect(sms.filter((s) => s.to === failingPhone)).toHaveLength(5);
    const log = await t.http().get(`/api/annual-reports/status/messages?enterpriseId=${bad.id}`).set('Authorization', wuhan).expect(200);
    expect(log.body.items.find((i: { channel: string }) => i.channel === 'sms')).toMatchObject({ status: 'failed', reason: 'gateway 500' });
  }, 45_000);

  it('opt-out per channel holds: the SMS is not sent (recorded as not-sent, opted out), the e-mail is', async () => {
    const e = await enterprise();
    const email = `optout-${e.userId.slice(0, 8)}@example.com`;
    const prefs = await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email, smsEnabled: false }).expect(200);
    expect(prefs.body.channels).toEqual([
      { channel: 'email', enabled: true, configured: true },
      { channel: 'sms', enabled: false, configured: true },
    ]);
    await t.http().post('/api/annual-reports/remind').set('Authorization', wuhan).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
    await waitFor(async () => mails.find((m) => m.to === email));
    const rows = await deliveries(e.userId);
    expect(rows.find((d) => d.channel === 'sms')).toMatchObject({ status: 'not-sent', reason: 'opted out' });
    await new Promise((r) => setTimeout(r, 500));
    expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(0);
  });

  it('bad contact details answer 400 in the error shape with a Chinese message', async () => {
    const e = await enterprise();
    const res = await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email: 'not-an-address', phone: '12345' }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'phone']);
    expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('the per-recipient daily cap (2 here) holds: the third message of the day is not sent', async () => {
    const e = await enterprise();
    const messaging = t.app.get(MessagingService);
    for (const key of ['cap:1', 'cap:2', 'cap:3']) {
      await t.db.transaction((m) =>
        messaging.queue(m, { userIds: [e.userId], kind: 'report-returned', template: 'returned', title: `${Y} 年度报告被退回`, body: `退回原因：${key}`, link: '/my/annual-report', dedupeKey: key }),
      );
    }
    const sent = await waitFor(async () => {
      const rows = (await deliveries(e.userId)).filter((d) => d.channel === 'sms');
      return rows.filter((d) => d.status === 'sent').length === 2 ? rows : null;
    });
    expect(sent.map((d) => d.status).sort()).toEqual(['not-sent', 'sent', 'sent']);
    expect(sent.find((d) => d.status === 'not-sent')!.reason).toBe('daily cap');
    await new Promise((r) => setTimeout(r, 300));
    expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(2);
    expect(sms.find((s) => s.to === e.cqoPhone)!.text).toContain('退回');
  });

  it('a rolled-back write sends nothing: no delivery row, no job', async () => {
    const e = await enterprise();
    const messaging = t.app.get(MessagingService);
    await expect(
      t.db.transaction(async (m) => {
        await messaging.queue(m, { userIds: [e.userId], kind: 'reminder', template: 'chase', title: 't', body: 'b', link: null, dedupeKey: 'rollback', params: { year: Y, deadline: 'x' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await deliveries(e.userId)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(0);
  });

  it('no channel configured (the embedded start): the 催报 still works, messages are recorded not-sent with reason "no channel"', async () => {
    const bare = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:messaging-bare`, MESSAGE_QUIET_HOURS: 'off' }) });
    try {
      const e = await enterprise();
      await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email: `bare-${e.userId.slice(0, 8)}@example.com` }).expect(200);
      const officer = await bearer(bare.http, (await makeUser(bare.db, 'city', { regionCode: '420100' })).username);
      const res = await bare.http().post('/api/annual-reports/remind').set('Authorization', officer).send({ year: Y, enterpriseIds: [e.id] }).expect(200);
      expect(res.body.sent).toBe(1);
      const rows = await deliveries(e.userId);
      expect(rows.map((d) => `${d.channel}:${d.status}:${d.reason}`)).toEqual(['email:not-sent:no channel', 'sms:not-sent:no channel']);
      expect(Number((await t.db.query(`SELECT count(*) AS n FROM notification WHERE user_id = $1`, [e.userId]))[0].n)).toBe(1);
    } finally {
      await bare.close();
    }
  });

  const bell = (userId: string) =>
    t.db.query(`SELECT kind, title, dedupe_key FROM notification WHERE user_id = $1 ORDER BY created_at, dedupe_key`, [userId]) as Promise<{ kind: string; title: string; dedupe_key: string }[]>;

  it('the daily run tells a term ending in 90 and then in 30 days (004 三(一)) and a CQO short of the year\'s training (004 三(二)), each once however often it runs', async () => {
    // Appointed in Y−1 with a term ending on Jan 20 of Y+2 (so in post on Dec 31 of Y+1: SPEC §3 applicability); the runs are dated in Y+1 (the job's date parameter).
    const e = await enterprise();
    const termEnd = `${Y + 2}-01-20`;
    await t.db.query(`UPDATE appointment SET term_end = $2, effective_from = $3, appointed_on = $3 WHERE enterprise_id = $1 AND status = 'active'`, [e.id, termEnd, `${Y - 1}-06-01`]);
    const email = `term-${e.userId.slice(0, 8)}@example.com`;
    await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email }).expect(200);
    const lifecycle = worker.get(LifecycleRemindersService);

    const d1 = `${Y + 1}-11-01`; // 80 days before the term's end, in the last quarter
    const first = await lifecycle.runDaily(d1);
    expect(first.termEnding).toBeGreaterThanOrEqual(1);
    const [{ id: appointmentId }] = await t.db.query(`SELECT id FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [e.id]);
    const [{ person_id: personId }] = await t.db.query(`SELECT person_id FROM appointment WHERE id = $1`, [appointmentId]);
    expect((await bell(e.userId)).map((n) => n.dedupe_key).sort()).toEqual([`term-ending:${appointmentId}:90`, `training-shortfall:${Y + 1}-11:${personId}`].sort());
    const termMail = await waitFor(async () => mails.find((m) => m.to === email && m.subject.includes('任期')));
    expect(termMail.subject).toBe('首席质量官任期将于 80 天后届满');
    expect(termMail.text).toContain(e.name);
    expect(termMail.text).toContain(termEnd);
    expect(termMail.text).toContain(`${BASE}/my/cqo`);
    const trainingMail = await waitFor(async () => mails.find((m) => m.to === email && m.subject.includes('培训')));
    expect(trainingMail.subject).toBe(`${Y + 1} 年度首席质量官培训尚未达标`);
    // Hubei 2021 (004 三(二)): 14 h of the first category and 30 h of the second, none recorded.
    expect(trainingMail.text).toContain('44 学时');
    expect(trainingMail.text).toContain('004 三(二)');
    await waitFor(async () => sms.find((s) => s.to === e.cqoPhone && s.template === 'term-ending'));

    // The same day again (a second worker, a retried job): nothing new anywhere.
    const before = { bell: (await bell(e.userId)).length, deliveries: (await deliveries(e.userId)).length };
    await lifecycle.runDaily(d1);
    expect((await bell(e.userId)).length).toBe(before.bell);
    expect((await deliveries(e.userId)).length).toBe(before.deliveries);

    // 25 days before the end: the 30-day message (once), and December's training reminder.
    await lifecycle.runDaily(`${Y + 1}-12-26`);
    await lifecycle.runDaily(`${Y + 1}-12-27`);
    expect((await bell(e.userId)).map((n) => n.dedupe_key).sort()).toEqual(
      [`term-ending:${appointmentId}:30`, `term-ending:${appointmentId}:90`, `training-shortfall:${Y + 1}-11:${personId}`, `training-shortfall:${Y + 1}-12:${personId}`].sort(),
    );
    expect((await bell(e.userId)).find((n) => n.dedupe_key.endsWith(':30'))!.title).toBe(`首席质量官任期将于 ${termEnd} 届满`);

    // Outside the last quarter no training reminder; after the term's end no term message.
    const e2 = await enterprise();
    await lifecycle.runDaily(`${Y + 1}-06-01`);
    expect((await bell(e2.userId)).filter((n) => n.kind === 'training-shortfall')).toHaveLength(0);
  }, 60_000);

  it('a certificate suspended (001 §11) is told to the enterprise once, by the bell, e-mail and SMS; one whose suspension was lifted is not', async () => {
    const today = chinaDate(new Date());
    const certificate = async (e: { id: string }, no: string, status: 'suspended' | 'valid') => {
      const id = await makeCertificate(t.db, e.id, { number: no, year: 2025, issuedOn: addDays(today, -30), validUntil: addDays(today, 700), status });
      await t.db.query(
        `INSERT INTO evaluation_certificate_event (certificate_id, at, from_status, to_status, reason) VALUES ($1, now() - interval '1 hour', 'valid', 'suspended', '违规暂停：质量事故')`,
        [id],
      );
      if (status === 'valid') await t.db.query(`INSERT INTO evaluation_certificate_event (certificate_id, at, from_status, to_status, reason) VALUES ($1, now(), 'suspended', 'valid', '违规撤销，恢复')`, [id]);
    };
    const suspended = await enterprise();
    const lifted = await enterprise();
    await certificate(suspended, 'CQO-420000-2025-000901', 'suspended');
    await certificate(lifted, 'CQO-420000-2025-000902', 'valid');
    const lifecycle = worker.get(LifecycleRemindersService);
    await lifecycle.runDaily(today);
    await lifecycle.runDaily(today);

    expect((await bell(suspended.userId)).filter((n) => n.kind === 'certificate-suspended').map((n) => n.title)).toEqual(['首席质量官证书 CQO-420000-2025-000901 已暂停']);
    expect((await bell(lifted.userId)).filter((n) => n.kind.startsWith('certificate'))).toHaveLength(0);
    const text = await waitFor(async () => sms.find((s) => s.to === suspended.cqoPhone && s.template === 'certificate-suspended'));
    expect(text.text).toContain('CQO-420000-2025-000901');
    expect(sms.filter((s) => s.to === suspended.cqoPhone && s.template === 'certificate-suspended')).toHaveLength(1);
    expect(sms.filter((s) => s.to === lifted.cqoPhone && s.template.startsWith('certificate'))).toHaveLength(0);
  }, 45_000);

  it('a violation recorded against a certificate holder (001 §11) tells the suspension at once by the bell, e-mail and SMS, and the daily run does not tell it again; the officer\'s revocation is told too', async () => {
    const today = chinaDate(new Date());
    const e = await enterprise();
    const email = `holder-${e.userId.slice(0, 8)}@example.com`;
    await t.http().put('/api/me/message-preferences').set('Authorization', e.auth).send({ email }).expect(200);
    const number = 'CQO-420000-2025-000903';
    const certId = await makeCertificate(t.db, e.id, { number, year: 2025, holderName: '钱质量', issuedOn: addDays(today, -30), validUntil: addDays(today, 700) });
    const started = Date.now();
    await t.http().post('/api/violations').set('Authorization', wuhan)
      .send({ enterpriseId: e.id, subject: 'cqo', type: '刑事处分', occurredOn: today, sourceDocument: '（2026）鄂0102刑初7号' })
      .expect(201);

    // Within seconds, with no daily run: the 证书暂停 e-mail in Chinese naming the certificate and its (masked) holder, and the SMS.
    const mail = await waitFor(async () => mails.find((m) => m.to === email && m.subject.includes('暂停')), 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(mail.subject).toBe('首席质量官证书已暂停');
    expect(mail.text).toContain(e.name);
    expect(mail.text).toContain(`首席质量官 钱*量 的证书 ${number} 已暂停使用`);
    expect(mail.text).toContain('刑事处分');
    expect(mail.text).toContain(`${BASE}/my/evaluation`);
    const text = await waitFor(async () => sms.find((s) => s.to === e.cqoPhone && s.template === 'certificate-suspended'));
    expect(text.text).toContain(number);
    const told = async () => (await bell(e.userId)).filter((n) => n.kind === 'certificate-suspended');
    expect((await told()).map((n) => n.title)).toEqual([`首席质量官证书 ${number} 已暂停`]);
    await waitFor(async () => (await deliveries(e.userId)).length === 2 && (await deliveries(e.userId)).every((d) => d.status === 'sent'));
    const audits: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'message.send' AND result = 'success' AND object_id IN (SELECT id::text FROM message_delivery WHERE user_id = $1)`,
      [e.userId],
    );
    expect(audits[0].n).toBe(2);

    // The daily run (the former only way it was told) finds it told: no second bell, e-mail or SMS.
    const lifecycle = worker.get(LifecycleRemindersService);
    await lifecycle.runDaily(today);
    await lifecycle.runDaily(today);
    await new Promise((r) => setTimeout(r, 800));
    expect(await told()).toHaveLength(1);
    expect((await deliveries(e.userId)).length).toBe(2);
    expect(mails.filter((m) => m.to === email && m.subject.includes('暂停'))).toHaveLength(1);
    expect(sms.filter((s) => s.to === e.cqoPhone && s.template === 'certificate-suspended')).toHaveLength(1);

    // The revocation the violation left pending, confirmed by an officer of the issuing body: told at once too.
    const body = await bearer(t.http, (await makeUser(t.db, 'evaluator', { regionCode: '420000' })).username);
    await waitFor(async () => (await t.db.query(`SELECT revocation_pending_violation_id FROM evaluation_certificate WHERE id = $1`, [certId]))[0].revocation_pending_violation_id);
    await t.http().post(`/api/evaluation/certificates/${certId}/revocation/confirm`).set('Authorization', body).send({ reason: '刑事判决已生效，声明证书作废' }).expect(200);
    const revoked = await waitFor(async () => mails.find((m) => m.to === email && m.subject.includes('作废')));
    expect(revoked.subject).toBe('首席质量官证书已作废');
    expect(revoked.text).toContain(`首席质量官 钱*量 的证书 ${number} 已由认定主体声明作废`);
    expect(revoked.text).toContain('刑事判决已生效');
    await waitFor(async () => sms.find((s) => s.to === e.cqoPhone && s.template === 'certificate-revoked'));
    expect((await bell(e.userId)).filter((n) => n.kind === 'certificate-revoked').map((n) => n.title)).toEqual([`首席质量官证书 ${number} 已作废`]);
  }, 60_000);

  it('quiet hours through the queue: a message queued inside the window is held as a delayed job (recovered if Redis loses it) and sent once when the window ends', async () => {
    // A window from the current China minute to one or two minutes on (at least ~20 s ahead).
    const hhmm = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
    const now = new Date();
    const end = new Date(now.getTime() + (now.getSeconds() > 40 ? 120_000 : 60_000));
    const quiet = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:messaging`, SMS_GATEWAY_URL: 'http://127.0.0.1:9/unused', MESSAGE_QUIET_HOURS: `${hhmm(now)}-${hhmm(end)}` }) });
    try {
      const e = await enterprise();
      const messaging = quiet.app.get(MessagingService);
      await quiet.db.transaction((m) => messaging.queue(m, { userIds: [e.userId], kind: 'reminder', template: 'chase', title: '催报', body: 'b', link: null, dedupeKey: 'quiet', params: { year: Y, deadline: 'x' } }));
      const [row] = await t.db.query(`SELECT id, status, not_before FROM message_delivery WHERE user_id = $1 AND channel = 'sms'`, [e.userId]);
      expect(row.status).toBe('queued');
      const notBefore = new Date(row.not_before).getTime();
      expect(notBefore).toBeGreaterThan(Date.now());
      // The relay has handed it to the worker, which holds it as a delayed job: nothing goes out during the window.
      const queue = worker.get<Queue>(getQueueToken(QueueName.Messages));
      const heldId = `message-${row.id}-at-${notBefore}`;
      const held = await waitFor(async () => queue.getJob(heldId), 15_000);
      expect(await held.getState()).toBe('delayed');
      expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(0);
      // Redis loses the held job (its outbox row is done) while the worker keeps running: the sweep
      // (SCHEDULES 'messages.requeue-held', every 10 minutes; run here as its job) hands it back, once.
      expect((await queue.getRepeatableJobs()).filter((j) => j.name === 'messages.requeue-held').map((j) => j.cron)).toEqual(['*/10 * * * *']);
      await held.remove();
      expect(await queue.getJob(heldId)).toBeNull();
      const sweep = async () => (await (await queue.add('messages.requeue-held', {})).finished()) as { requeued: number };
      expect((await sweep()).requeued).toBe(1);
      expect((await sweep()).requeued).toBe(0);
      expect(await (await queue.getJob(heldId))?.getState()).toBe('delayed');
      const sent = await waitFor(async () => sms.find((s) => s.to === e.cqoPhone), 150_000, 500);
      expect(Date.now()).toBeGreaterThanOrEqual(notBefore);
      expect(sent.template).toBe('chase');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(sms.filter((s) => s.to === e.cqoPhone)).toHaveLength(1);
      expect((await deliveries(e.userId)).find((d) => d.channel === 'sms')?.status).toBe('sent');
    } finally {
      await quiet.close();
    }
  }, 200_000);
});
