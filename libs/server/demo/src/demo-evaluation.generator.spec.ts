import { loadGbt2260Regions } from '@cqo/server-database';
import { CERTIFICATE_NUMBER_PATTERN, certificateValidUntil, gradeSheet, MANUAL_CERTIFICATE_MOVES, SCORING_SCHEMES, validateSheet } from '@cqo/policy';
import { demoCqoPins, generateDemoCqos } from './demo-cqo.generator';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, type DemoRegion } from './demo-data.generator';
import { dayOfStamp, generateDemoEvaluation, type DemoEvaluationApplication } from './demo-evaluation.generator';


/** Hubei as the product loads it (see demo-data.generator.spec.ts). */
function hubei(): DemoRegion[] {
  return demoRegionsOf(loadGbt2260Regions(), '420000');
}

const regions = hubei();
const TODAY = '2026-11-30';
const ISSUING_BODY = '湖北省首席质量官能力评价中心';

function build(count: number, today = TODAY, seed?: number) {
  const enterprises = generateDemoEnterprises({ regions, count, seed: 20211231, currentYear: Number(today.slice(0, 4)) });
  const users = demoUserSpecs({ regions, enterprises, provinceCode: '420000' });
  const cqos = generateDemoCqos({ enterprises, today, seed: 20211231, ...demoCqoPins(users) });
  const opts = { regions, provinceCode: '420000', enterprises, cqos, users, today, issuingBody: ISSUING_BODY, seed };
  return { enterprises, users, cqos, opts, data: generateDemoEvaluation(opts) };
}

const count = <T>(rows: readonly T[], key: (r: T) => string) => rows.reduce<Record<string, number>>((m, r) => ((m[key(r)] = (m[key(r)] ?? 0) + 1), m), {});
const ms = (ts: string) => Date.parse(ts);

