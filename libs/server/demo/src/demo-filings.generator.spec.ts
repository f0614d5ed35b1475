import { loadGbt2260Regions } from '@cqo/server-database';
import { REPORT_STATUSES, type ReportProgress } from '@cqo/contracts';
import { BUILT_IN_PROFILES, DEFAULT_PROFILE, defaultFilingSettings, isLate, parseProfileRef, softRuleHits, validateAnnualReport } from '@cqo/policy';
import { demoCqoPins, generateDemoCqos } from './demo-cqo.generator';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, type DemoRegion } from './demo-data.generator';
import { generateDemoFilings, type DemoAnnualReport, type DemoCityReport, type DemoFilings } from './demo-filings.generator';


/** Hubei as the product loads it (see demo-data.generator.spec.ts). */
function hubei(): DemoRegion[] {
  return demoRegionsOf(loadGbt2260Regions(), '420000');
}

const regions = hubei();
const profile = parseProfileRef(DEFAULT_PROFILE, BUILT_IN_PROFILES);

function build(today: string, count: number) {
  const enterprises = generateDemoEnterprises({ regions, count, seed: 42, currentYear: Number(today.slice(0, 4)) });
  const users = demoUserSpecs({ regions, enterprises, provinceCode: '420000' });
  const cqos = generateDemoCqos({ enterprises, today, seed: 7, ...demoCqoPins(users) });
  const opts = { regions, provinceCode: '420000', enterprises, cqos, users, today, profile };
  return { enterprises, users, cqos, opts, filings: generateDemoFilings(opts) };
}

/** The China day of a timestamp. */
const chinaDay = (ts: string) => new Date(Date.parse(ts) + 8 * 3_600_000).toISOString().slice(0, 10);
const statuses = (rows: readonly { status: string }[]) => new Set(rows.map((r) => r.status));
const share = (rows: readonly unknown[], of: number) => rows.length / of;

/** What every report, whatever the day, must satisfy. */
function checkInvariants(f: DemoFilings, world: ReturnType<typeof build>, today: string) {
  const { enterprises, users, cqos } = world;
  const todayStart = Date.parse(`${today}T00:00:00+08:00`);
  const entUser = new Map(users.filter((u) => u.role === 'enterprise').map((u) => [u.enterpriseIndex, u.username]));
  const cityUser = new Map(users.filter((u) => u.role === 'city').map((u) => [u.regionCode, u.username]));
  const ent2 = users.find((u) => u.username === 'ent-2')?.enterpriseIndex;

  const stamps = (r: DemoAnnualReport | DemoCityReport) =>
    [r.createdAt, r.updatedAt, r.submittedAt, r.reviewedAt, ...r.events.map((e) => e.at)].filter((t): t is string => t !== null);
  const checkPath = (r: DemoAnnualReport | DemoCityReport, deadline: string) => {
    // Nothing in the future, and the history is in order and ends in the stored state.
    for (const t of stamps(r)) expect(Date.parse(t)).toBeLessThan(todayStart);
    const times = r.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    let state: ReportProgress = 'not-started';
    for (const e of r.events) {
      expect(e.from).toBe(state);
      state = e.to;
    }
    expect(state).toBe(r.status);
    expect(r.events[0].from).toBe('not-started');
    expect(r.version).toBe(r.events.length);
    const submissions = r.events.filter((e) => e.to === 'submitted');
    expect(r.submittedAt).toBe(submissions.length ? submissions[submissions.length - 1].at : null);
    expect(r.late).toBe(r.submittedAt !== null && isLate(chinaDay(r.submittedAt), deadline));
    if (r.status === 'returned') {
      expect(r.returnReason).toBeTruthy();
      expect(r.events[r.events.length - 1].reason).toBe(r.returnReason);
    } else expect(r.returnReason).toBeNull();
    const reviewed = r.status === 'accepted' || r.status === 'returned';
    expect(r.reviewedAt).toBe(reviewed ? r.events[r.events.length - 1].at : null);
  };

  const seen = new Set<string>();
  for (const r of f.annualReports) {
    const key = `${r.enterpriseIndex}/${r.year}`;
    expect(seen.has(key)).toBe(false);
    seen.add(key);
    checkPath(r, defaultFilingSettings(r.year).enterpriseDeadline);
    // Only enterprises expected to file have reports, but for the pinned demo account ent-2.
    if (r.enterpriseIndex !== ent2) expect(f.expected[r.year]).toContain(r.enterpriseIndex);
    // Hard rules: every report that was ever submitted passes them; drafts pass the draft check.
    expect(validateAnnualReport(r.data, r.status === 'draft' ? 'draft' : 'submit')).toEqual([]);
    // Soft rules: exactly what the policy says, on facts read off the generated violations.
    const violationsInYear = cqos.violations.filter((v) => v.enterpriseIndex === r.enterpriseIndex && v.occurredOn.startsWith(`${r.year}-`)).length;
    expect(r.facts.violationsInYear).toBe(violationsInYear);
    expect(r.softHits).toEqual(softRuleHits(r.data, r.facts));
    expect(r.explanation !== null).toBe(r.status !== 'draft' && r.softHits.length > 0);
    // Actors: the demo account of the enterprise or of its 市州, else nobody by name.
    for (const e of r.events) {
      expect(e.actorRole).toBe(e.to === 'accepted' || e.to === 'returned' ? 'city' : 'enterprise');
      expect(e.actor).toBe(e.actorRole === 'city' ? (cityUser.get(r.cityCode) ?? null) : (entUser.get(r.enterpriseIndex) ?? null));
    }
    expect(r.cityCode).toMatch(/^42\d{4}$/);
    expect(enterprises[r.enterpriseIndex]).toBeDefined();
  }
  for (const c of f.cityReports) {
    checkPath(c, defaultFilingSettings(c.year).cityDeadline);
    expect(c.narrative.length).toBeGreaterThan(20);
    expect(c.unreviewedAtSubmission !== null).toBe(c.submittedAt !== null);
    for (const e of c.events) {
      expect(e.actorRole).toBe(e.to === 'accepted' || e.to === 'returned' ? 'province' : 'city');
      expect(e.actor).toBe(e.actorRole === 'province' ? 'province' : (cityUser.get(c.cityCode) ?? null));
    }
  }
}

