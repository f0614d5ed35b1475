import { loadGbt2260Regions } from '@cqo/server-database';
import {
  ACCIDENT_LEVELS,
  APPOINTMENT_STATUSES,
  EDUCATION_LEVELS,
  FILING_TYPES,
  GENDERS,
  POSITION_LEVELS,
  QUALIFICATION_LEVELS,
  QUALIFICATION_TYPES,
  TRAINING_CATEGORIES,
  VIOLATION_STATUSES,
  VIOLATION_SUBJECTS,
  VIOLATION_TYPES,
  type Verdict,
} from '@cqo/contracts';
import { DEMO_DECLARATIONS, demoCqoPins, generateDemoCqos, type DemoAppointment, type DemoCqoData, type DemoFailure } from './demo-cqo.generator';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, type DemoEnterprise, type DemoRegion } from './demo-data.generator';


/** Hubei as the product loads it (see demo-data.generator.spec.ts). */
function hubei(): DemoRegion[] {
  return demoRegionsOf(loadGbt2260Regions(), '420000');
}

// ---- dates ----

const DAY_MS = 86_400_000;
const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const iso = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
/** YYYY-MM-DD + 5 years − 1 day (29 Feb → 28 Feb, as libs/policy). */
function termEnd(appointedOn: string): string {
  const [y, m, d] = appointedOn.split('-').map(Number);
  let t = new Date(Date.UTC(y + 5, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t = new Date(Date.UTC(y + 5, m, 0));
  return iso(t.getTime() / DAY_MS - 1);
}
const isDate = (s: string | null) => s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s) && iso(day(s)) === s;
/** A timestamp's calendar day in China. */
const chinaDay = (ts: string) => new Date(new Date(ts).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

// ---- a small reading of hubei-2021 (SPEC §3), independent of libs/policy ----

interface Failure {
  rule: DemoFailure | 'term';
  hard: boolean;
}

const DISQUALIFYING = new Set(['重大失误受处分', '刑事处分', '谋取不正当利益']);

const byPerson = new WeakMap<DemoCqoData, { training: Map<number, DemoCqoData['trainingRecords']>; violations: Map<number, DemoCqoData['violations']> }>();

/** Training records and violations per person, built once per data set. */
function indexOf(data: DemoCqoData) {
  let index = byPerson.get(data);
  if (!index) {
    index = { training: new Map(), violations: new Map() };
    for (const t of data.trainingRecords) index.training.set(t.personIndex, [...(index.training.get(t.personIndex) ?? []), t]);
    for (const v of data.violations) if (v.personIndex !== null) index.violations.set(v.personIndex, [...(index.violations.get(v.personIndex) ?? []), v]);
    byPerson.set(data, index);
  }
  return index;
}

function hubeiFailures(data: DemoCqoData, enterprises: readonly DemoEnterprise[], a: DemoAppointment, today: string): Failure[] {
  const index = indexOf(data);
  const e = enterprises[a.enterpriseIndex];
  const out: Failure[] = [];
  const rank = <T extends string>(order: readonly T[], v: T | null) => (v === null ? -1 : order.indexOf(v));
  if (rank(EDUCATION_LEVELS, a.education) < rank(EDUCATION_LEVELS, '大学本科')) out.push({ rule: 'education', hard: true });
  const certificate = a.qualificationType === '质量专业技术人员职业资格' && rank(QUALIFICATION_LEVELS, a.qualificationLevel) >= rank(QUALIFICATION_LEVELS, '中级');
  const title = a.qualificationType === '专业技术职称' && a.qualityRelated && rank(QUALIFICATION_LEVELS, a.qualificationLevel) >= rank(QUALIFICATION_LEVELS, '副高级');
  if (!certificate && !title) out.push({ rule: 'qualification', hard: true });
  if (a.yearsInQuality < 5) out.push({ rule: 'experience', hard: true });
  const trained = a.initialTrainingHours !== null && a.initialTrainingHours >= 21 && a.initialTrainingCompletedOn !== null && a.initialTrainingCompletedOn <= a.appointedOn;
  if (!trained) out.push({ rule: 'initial-training', hard: true });
  const year = Number(today.slice(0, 4)) - 1;
  if (a.appointedOn < `${year}-01-01`) {
    const records = (index.training.get(a.personIndex) ?? []).filter((t) => t.endDate.startsWith(`${year}-`));
    const sum = (category: string) => records.filter((t) => t.category === category).reduce((s, t) => s + t.hours, 0);
    if (sum('继续教育(第一类)') < 14 || sum('第二类') < 30) out.push({ rule: 'annual-training', hard: false });
  }
  if (a.positionLevel !== '决策层' && a.positionLevel !== '高层副职') out.push({ rule: 'position', hard: e.aboveSize });
  if (today > a.termEnd) out.push({ rule: 'term', hard: true });
  if (!DEMO_DECLARATIONS.every((d) => a.declarations.includes(d))) out.push({ rule: 'declaration', hard: true });
  const disqualified = (index.violations.get(a.personIndex) ?? []).some(
    (v) =>
      v.occurredOn <= today &&
      (DISQUALIFYING.has(v.type) || (v.type === '较大以上质量安全事故' && v.accidentLevel !== null && rank(ACCIDENT_LEVELS, v.accidentLevel) >= 1)),
  );
  if (disqualified) out.push({ rule: 'disqualification', hard: true });
  return out;
}

/** Collects failed checks, so one assertion reports every bad row at once. */
class Problems {
  readonly list: string[] = [];
  check(at: string, what: string, ok: boolean): void {
    if (!ok && this.list.length < 50) this.list.push(`${at}: ${what}`);
  }
}

function verdictOf(failures: readonly Failure[]): Verdict {
  return failures.some((f) => f.hard) ? 'ineligible' : failures.length ? 'attention' : 'eligible';
}

describe('generateDemoCqos', () => {
  const regions = hubei();
  const today = '2025-11-20';
  const enterprises = generateDemoEnterprises({ regions, count: 3000, seed: 42, currentYear: 2025 });
  const users = demoUserSpecs({ regions, enterprises, provinceCode: '420000' });
  const pins = demoCqoPins(users);
  const data = generateDemoCqos({ enterprises, today, seed: 7, ...pins });
  const { persons, appointments, trainingRecords, violations } = data;
  const active = appointments.filter((a) => a.status === 'active');
  const activeByEnterprise = new Map(active.map((a) => [a.enterpriseIndex, a]));
  const ent1 = users.find((u) => u.username === 'ent-1')?.enterpriseIndex ?? -1;
  const ent2 = users.find((u) => u.username === 'ent-2')?.enterpriseIndex ?? -1;

  it('gives the same data for the same inputs, and different data for another seed or day', () => {
    expect(generateDemoCqos({ enterprises, today, seed: 7, ...pins })).toEqual(data);
    const other = generateDemoCqos({ enterprises, today, seed: 8, ...pins });
    expect(other.persons.map((p) => p.phone)).not.toEqual(persons.map((p) => p.phone));
    const later = generateDemoCqos({ enterprises, today: '2026-03-01', seed: 7, ...pins });
    expect(later.appointments.map((a) => a.appointedOn)).not.toEqual(appointments.map((a) => a.appointedOn));
  });

  it('refuses a malformed day and pins that do not fit', () => {
    expect(() => generateDemoCqos({ enterprises, today: '2025-02-30' })).toThrow();
    expect(() => generateDemoCqos({ enterprises, today, eligible: [enterprises.length] })).toThrow();
    expect(() => generateDemoCqos({ enterprises, today, eligible: [3], without: [3] })).toThrow();
    expect(generateDemoCqos({ enterprises: [], today })).toEqual({ persons: [], appointments: [], trainingRecords: [], violations: [] });
  });

  it('appoints CQOs at ~90% of award winners, ~70% of 规上 and ~35% of the others', () => {
    const rate = (f: (e: DemoEnterprise) => boolean) => {
      const group = enterprises.map((e, i) => ({ e, i })).filter(({ e }) => f(e));
      return group.filter(({ i }) => activeByEnterprise.has(i)).length / group.length;
    };
    expect(rate((e) => e.awards.length > 0)).toBeGreaterThanOrEqual(0.8);
    expect(rate((e) => e.awards.length > 0)).toBeLessThanOrEqual(0.97);
    expect(rate((e) => e.aboveSize && e.awards.length === 0)).toBeGreaterThanOrEqual(0.64);
    expect(rate((e) => e.aboveSize && e.awards.length === 0)).toBeLessThanOrEqual(0.76);
    expect(rate((e) => !e.aboveSize && e.awards.length === 0)).toBeGreaterThanOrEqual(0.3);
    expect(rate((e) => !e.aboveSize && e.awards.length === 0)).toBeLessThanOrEqual(0.4);
  });

  it('keeps at most one active appointment per enterprise', () => {
    expect(activeByEnterprise.size).toBe(active.length);
  });

  it('gives ent-1 an active, fully eligible CQO and leaves ent-2 with nothing at all', () => {
    expect(ent1).toBeGreaterThanOrEqual(0);
    expect(ent2).toBeGreaterThanOrEqual(0);
    const mine = appointments.filter((a) => a.enterpriseIndex === ent1);
    expect(mine).toHaveLength(1);
    expect(mine[0].status).toBe('active');
    expect(mine[0].intent).toEqual({ verdict: 'eligible', failures: [] });
    expect(hubeiFailures(data, enterprises, mine[0], today)).toEqual([]);
    expect(violations.filter((v) => v.enterpriseIndex === ent1)).toEqual([]);
    expect(appointments.filter((a) => a.personIndex === mine[0].personIndex)).toHaveLength(1);

    expect(appointments.filter((a) => a.enterpriseIndex === ent2)).toEqual([]);
    expect(trainingRecords.filter((t) => t.enterpriseIndex === ent2)).toEqual([]);
    expect(violations.filter((v) => v.enterpriseIndex === ent2)).toEqual([]);
  });

  it('satisfies every CHECK constraint of the appointment table', () => {
    const problems = new Problems();
    appointments.forEach((a, i) => {
      const at = `appointment ${i}`;
      problems.check(at, 'gender', GENDERS.includes(a.gender));
      problems.check(at, 'birth_month', /^[0-9]{4}-(0[1-9]|1[0-2])$/.test(a.birthMonth));
      problems.check(at, 'phone', /^1[3-9][0-9]{9}$/.test(a.phone));
      problems.check(at, 'position_level', POSITION_LEVELS.includes(a.positionLevel));
      problems.check(at, 'education', EDUCATION_LEVELS.includes(a.education));
      problems.check(at, 'qualification_type', QUALIFICATION_TYPES.includes(a.qualificationType));
      problems.check(at, 'qualification_level', a.qualificationLevel === null || QUALIFICATION_LEVELS.includes(a.qualificationLevel));
      problems.check(at, '(qualification_type = 无) = (qualification_level IS NULL)', (a.qualificationType === '无') === (a.qualificationLevel === null));
      problems.check(at, 'years_in_quality BETWEEN 0 AND 60', Number.isInteger(a.yearsInQuality) && a.yearsInQuality >= 0 && a.yearsInQuality <= 60);
      problems.check(at, 'filing_type', FILING_TYPES.includes(a.filingType));
      problems.check(at, 'status', APPOINTMENT_STATUSES.includes(a.status));
      problems.check(at, 'name', /^[\u4e00-\u9fa5]{2,3}$/.test(a.name));
      problems.check(at, 'position_title varchar(32)', a.positionTitle.length > 0 && a.positionTitle.length <= 32);
      problems.check(at, 'dates', [a.appointedOn, a.termEnd, a.effectiveFrom].every(isDate) && (a.endedOn === null || isDate(a.endedOn)));
      problems.check(at, 'initial_training_completed_on', a.initialTrainingCompletedOn === null || isDate(a.initialTrainingCompletedOn));
      problems.check(at, 'term_end >= appointed_on', a.termEnd >= a.appointedOn);
      problems.check(at, 'effective_from >= appointed_on', a.effectiveFrom >= a.appointedOn);
      problems.check(at, 'ended_on >= effective_from', a.endedOn === null || a.endedOn >= a.effectiveFrom);
      problems.check(at, "(status = 'active') = (ended_on IS NULL)", (a.status === 'active') === (a.endedOn === null));
      problems.check(
        at,
        'initial_training_hours numeric(5,1) >= 0',
        a.initialTrainingHours === null || (a.initialTrainingHours >= 0 && a.initialTrainingHours < 10_000 && Number.isInteger(a.initialTrainingHours * 10)),
      );
      problems.check(at, 'certificate numbers varchar(64)', [a.authorisationCertNo, a.initialTrainingCertNo].every((c) => c === null || c.length <= 64));
    });
    expect(problems.list).toEqual([]);
  });

  it('dates appointments sensibly: never after today, terms of five years less a day, filings after the fact', () => {
    for (const a of appointments) {
      expect(a.appointedOn <= today).toBe(true);
      expect(a.appointedOn.endsWith('-02-29')).toBe(false);
      expect(a.termEnd).toBe(termEnd(a.appointedOn));
      if (a.endedOn !== null) expect(a.endedOn <= today).toBe(true);
      const filed = chinaDay(a.filedAt);
      expect(filed > a.effectiveFrom && filed < today).toBe(true);
      expect(a.lateFiling).toBe(day(filed) - day(a.effectiveFrom) > 30);
      if (a.filingType === 'appoint') expect(a.effectiveFrom).toBe(a.appointedOn);
    }
    for (const a of active) {
      expect(a.termEnd >= today).toBe(true);
      expect(a.appointedOn > iso(day(today) - 5 * 366)).toBe(true);
      expect(a.intent).not.toBeNull();
    }
    const late = appointments.filter((a) => a.lateFiling).length / appointments.length;
    expect(late).toBeGreaterThan(0.03);
    expect(late).toBeLessThan(0.15);
  });

  it('gives CQOs of 30–60 with unique name + phone, the same on every row of a person', () => {
    expect(new Set(persons.map((p) => `${p.name}/${p.phone}`)).size).toBe(persons.length);
    const todayYear = Number(today.slice(0, 4));
    const todayMonth = Number(today.slice(5, 7));
    for (const a of appointments) {
      expect(persons[a.personIndex]).toEqual({ name: a.name, phone: a.phone });
      const [y, m] = a.birthMonth.split('-').map(Number);
      const age = todayYear - y - (m > todayMonth ? 1 : 0);
      expect(age).toBeGreaterThanOrEqual(30);
      expect(age).toBeLessThanOrEqual(60);
    }
    const used = new Set(appointments.map((a) => a.personIndex));
    expect(used.size).toBe(persons.length);
    const women = active.filter((a) => a.gender === '女').length / active.length;
    expect(women).toBeGreaterThan(0.15);
    expect(women).toBeLessThan(0.45);
  });

  it('keeps history: replaced, dismissed, superseded by a change filing, and expired terms', () => {
    const withCqo = new Set(active.map((a) => a.enterpriseIndex));
    const withHistory = new Set(appointments.filter((a) => a.status !== 'active' && withCqo.has(a.enterpriseIndex)).map((a) => a.enterpriseIndex));
    expect(withHistory.size / withCqo.size).toBeGreaterThanOrEqual(0.07);
    expect(withHistory.size / withCqo.size).toBeLessThanOrEqual(0.14);
    for (const status of ['superseded', 'replaced', 'dismissed', 'expired'] as const) {
      expect(appointments.filter((a) => a.status === status).length).toBeGreaterThan(3);
    }
    const enterprisesWith = (status: string) => new Set(appointments.filter((a) => a.status === status).map((a) => a.enterpriseIndex)).size;
    const everCqo = new Set(appointments.map((a) => a.enterpriseIndex)).size;
    expect(enterprisesWith('expired') / everCqo).toBeGreaterThanOrEqual(0.01);
    expect(enterprisesWith('expired') / everCqo).toBeLessThanOrEqual(0.04);
    // Some enterprises' only CQO saw the term run out.
    expect([...new Set(appointments.filter((a) => a.status === 'expired').map((a) => a.enterpriseIndex))].some((i) => !withCqo.has(i))).toBe(true);

    appointments.forEach((a, i) => {
      if (a.status !== 'active') expect(a.endReason).toBeTruthy();
      if (a.status === 'expired') expect(a.endedOn).toBe(iso(day(a.termEnd) + 1));
      if (a.previousIndex !== null) {
        expect(a.previousIndex).toBeLessThan(i);
        const prev = appointments[a.previousIndex];
        expect(a.filingType).toBe('change');
        expect(prev.enterpriseIndex).toBe(a.enterpriseIndex);
        expect(prev.endedOn).toBe(a.effectiveFrom);
        if (prev.status === 'superseded') {
          expect(prev.personIndex).toBe(a.personIndex);
          expect(a.appointedOn).toBe(prev.appointedOn);
          expect(a.termEnd).toBe(prev.termEnd);
        } else {
          expect(prev.status).toBe('replaced');
          expect(prev.personIndex).not.toBe(a.personIndex);
          expect(a.appointedOn).toBe(a.effectiveFrom);
        }
      } else {
        expect(a.filingType).toBe('appoint');
      }
      if (a.status === 'superseded' || a.status === 'replaced') {
        expect(appointments.some((b) => b.previousIndex === i)).toBe(true);
      }
    });
    // Within an enterprise, appointments do not overlap.
    const byEnterprise = new Map<number, DemoAppointment[]>();
    for (const a of appointments) byEnterprise.set(a.enterpriseIndex, [...(byEnterprise.get(a.enterpriseIndex) ?? []), a]);
    for (const rows of byEnterprise.values()) {
      const sorted = [...rows].sort((x, y) => (x.effectiveFrom < y.effectiveFrom ? -1 : 1));
      for (let k = 1; k < sorted.length; k++) expect(sorted[k - 1].endedOn !== null && sorted[k - 1].endedOn! <= sorted[k].effectiveFrom).toBe(true);
    }
  });

  it('ticks the hubei-2021 declarations, all or none, and leaves them out for ~2% of people', () => {
    for (const a of appointments) expect(a.declarations.length === 0 || a.declarations.join() === DEMO_DECLARATIONS.join()).toBe(true);
    const without = new Set(appointments.filter((a) => a.declarations.length === 0).map((a) => a.personIndex)).size / persons.length;
    expect(without).toBeGreaterThanOrEqual(0.008);
    expect(without).toBeLessThanOrEqual(0.04);
  });

  it('records initial training mostly at 21–32 学时 before the appointment, with ledger rows to match', () => {
    const hours = active.map((a) => a.initialTrainingHours).filter((h): h is number => h !== null);
    expect(hours.filter((h) => h >= 21 && h <= 32).length / active.length).toBeGreaterThan(0.85);
    expect(hours.some((h) => h < 21)).toBe(true);
    expect(active.some((a) => a.initialTrainingCompletedOn !== null && a.initialTrainingCompletedOn > a.appointedOn)).toBe(true);
    for (const a of appointments) {
      const ledger = (indexOf(data).training.get(a.personIndex) ?? []).filter((t) => t.category === '任职培训');
      if (a.initialTrainingHours === null) {
        expect(a.initialTrainingCompletedOn).toBeNull();
        continue;
      }
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({ hours: a.initialTrainingHours, endDate: a.initialTrainingCompletedOn, certificateNo: a.initialTrainingCertNo });
    }
  });

  it('builds the verdict mix: ~65% eligible, ~20% attention, ~15% ineligible, each as intended', () => {
    const count: Record<Verdict, number> = { eligible: 0, attention: 0, ineligible: 0 };
    const byRule = new Map<string, number>();
    for (const a of active) {
      const failures = hubeiFailures(data, enterprises, a, today);
      const verdict = verdictOf(failures);
      count[verdict]++;
      expect({ i: appointments.indexOf(a), verdict }).toEqual({ i: appointments.indexOf(a), verdict: a.intent?.verdict });
      const intended = [...(a.intent?.failures ?? [])].sort();
      if (verdict === 'ineligible') {
        expect(failures.filter((f) => f.hard).map((f) => f.rule).sort()).toEqual(intended.filter((f) => f !== 'annual-training'));
        expect(intended.length).toBeLessThanOrEqual(2);
      } else {
        expect(failures.map((f) => f.rule).sort()).toEqual(intended);
      }
      for (const f of failures) byRule.set(`${f.rule}/${f.hard ? 'hard' : 'soft'}`, (byRule.get(`${f.rule}/${f.hard ? 'hard' : 'soft'}`) ?? 0) + 1);
    }
    const share = (v: Verdict) => count[v] / active.length;
    expect(share('eligible')).toBeGreaterThanOrEqual(0.6);
    expect(share('eligible')).toBeLessThanOrEqual(0.7);
    expect(share('attention')).toBeGreaterThanOrEqual(0.16);
    expect(share('attention')).toBeLessThanOrEqual(0.24);
    expect(share('ineligible')).toBeGreaterThanOrEqual(0.11);
    expect(share('ineligible')).toBeLessThanOrEqual(0.19);
    // Hard failures spread over every rule type; both kinds of soft failure appear.
    for (const rule of ['education', 'qualification', 'experience', 'initial-training', 'position', 'declaration', 'disqualification']) {
      expect(byRule.get(`${rule}/hard`) ?? 0).toBeGreaterThan(0);
    }
    expect(byRule.get('annual-training/soft') ?? 0).toBeGreaterThan(0);
    expect(byRule.get('position/soft') ?? 0).toBeGreaterThan(0);
    expect(byRule.get('term/hard')).toBeUndefined();
  });

  it('keeps training records within the ledger rules: 0.5 steps, at most 8 per day, before today', () => {
    const problems = new Problems();
    const certificates = new Set<string>();
    const employers = new Map<number, Set<number>>();
    for (const a of appointments) employers.set(a.personIndex, (employers.get(a.personIndex) ?? new Set()).add(a.enterpriseIndex));
    trainingRecords.forEach((t, i) => {
      const at = `training ${i}`;
      problems.check(at, 'category', TRAINING_CATEGORIES.includes(t.category));
      problems.check(at, 'source', t.source === 'enterprise' || t.source === 'provider');
      problems.check(at, 'dates', isDate(t.startDate) && isDate(t.endDate));
      problems.check(at, 'end_date >= start_date', t.endDate >= t.startDate);
      problems.check(at, 'before today', t.endDate < today);
      problems.check(at, 'hours > 0 in steps of 0.5', t.hours > 0 && Number.isInteger(t.hours * 2));
      problems.check(at, 'at most 8 hours a day', t.hours <= 8 * (day(t.endDate) - day(t.startDate) + 1));
      problems.check(at, 'course, provider varchar(200)', t.course.length > 0 && t.course.length <= 200 && t.provider.length > 0 && t.provider.length <= 200);
      const recorded = chinaDay(t.recordedAt);
      problems.check(at, 'recorded after the course, before today', recorded >= t.endDate && recorded < today);
      problems.check(at, 'unique certificate_no varchar(64)', t.certificateNo === null || (t.certificateNo.length <= 64 && !certificates.has(t.certificateNo)));
      if (t.certificateNo !== null) certificates.add(t.certificateNo);
      problems.check(at, 'enterprise the person served', t.enterpriseIndex === null || !!employers.get(t.personIndex)?.has(t.enterpriseIndex));
      if (i > 0) problems.check(at, 'ledger order', trainingRecords[i - 1].recordedAt.slice(0, 19) <= t.recordedAt.slice(0, 19));
    });
    expect(problems.list).toEqual([]);
    for (const category of TRAINING_CATEGORIES) expect(trainingRecords.some((t) => t.category === category)).toBe(true);
    expect(trainingRecords.some((t) => t.category === '第二类' && t.source === 'enterprise')).toBe(true);
    expect(trainingRecords.some((t) => t.category === '第二类' && t.source === 'provider')).toBe(true);
  });

  it('gives attention CQOs fewer continuing-education hours than eligible ones', () => {
    const year = Number(today.slice(0, 4)) - 1;
    const hoursOf = (a: DemoAppointment) =>
      (indexOf(data).training.get(a.personIndex) ?? [])
        .filter((t) => t.endDate.startsWith(`${year}-`) && t.category !== '任职培训' && t.category !== '组织培训活动')
        .reduce((s, t) => s + t.hours, 0);
    const mean = (rows: DemoAppointment[]) => rows.reduce((s, a) => s + hoursOf(a), 0) / rows.length;
    const judged = active.filter((a) => a.appointedOn < `${year}-01-01`);
    const eligible = judged.filter((a) => a.intent?.verdict === 'eligible');
    const short = judged.filter((a) => a.intent?.failures.includes('annual-training'));
    expect(short.length).toBeGreaterThan(20);
    expect(mean(short)).toBeLessThan(mean(eligible) - 10);
  });

  it('records violations at ~1% of enterprises, some disqualifying a CQO still in post', () => {
    const share = new Set(violations.map((v) => v.enterpriseIndex)).size / enterprises.length;
    expect(share).toBeGreaterThanOrEqual(0.006);
    expect(share).toBeLessThanOrEqual(0.02);
    for (const v of violations) {
      expect(VIOLATION_TYPES).toContain(v.type);
      expect(VIOLATION_SUBJECTS).toContain(v.subject);
      expect(VIOLATION_STATUSES).toContain(v.status);
      expect(v.subject === 'enterprise').toBe(v.personIndex === null);
      expect(v.subject === 'enterprise').toBe(v.appointmentIndex === null);
      if (v.appointmentIndex !== null) {
        const a = appointments[v.appointmentIndex];
        expect(a.personIndex).toBe(v.personIndex);
        expect(a.enterpriseIndex).toBe(v.enterpriseIndex);
        expect(v.occurredOn >= a.effectiveFrom).toBe(true);
      }
      expect(v.accidentLevel === null).toBe(v.type !== '较大以上质量安全事故');
      if (v.accidentLevel !== null) expect(ACCIDENT_LEVELS).toContain(v.accidentLevel);
      expect(isDate(v.occurredOn) && v.occurredOn < today).toBe(true);
      expect(v.sourceDocument).toMatch(/^(鄂[\u4e00-\u9fa5]+〔20\d\d〕\d+号|（20\d\d）鄂\d{4}[刑民]初\d+号)$/);
      expect(v.sourceDocument.length).toBeLessThanOrEqual(200);
      expect(['city', 'province']).toContain(v.recordedRole);
      expect(chinaDay(v.recordedAt) >= v.occurredOn && v.updatedAt >= v.recordedAt && chinaDay(v.updatedAt) < today).toBe(true);
      expect(v.statusNote === null).toBe(v.status === 'open');
      expect(v.version).toBeGreaterThanOrEqual(1);
    }
    for (const status of VIOLATION_STATUSES) expect(violations.some((v) => v.status === status)).toBe(true);
    expect(violations.some((v) => v.subject === 'enterprise')).toBe(true);
    expect(violations.some((v) => v.subject === 'cqo')).toBe(true);
    expect(violations.some((v) => v.subject === 'both')).toBe(true);

    const disqualifiedInPost = active.filter((a) => a.intent?.failures.includes('disqualification'));
    expect(disqualifiedInPost.length).toBeGreaterThanOrEqual(3);
    for (const a of disqualifiedInPost) {
      const hit = violations.find((v) => v.personIndex === a.personIndex && v.appointmentIndex === appointments.indexOf(a) && v.type !== '失信');
      expect(hit?.status).toBe('open');
    }
    const types = new Set(disqualifiedInPost.flatMap((a) => violations.filter((v) => v.personIndex === a.personIndex).map((v) => v.type)));
    expect(types.size).toBeGreaterThanOrEqual(2);
  });

  it('names the same person as the active CQO of two enterprises at least twice', () => {
    const enterprisesOf = new Map<number, Set<number>>();
    for (const a of active) enterprisesOf.set(a.personIndex, (enterprisesOf.get(a.personIndex) ?? new Set()).add(a.enterpriseIndex));
    const shared = [...enterprisesOf.values()].filter((s) => s.size >= 2);
    expect(shared.length).toBeGreaterThanOrEqual(2);
    expect([...enterprisesOf.values()].every((s) => s.size <= 2)).toBe(true);
  });

  it.each(['2024-02-29', '2026-01-02', '2026-12-31'])('builds the same kind of province on %s', (day) => {
    const some = generateDemoEnterprises({ regions, count: 1500, seed: 5, currentYear: Number(day.slice(0, 4)) });
    const d = generateDemoCqos({ enterprises: some, today: day, seed: 5 });
    const current = d.appointments.filter((a) => a.status === 'active');
    const wrong = current.filter((a) => a.termEnd < day || a.appointedOn > day || verdictOf(hubeiFailures(d, some, a, day)) !== a.intent?.verdict);
    expect(wrong).toEqual([]);
    const eligible = current.filter((a) => a.intent?.verdict === 'eligible').length / current.length;
    expect(eligible).toBeGreaterThan(0.55);
    expect(eligible).toBeLessThan(0.75);
    expect(d.appointments.every((a) => a.termEnd === termEnd(a.appointedOn) && (a.endedOn === null || a.endedOn <= day))).toBe(true);
  });

  it('still pins ent-1 and ent-2 in a tiny province, and scales to a big one', () => {
    const few = generateDemoEnterprises({ regions, count: 20, seed: 1, currentYear: 2025 });
    const fewPins = demoCqoPins(demoUserSpecs({ regions, enterprises: few, provinceCode: '420000' }));
    const small = generateDemoCqos({ enterprises: few, today, ...fewPins });
    expect(small.appointments.filter((a) => a.enterpriseIndex === fewPins.eligible[0] && a.status === 'active')).toHaveLength(1);
    expect(small.appointments.filter((a) => a.enterpriseIndex === fewPins.without[0])).toEqual([]);

    const many = generateDemoEnterprises({ regions, count: 20_000, seed: 3, currentYear: 2025 });
    const started = Date.now();
    const big = generateDemoCqos({ enterprises: many, today });
    // A guard against accidentally quadratic work, not a benchmark: 20k enterprises take ~1.5 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(new Set(big.persons.map((p) => `${p.name}/${p.phone}`)).size).toBe(big.persons.length);
  });
});

describe('seed:demo --years K: years of training history (SPEC §9)', () => {
  const regions = hubei();
  const today = '2025-11-20';
  const enterprises = generateDemoEnterprises({ regions, count: 1500, seed: 42, currentYear: 2025 });
  const pins = demoCqoPins(demoUserSpecs({ regions, enterprises, provinceCode: '420000' }));
  const courseYears = (historyYears?: number) =>
    [...new Set(generateDemoCqos({ enterprises, today, seed: 7, historyYears, ...pins }).trainingRecords.filter((t) => t.category !== '任职培训').map((t) => Number(t.endDate.slice(0, 4))))].sort();

  it('holds courses of the current year and the K − 1 before it, and no older', () => {
    expect(courseYears(2)).toEqual([2024, 2025]);
    expect(courseYears(3)).toEqual([2023, 2024, 2025]);
    expect(courseYears()).toEqual([2021, 2022, 2023, 2024, 2025]);
    expect(courseYears(5)).toEqual([2021, 2022, 2023, 2024, 2025]);
  });

  it('refuses fewer than 2 years (the yearly rule judges the last completed year)', () => {
    expect(() => generateDemoCqos({ enterprises, today, seed: 7, historyYears: 1, ...pins })).toThrow(/historyYears/);
  });
});