describe('generateDemoEvaluation', () => {
  const world = build(800);
  const { data, cqos, enterprises, users } = world;
  const year = Number(TODAY.slice(0, 4));
  const cityOf = (i: number) => {
    const code = enterprises[i].regionCode;
    const r = regions.find((x) => x.code === code);
    return r?.level === 3 ? r.parentCode : code;
  };

  it('is deterministic and depends on the seed', () => {
    expect(build(800).data).toEqual(data);
    expect(build(800, TODAY, 7).data).not.toEqual(data);
  });

  it('makes 40–80 applications in every state, mostly hunan, over several 市州', () => {
    expect(data.applications.length).toBeGreaterThanOrEqual(40);
    expect(data.applications.length).toBeLessThanOrEqual(80);
    const states = count(data.applications, (a) => a.status);
    for (const s of ['submitted', 'returned', 'accepted', 'scoring', 'reported', 'certified', 'withdrawn']) expect(states[s]).toBeGreaterThan(0);
    const schemes = count(data.applications, (a) => a.scheme);
    expect(schemes.hunan).toBeGreaterThan(schemes.zhejiang);
    expect(schemes.zhejiang).toBeGreaterThan(0);
    expect(new Set(data.applications.map((a) => cityOf(a.enterpriseIndex))).size).toBeGreaterThanOrEqual(8);
    // Reported both with a grade (awaiting the certificate) and without one.
    const reported = data.applications.filter((a) => a.status === 'reported');
    expect(reported.some((a) => a.report?.grade)).toBe(true);
    expect(reported.some((a) => a.report?.grade === null)).toBe(true);
    // Returned ones carry the reasons.
    for (const a of data.applications.filter((x) => x.status === 'returned')) expect(a.returnReasons).toBeTruthy();
  });

  it('applies only for current, eligible CQOs of enterprises without a demo account, one application each', () => {
    const withAccount = new Set(users.map((u) => u.enterpriseIndex).filter((i) => i !== null));
    const persons = new Set<number>();
    for (const a of data.applications) {
      const appointment = cqos.appointments[a.appointmentIndex];
      expect(appointment.status).toBe('active');
      expect(appointment.enterpriseIndex).toBe(a.enterpriseIndex);
      expect(appointment.personIndex).toBe(a.personIndex);
      expect(appointment.intent?.verdict).toBe('eligible');
      expect(withAccount.has(a.enterpriseIndex)).toBe(false);
      expect(a.experienceYears).toBe(appointment.yearsInQuality);
      expect(persons.has(a.personIndex)).toBe(false);
      persons.add(a.personIndex);
      // Filed as CQO before applying.
      expect(appointment.filedAt.slice(0, 10) < dayOfStamp(a.events[0].at)).toBe(true);
    }
  });

  it('grades every sheet and report with gradeSheet, valid per validateSheet', () => {
    let capped = 0;
    for (const a of data.applications) {
      const scheme = SCORING_SCHEMES[a.scheme];
      const info = { applied: a.appliedGrade, experienceYears: a.experienceYears, hasCertificate: a.hasCertificate };
      expect(validateSheet(scheme, { scores: a.selfAssessment, ...info })).toEqual([]);
      for (const s of a.sheets) {
        expect(validateSheet(scheme, { scores: s.scores, ...info })).toEqual([]);
        expect(s.result).toEqual(gradeSheet(scheme, { scores: s.scores, ...info }));
        expect(a.panel.map((p) => p.username)).toContain(s.username);
      }
      if (a.report) {
        expect(validateSheet(scheme, { scores: a.reportScores!, ...info })).toEqual([]);
        expect(a.report).toEqual(gradeSheet(scheme, { scores: a.reportScores!, ...info }));
        if (a.report.reasons.some((r) => r.includes('降为'))) capped++;
      }
      expect(a.status === 'certified' ? a.report?.grade : 'n/a').toBeTruthy();
    }
    expect(capped).toBeGreaterThan(0);
  });

  it('keeps the workflow rules: panel of two evaluators with one leader, every sheet and the interview before the report', () => {
    const evaluators = new Set(users.filter((u) => u.role === 'evaluator').map((u) => u.username));
    for (const a of data.applications) {
      const scoring = ['scoring', 'reported', 'certified'].includes(a.status);
      expect(a.panel.length).toBe(scoring ? 2 : 0);
      if (scoring) {
        expect(a.panel.filter((p) => p.leader)).toHaveLength(1);
        expect(a.panel.every((p) => evaluators.has(p.username))).toBe(true);
        expect(a.panel.map((p) => p.username)).toContain('evaluator');
      }
      if (a.report) {
        expect(a.sheets).toHaveLength(2);
        expect(a.interviewOn).not.toBeNull();
        expect(a.reportedBy).toBe(a.panel.find((p) => p.leader)?.username);
      } else {
        expect(a.reportScores).toBeNull();
      }
    }
    // The demo evaluator has sheets to fill and a report to write.
    const scoring = data.applications.filter((a) => a.status === 'scoring');
    expect(scoring.some((a) => !a.sheets.some((s) => s.username === 'evaluator'))).toBe(true);
    expect(scoring.some((a) => a.sheets.length === 2 && a.interviewOn && a.panel[0].username === 'evaluator')).toBe(true);
  });

  it('tells each history in order, ending in the stored state, nothing after today', () => {
    const end = ms(`${TODAY}T23:59:59+08:00`);
    const check = (a: DemoEvaluationApplication) => {
      let status: string | null = null;
      let last = 0;
      let version = 1;
      for (const e of a.events) {
        expect(ms(e.at)).toBeGreaterThan(last);
        last = ms(e.at);
        expect(e.from).toBe(status ?? null);
        if (e.to) {
          status = e.to;
          if (e.action !== 'apply') version++;
        } else expect(e.from).toBe('scoring');
      }
      expect(status).toBe(a.status);
      expect(a.version).toBe(version);
      expect(a.updatedAt).toBe(a.events[a.events.length - 1].at);
      expect(last).toBeLessThanOrEqual(end);
    };
    data.applications.forEach(check);
  });

  it('issues certificates in earlier years, numbered per year in issue order, the counters at the last number', () => {
    expect(data.certificates.length).toBe(data.applications.filter((a) => a.status === 'certified').length);
    const byYear = new Map<number, string[]>();
    for (const c of data.certificates) {
      expect(c.year).toBeLessThan(year);
      expect(c.number).toMatch(CERTIFICATE_NUMBER_PATTERN);
      expect(c.number).toBe(`CQO-420000-${c.year}-${String(c.seq).padStart(6, '0')}`);
      expect(c.issuedOn.slice(0, 4)).toBe(String(c.year));
      expect(c.validUntil).toBe(certificateValidUntil(c.issuedOn, 3));
      expect(c.issuingBody).toBe(ISSUING_BODY);
      const a = data.applications[c.applicationIndex];
      expect(a.status).toBe('certified');
      expect(c.score).toBe(a.report?.total);
      expect(c.grade).toBe(a.report?.grade);
      expect(c.holderName).toBe(cqos.persons[a.personIndex].name);
      expect(a.events[a.events.length - 1]).toMatchObject({ action: 'certificate', note: c.number });
      byYear.set(c.year, [...(byYear.get(c.year) ?? []), c.issuedOn]);
    }
    for (const [y, days] of byYear) {
      const seqs = data.certificates.filter((c) => c.year === y).map((c) => c.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_s, i) => i + 1));
      const inOrder = data.certificates.filter((c) => c.year === y).sort((a, b) => a.seq - b.seq).map((c) => c.issuedOn);
      expect(inOrder).toEqual([...days].sort());
      expect(data.counters.find((c) => c.year === y)?.lastSeq).toBe(seqs.length);
    }
    expect(data.counters.map((c) => c.year).sort()).toEqual([...byYear.keys()].sort());
  });

  it('gives certificates mostly valid, a few suspended, revoked or expired, each with its history', () => {
    const statuses = count(data.certificates, (c) => c.status);
    expect(statuses.valid).toBeGreaterThan(data.certificates.length / 2);
    for (const s of ['suspended', 'revoked', 'expired']) expect(statuses[s]).toBeGreaterThan(0);
    expect(new Set(data.certificates.filter((c) => c.status === 'valid').map((c) => c.grade)).size).toBe(3);
    for (const c of data.certificates) {
      expect(c.events[0]).toMatchObject({ from: null, to: 'valid' });
      let status = 'valid';
      let last = ms(c.events[0].at);
      for (const e of c.events.slice(1)) {
        expect(e.from).toBe(status);
        if (e.to !== 'expired') expect(MANUAL_CERTIFICATE_MOVES[e.from!]).toContain(e.to);
        expect(ms(e.at)).toBeGreaterThan(last);
        last = ms(e.at);
        status = e.to;
      }
      expect(c.status).toBe(status);
      expect(c.statusChangedOn <= TODAY).toBe(true);
      // Valid means within validity (the nightly job would have expired it otherwise).
      if (c.status === 'valid' || c.status === 'suspended') expect(c.validUntil >= TODAY).toBe(true);
      if (c.status === 'expired') expect(c.validUntil < TODAY).toBe(true);
      for (const r of c.reviews) {
        expect(r.year).toBeGreaterThanOrEqual(c.year);
        expect(r.year).toBeLessThanOrEqual(year);
        expect(dayOfStamp(r.reviewedAt) <= TODAY).toBe(true);
      }
    }
    expect(data.certificates.some((c) => c.reviews.length > 0)).toBe(true);
  });

  it('puts a few holders of valid certificates in the talent pool, once each', () => {
    expect(data.talent.length).toBeGreaterThanOrEqual(2);
    expect(data.talent.length).toBeLessThanOrEqual(10);
    expect(new Set(data.talent.map((t) => t.personIndex)).size).toBe(data.talent.length);
    for (const t of data.talent) {
      const c = data.certificates[t.certificateIndex];
      expect(c.status).toBe('valid');
      expect(c.personIndex).toBe(t.personIndex);
      expect(t.addedBy).toBe('province');
      expect(dayOfStamp(t.addedAt) >= c.issuedOn && dayOfStamp(t.addedAt) <= TODAY).toBe(true);
    }
  });

  it('leaves a small province without evaluation data', () => {
    expect(build(60).data).toEqual({ applications: [], certificates: [], talent: [], counters: [] });
  });

  it('holds on other days too', () => {
    for (const today of ['2026-01-03', '2027-06-15']) {
      const { data: d } = build(800, today);
      expect(d.applications.length).toBeGreaterThanOrEqual(40);
      for (const a of d.applications) for (const e of a.events) expect(dayOfStamp(e.at) <= today).toBe(true);
      for (const c of d.certificates) {
        expect(c.year).toBeLessThan(Number(today.slice(0, 4)));
        for (const e of c.events) expect(dayOfStamp(e.at) <= today).toBe(true);
        if (c.status === 'valid') expect(c.validUntil >= today).toBe(true);
      }
    }
  });
});