describe('generateDemoFilings on 2026-11-22 (window of 2026 open, before the deadline)', () => {
  const today = '2026-11-22';
  const world = build(today, 1500);
  const f = world.filings;
  const P = f.annualReports.filter((r) => r.year === 2025);
  const Y = f.annualReports.filter((r) => r.year === 2026);

  it('is deterministic and covers the closed cycle 2025 and the open one 2026', () => {
    expect(generateDemoFilings(world.opts)).toEqual(f);
    expect([f.previousYear, f.currentYear]).toEqual([2025, 2026]);
    expect(new Set(f.annualReports.map((r) => r.year))).toEqual(new Set([2025, 2026]));
  });

  it('holds every report to the rules: dates, lateness, history, validation, soft hits, actors', () => {
    checkInvariants(f, world, today);
  });

  it('has the closed cycle in every state, in about the shares asked for', () => {
    const expected = f.expected[2025].length;
    expect(expected).toBeGreaterThan(300);
    expect(statuses(P)).toEqual(new Set(REPORT_STATUSES));
    // Not started: expected enterprises without a report.
    expect(P.length).toBeLessThan(expected);
    const of = (s: string) => P.filter((r) => r.status === s);
    expect(share(of('accepted'), expected)).toBeGreaterThan(0.78);
    expect(share(of('accepted'), expected)).toBeLessThan(0.92);
    const lateShare = share(of('accepted').filter((r) => r.late), of('accepted').length);
    expect(lateShare).toBeGreaterThan(0.04);
    expect(lateShare).toBeLessThan(0.18);
    expect(P.some((r) => r.events.filter((e) => e.to === 'submitted').length === 2)).toBe(true);
  });

  it('has an open cycle in progress: nothing late before the deadline, some with and some without soft hits', () => {
    expect(statuses(Y)).toEqual(new Set(REPORT_STATUSES));
    expect(Y.some((r) => r.late)).toBe(false);
    expect(Y.length).toBeLessThan(f.expected[2026].length * 0.75);
    const hits = f.annualReports.filter((r) => r.status !== 'draft' && r.softHits.length > 0);
    expect(new Set(hits.flatMap((r) => r.softHits.map((h) => h.id)))).toEqual(new Set(['no-appraisal-system', 'zero-fund', 'training-short', 'accident-no-violation']));
  });

  it('gives the demo accounts useful states: ent-1 a draft it can submit, ent-2 a returned report, city-420100 a queue', () => {
    const index = (u: string) => world.users.find((s) => s.username === u)?.enterpriseIndex;
    const ent1 = Y.find((r) => r.enterpriseIndex === index('ent-1'));
    expect(ent1?.status).toBe('draft');
    expect(validateAnnualReport(ent1!.data, 'submit')).toEqual([]);
    const ent2 = Y.find((r) => r.enterpriseIndex === index('ent-2'));
    expect(ent2?.status).toBe('returned');
    expect(ent2?.returnReason).toBeTruthy();
    expect(ent2?.events.map((e) => e.actor)).toEqual(['ent-2', 'ent-2', 'city-420200']);
    const queue = Y.filter((r) => r.cityCode === '420100' && r.status === 'submitted');
    expect(queue.some((r) => r.softHits.length > 0)).toBe(true);
    expect(queue.some((r) => r.softHits.length === 0)).toBe(true);
    expect(queue.some((r) => r.events.some((e) => e.actor === 'city-420100'))).toBe(false);
  });

  it('has city reports for 2025: most accepted, one or two awaiting, one returned, one not started', () => {
    const cities = regions.filter((r) => r.level === 2).length;
    const c = f.cityReports.filter((r) => r.year === 2025);
    expect(f.cityReports.filter((r) => r.year === 2026)).toEqual([]);
    expect(c.length).toBe(cities - 1);
    const of = (s: string) => c.filter((r) => r.status === s);
    expect(of('returned').length).toBe(1);
    expect(of('submitted').length).toBeGreaterThanOrEqual(1);
    expect(of('submitted').length).toBeLessThanOrEqual(2);
    expect(of('draft').length).toBe(0);
    expect(of('accepted').length).toBe(cities - 1 - of('returned').length - of('submitted').length);
    expect(c.find((r) => r.cityCode === '420100')?.status).toBe('accepted');
    expect(c.find((r) => r.cityCode === '420200')?.status).toBe('returned');
  });
});

describe('generateDemoFilings on other days', () => {
  it('before the window of this year opens, the current reporting year is last year', () => {
    const today = '2026-06-10';
    const world = build(today, 600);
    const f = world.filings;
    expect([f.previousYear, f.currentYear]).toEqual([2024, 2025]);
    expect(new Set(f.annualReports.map((r) => r.year))).toEqual(new Set([2024, 2025]));
    expect(statuses(f.annualReports.filter((r) => r.year === 2024))).toEqual(new Set(REPORT_STATUSES));
    expect(f.annualReports.some((r) => r.year === 2025 && r.late)).toBe(true);
    checkInvariants(f, world, today);
  });

  it('after the deadline has late reports in the current year and city reports under way', () => {
    const today = '2027-01-05';
    const world = build(today, 600);
    const f = world.filings;
    expect([f.previousYear, f.currentYear]).toEqual([2025, 2026]);
    const Y = f.annualReports.filter((r) => r.year === 2026);
    expect(Y.some((r) => r.late)).toBe(true);
    expect(f.cityReports.some((r) => r.year === 2026)).toBe(true);
    checkInvariants(f, world, today);
  });

  it('on the day the window opens, nothing is filed for the new year yet', () => {
    const today = '2026-11-01';
    const world = build(today, 300);
    expect(world.filings.currentYear).toBeNull();
    checkInvariants(world.filings, world, today);
  });
});

describe('generateDemoFilings over K years (seed:demo --years K)', () => {
  const today = '2026-11-20';
  const world = build(today, 1500);
  const f = generateDemoFilings({ ...world.opts, years: 5 });
  /** Filed (submitted or accepted) over expected, as the dashboard counts it. */
  const rate = (year: number) =>
    f.annualReports.filter((r) => r.year === year && f.expected[year].includes(r.enterpriseIndex) && (r.status === 'submitted' || r.status === 'accepted')).length /
    f.expected[year].length;

  it('covers the current reporting year and the four before it, with the rules held', () => {
    expect(new Set(f.annualReports.map((r) => r.year))).toEqual(new Set([2022, 2023, 2024, 2025, 2026]));
    checkInvariants(f, { ...world, filings: f }, today);
  });

  it('has a filing rate that rises over the closed years (about 40% → 52% → 66% → 80% → 90%)', () => {
    const rates = [2022, 2023, 2024, 2025].map(rate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
    expect(rates[0]).toBeGreaterThan(0.3);
    expect(rates[3]).toBeLessThan(0.95);
  });

  it('gives every 市州 an accepted city report for the older closed years', () => {
    const cities = regions.filter((r) => r.level === 2).length;
    for (const year of [2022, 2023, 2024]) {
      const c = f.cityReports.filter((r) => r.year === year);
      expect(c.length).toBe(cities);
      expect(statuses(c)).toEqual(new Set(['accepted']));
    }
  });

  it('with K = 2 is what it was: P and Y only', () => {
    expect(generateDemoFilings({ ...world.opts, years: 2 })).toEqual(world.filings);
    expect(() => generateDemoFilings({ ...world.opts, years: 1 })).toThrow(/years/);
  });
});
