import type {
  AccidentLevel,
  AnnualReportData,
  AppraisalDecision,
  AppraisalResult,
  PolicyProfile,
  ReportProgress,
  ReportStatus,
  SoftRuleHit,
  TrainingYearHours,
} from '@cqo/contracts';
import { defaultFilingSettings, inPostOn, isLate, softRuleHits, yearlyCompliance, type SoftRuleFacts } from '@cqo/policy';
import type { DemoCqoData } from './demo-cqo.generator';
import { dayOf, isoOf, randInt } from './demo-days';
import { mulberry32, pick, pickWeighted, type DemoEnterprise, type DemoRegion, type DemoUserSpec, type Rng, type Weighted, weights } from './demo-data.generator';

/**
 * Demo annual reporting (SPEC §2, §9 "filings in every state"): enterprise annual reports and city
 * reports for the last closed cycle and the one open on `today`, each with the state history that
 * got it there. Pure and deterministic like the other generators: the output depends only on its
 * inputs, the seed and `today`. The database ids of reports and users are the caller's business;
 * actors are named by demo username (null when no demo account acts for that enterprise or 市州).
 *
 * Calendar: the default filing settings of each year (window Nov 1, enterprise deadline Dec 15,
 * city deadline Dec 31). The current reporting year Y is the year whose window is open or most
 * recently closed on `today`; the previous one, P = Y − 1, is a closed cycle.
 */

export type DemoActorRole = 'enterprise' | 'city' | 'province';

export interface DemoReportEvent {
  from: ReportProgress;
  to: ReportStatus;
  /** ISO timestamp, China time. */
  at: string;
  /** Demo username of the actor, or null when no demo account acts there. */
  actor: string | null;
  actorRole: DemoActorRole;
  reason: string | null;
}

/** What an enterprise's and a city's report share: the cycle year, the state and how it got there. */
export interface DemoReportLifecycle {
  year: number;
  status: ReportStatus;
  /** The last submission (kept on a returned report: the one that was returned). */
  submittedAt: string | null;
  submittedBy: string | null;
  late: boolean;
  returnReason: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  events: DemoReportEvent[];
}

export interface DemoAnnualReport extends DemoReportLifecycle {
  enterpriseIndex: number;
  /** The 市州 the enterprise belongs to. */
  cityCode: string;
  data: AnnualReportData;
  /** The facts the soft rules were judged on (at the last submission; at the last save for a draft). */
  facts: SoftRuleFacts;
  /** Exactly softRuleHits(data, facts). */
  softHits: SoftRuleHit[];
  /** 上报说明: given whenever a submitted report has soft hits. */
  explanation: string | null;
}

export interface DemoCityReport extends DemoReportLifecycle {
  cityCode: string;
  narrative: string;
  /** Enterprise reports of the 市州 and year still awaiting review when the city submitted. */
  unreviewedAtSubmission: number | null;
}

export interface DemoFilings {
  /** P: the closed cycle. */
  previousYear: number;
  /** Y: the cycle open on `today`, or null when its window has not opened yet (then Y = P + 1 is skipped). */
  currentYear: number | null;
  /** Enterprises with an appointment active on each year's window opening (SPEC §7), by year. */
  expected: Record<number, number[]>;
  annualReports: DemoAnnualReport[];
  cityReports: DemoCityReport[];
}

export interface GenerateDemoFilingsOptions {
  regions: readonly DemoRegion[];
  provinceCode: string;
  enterprises: readonly DemoEnterprise[];
  cqos: Pick<DemoCqoData, 'appointments' | 'trainingRecords' | 'violations'>;
  users: readonly DemoUserSpec[];
  /** YYYY-MM-DD, China date: nothing is dated on or after it. */
  today: string;
  seed?: number;
  /** The profile whose yearly training rule feeds the training-short soft rule; null leaves it out. */
  profile?: PolicyProfile | null;
  /**
   * Reporting years covered (`seed:demo --years K`): the current reporting year and the K − 1
   * before it. The ones before P are closed cycles with a filing rate rising towards P's, so the
   * dashboard's trend has a history. At least 2 (P and Y); default 2.
   */
  years?: number;
}

const DEFAULT_SEED = 20221115;

/** Closed cycle P, over the enterprises expected to file. */
const PREVIOUS_MIX: readonly Weighted<Outcome>[] = weights({ accepted: 85, submitted: 5, returned: 3, draft: 2, none: 5 });
/**
 * Closed cycles before P: the share of expected enterprises that filed, by how many years before P
 * (1, 2, 3, then every older one). Filing took hold over the years (P itself is about 90%).
 */
const OLDER_FILED_SHARE: readonly number[] = [0.8, 0.66, 0.52, 0.4];
/** Of an older cycle's expected enterprises: returned and never resubmitted, a draft left behind. */
const OLDER_RETURNED_SHARE = 0.03;
const OLDER_DRAFT_SHARE = 0.02;
/** Of an older cycle's filed reports: never reviewed (still awaiting), and late. */
const OLDER_AWAITING_SHARE = 0.01;
const OLDER_LATE_SHARE = 0.1;

/**
 * The outcomes of a closed cycle `back` years before P for `n` expected enterprises, in quotas (not
 * drawn one by one), so that even a small demo province shows the rise year on year.
 */
function olderOutcomes(rng: Rng, back: number, n: number): Outcome[] {
  const filed = Math.round(n * OLDER_FILED_SHARE[Math.min(back, OLDER_FILED_SHARE.length) - 1]);
  const awaiting = Math.round(filed * OLDER_AWAITING_SHARE);
  const returned = Math.round(n * OLDER_RETURNED_SHARE);
  const draft = Math.round(n * OLDER_DRAFT_SHARE);
  const out: Outcome[] = [
    ...Array<Outcome>(filed - awaiting).fill('accepted'),
    ...Array<Outcome>(awaiting).fill('submitted'),
    ...Array<Outcome>(Math.min(returned, n - filed)).fill('returned'),
    ...Array<Outcome>(Math.max(0, Math.min(draft, n - filed - returned))).fill('draft'),
  ];
  while (out.length < n) out.push('none');
  return shuffle(rng, out.slice(0, n));
}

/** Share of P's accepted reports that came in after the deadline. */
const PREVIOUS_LATE_SHARE = 0.1;
/** Share of accepted reports that were returned once and resubmitted first. */
const BOUNCED_SHARE = 0.08;

/** Open cycle Y three weeks or more into the window, before the deadline. */
const CURRENT_MIX = { submitted: 30, accepted: 15, draft: 10, returned: 5 };
/** Open cycle Y after its deadline: most have filed, a few late. */
const CURRENT_MIX_OVERDUE = { submitted: 25, accepted: 45, draft: 6, returned: 4 };
const CURRENT_LATE_SHARE = 0.15;

type Outcome = ReportStatus | 'none';

// ---- days (whole days since 1970-01-01, UTC) -----------------------------------------------

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Office-hours timestamps (China time) for ascending days; events on one day keep their order. */
function stamps(rng: Rng, days: readonly number[]): string[] {
  let prevDay = -Infinity;
  let prevSec = 0;
  return days.map((day) => {
    if (day < prevDay) throw new Error('event days must ascend');
    const sec = day === prevDay ? prevSec + randInt(rng, 300, 2400) : randInt(rng, 8 * 3600, 17 * 3600);
    prevDay = day;
    prevSec = sec;
    return `${isoOf(day)}T${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}+08:00`;
  });
}

/** The China date of a timestamp made by `stamps`. */
const dayOfStamp = (ts: string) => ts.slice(0, 10);

// ---- report contents -------------------------------------------------------------------------

const APPRAISAL: readonly Weighted<AppraisalResult>[] = weights({ 优秀: 30, 称职: 55, 基本称职: 12, 不称职: 3 });

/** 万元 by size class: [low, high]. */
const FUND_RANGE: Readonly<Record<DemoEnterprise['sizeClass'], readonly [number, number]>> = {
  大型: [80, 500],
  中型: [15, 180],
  小型: [2, 45],
  微型: [0.5, 12],
};

const DUTY_SENTENCES: readonly ((rng: Rng) => string)[] = [
  (rng) => `本年度组织召开质量分析会 ${randInt(rng, 4, 24)} 次，对重点产品质量问题逐项跟踪整改。`,
  (rng) => `牵头修订质量管理制度 ${randInt(rng, 2, 12)} 项，完善了从原材料进厂到成品出厂的检验规程。`,
  (rng) => `推动开展 QC 小组活动 ${randInt(rng, 1, 15)} 个，其中 ${randInt(rng, 1, 3)} 个课题取得成果。`,
  (rng) => `产品一次交验合格率达到 ${randInt(rng, 950, 999) / 10}%，顾客投诉同比下降 ${randInt(rng, 5, 40)}%。`,
  (rng) => `组织内部质量管理体系审核 ${randInt(rng, 1, 4)} 次，关闭不符合项 ${randInt(rng, 3, 30)} 项。`,
  () => '对质量安全事项行使一票否决权，参与新产品开发、重大技术改造的质量评审。',
  (rng) => `组织开展“质量月”活动，参与员工 ${randInt(rng, 30, 1200)} 人次。`,
  () => '建立质量追溯台账，关键工序实现质量数据在线采集。',
];

const PLAN_SENTENCES: readonly string[] = [
  '存在问题：部分一线员工质量意识仍有待提高，质量数据分析手段较为薄弱。',
  '存在问题：供应商质量管理不够精细，来料不合格时有发生。',
  '存在问题：质量成本统计尚不完整，质量改进项目的效益难以量化。',
  '存在问题：检验检测设备老化，部分项目依赖外部送检。',
  '下一年度计划：推行卓越绩效管理模式，争创市级政府质量奖。',
  '下一年度计划：加强供应商分级管理，开展供应商现场审核。',
  '下一年度计划：完善首席质量官任职绩效考核制度，将质量指标纳入各部门考核。',
  '下一年度计划：建设质量数据平台，推进关键工序统计过程控制（SPC）。',
  '下一年度计划：组织全员质量培训，培养内审员和 QC 小组骨干。',
];

const HONOURS: readonly string[] = [
  '市级质量信得过班组',
  '省级 QC 小组活动优秀成果三等奖',
  '全国质量信得过班组',
  '市级“质量标杆”企业',
  '省级质量管理小组活动优秀企业',
  '县级质量工作先进单位',
];

const EXPLANATIONS: Readonly<Record<SoftRuleHit['id'], readonly string[]>> = {
  'no-appraisal-system': [
    '企业规模较小，首席质量官任职绩效考核制度正在制定中，计划于明年上半年发布实施。',
    '首席质量官由总经理兼任，本年度按公司高管统一考核，专项考核制度将于明年建立。',
  ],
  'zero-fund': [
    '本年度质量工作经费统一列入技术改造项目预算，未单独设立专项经费。',
    '受订单下滑影响，本年度未单列质量专项经费，相关支出在生产成本中列支。',
  ],
  'training-short': [
    '首席质量官本年度承担重点项目任务，部分继续教育课程已报名，将于年底前补齐学时。',
    '本年度省、市组织的培训班与生产旺季冲突，剩余学时将通过线上课程补足。',
  ],
  'accident-no-violation': [
    '所报事故为企业内部自查发现的一般质量事故，已自行整改，未被监管部门立案处理。',
    '事故已按规定向属地监管部门报告，处理结果尚未录入系统。',
  ],
};

const RETURN_REASONS: readonly string[] = [
  '履职情况填写过于简略，请补充本年度具体履职内容和成效。',
  '质量工作专项经费与企业规模明显不符，请核实后重新上报。',
  '上报说明未说明未建立考核制度的原因及计划，请补充。',
  '存在问题及下一年度工作计划过于笼统，请结合企业实际填写。',
  '报告的质量安全事故与监管记录不一致，请核实事故起数。',
];

const CITY_RETURN_REASONS: readonly string[] = [
  '推进情况中未说明迟报、未报企业的催报情况，请补充后重新报送。',
  '统计表与报告正文数据不一致，请核实后重新报送。',
];

function reportData(rng: Rng, e: DemoEnterprise, year: number, accidents: Record<AccidentLevel, number>, clean: boolean): AnnualReportData {
  const hasSystem = clean || rng() < (e.aboveSize ? 0.92 : 0.78);
  const result = hasSystem ? pickWeighted(rng, APPRAISAL) : null;
  const decision: AppraisalDecision | null = result === null ? null : result === '不称职' && rng() < 0.8 ? '解聘' : '留任';
  const [lo, hi] = FUND_RANGE[e.sizeClass];
  const fund = !clean && rng() < (e.aboveSize ? 0.02 : 0.06) ? 0 : Math.round((lo + rng() * (hi - lo)) * 100) / 100;
  const awards = e.awards.filter((a) => a.year === year).map((a) => `获${a.award}`);
  const honours = awards.length ? awards.join('；') : rng() < 0.2 ? pick(rng, HONOURS) : '';
  const duties = pickDistinct(rng, DUTY_SENTENCES, randInt(rng, 2, 4)).map((f) => f(rng));
  const problems = pick(rng, PLAN_SENTENCES.slice(0, 4));
  const plans = pickDistinct(rng, PLAN_SENTENCES.slice(4), randInt(rng, 1, 2));
  return {
    hasAppraisalSystem: hasSystem,
    appraisalResult: result,
    appraisalDecision: decision,
    qualityFund: fund,
    accidents: { ...accidents },
    honours,
    dutiesNarrative: duties.join(''),
    problemsAndPlans: [problems, ...plans].join(''),
  };
}

/** A draft: part of the form left unanswered. */
function draftOf(rng: Rng, data: AnnualReportData): AnnualReportData {
  const d = { ...data, accidents: { ...data.accidents } };
  if (rng() < 0.4) {
    d.hasAppraisalSystem = null;
    d.appraisalResult = null;
    d.appraisalDecision = null;
  }
  if (rng() < 0.5) d.qualityFund = null;
  if (rng() < 0.5) d.dutiesNarrative = '';
  if (rng() < 0.7) d.problemsAndPlans = '';
  return d;
}

function pickDistinct<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
  return out;
}

function explanationFor(rng: Rng, hits: readonly SoftRuleHit[]): string | null {
  return hits.length ? hits.map((h) => pick(rng, EXPLANATIONS[h.id])).join('') : null;
}

// ---- the generator ---------------------------------------------------------------------------

/** A report's path through the states, as days; null when it cannot fit before `today`. */
interface Timeline {
  outcome: ReportStatus;
  /** Ascending days of: first save, then each transition. */
  days: number[];
  /** The filer saves and submits; the reviewer (city, or province for a city report) decides. */
  steps: { from: ReportProgress; to: ReportStatus; who: 'filer' | 'reviewer' }[];
  /** Index into `days`/`steps` of the last submission, or -1. */
  lastSubmission: number;
}

/**
 * A report's lifecycle from its timeline, stamped `at`: the filer's steps by `filer`, the
 * reviewer's by `reviewer` (each a demo username, or null, with its role). A return draws its
 * reason from `reasons`; the last return's reason is the report's `returnReason`.
 */
function reportLifecycle(
  rng: Rng,
  t: Timeline,
  at: readonly string[],
  year: number,
  deadline: string,
  [filer, filerRole]: [string | null, DemoActorRole],
  [reviewer, reviewerRole]: [string | null, DemoActorRole],
  reasons: readonly string[],
): DemoReportLifecycle {
  const returnReason = t.outcome === 'returned' ? pick(rng, reasons) : null;
  const bounceReason = pick(rng, reasons);
  const events = t.steps.map((step, i) => ({
    from: step.from,
    to: step.to,
    at: at[i],
    actor: step.who === 'filer' ? filer : reviewer,
    actorRole: step.who === 'filer' ? filerRole : reviewerRole,
    reason: step.to === 'returned' ? (i === t.steps.length - 1 && returnReason ? returnReason : bounceReason) : null,
  }));
  const submittedAt = t.lastSubmission >= 0 ? at[t.lastSubmission] : null;
  const reviewed = t.outcome === 'accepted' || t.outcome === 'returned';
  return {
    year,
    status: t.outcome,
    submittedAt,
    submittedBy: submittedAt ? filer : null,
    late: submittedAt !== null && isLate(dayOfStamp(submittedAt), deadline),
    returnReason,
    reviewedAt: reviewed ? at[at.length - 1] : null,
    reviewedBy: reviewed ? reviewer : null,
    createdAt: at[0],
    updatedAt: at[at.length - 1],
    version: events.length,
    events,
  };
}

interface Calendar {
  open: number;
  deadline: number;
  /** Last day anything may be dated: the day before today. */
  last: number;
}

/**
 * The days of a report's path: saved as a draft, submitted (after a return, resubmitted), then
 * accepted or returned. Late submissions fall after the deadline; falls back to an earlier
 * outcome when there is not room before `today` for the one asked for.
 */
function timeline(rng: Rng, asked: ReportStatus, late: boolean, bounced: boolean, cal: Calendar, reviewWithin: number): Timeline | null {
  const { open, deadline, last } = cal;
  const draftOnly = (): Timeline | null => {
    if (last < open) return null;
    const created = randInt(rng, open, Math.min(last, deadline));
    return { outcome: 'draft', days: [created], steps: [{ from: 'not-started', to: 'draft', who: 'filer' }], lastSubmission: -1 };
  };
  if (asked === 'draft') return draftOnly();
  const reviewed = asked === 'accepted' || asked === 'returned';
  // Room after the final submission for a review.
  const tail = reviewed ? 1 : 0;
  const window = (isLate: boolean): [number, number] =>
    isLate ? [deadline + 1, Math.min(deadline + 40, last - tail)] : [open + 1, Math.min(deadline, last - tail)];
  let [lo, hi] = window(late);
  if (hi < lo) [lo, hi] = window(false);
  if (hi < lo) {
    if (reviewed) return timeline(rng, 'submitted', late, false, cal, reviewWithin);
    return draftOnly();
  }
  const final = randInt(rng, lo, hi);
  const days: number[] = [];
  const steps: Timeline['steps'] = [];
  // A bounce before the final submission: submitted, returned, resubmitted.
  const bounceReturn = final - randInt(rng, 1, 8);
  const firstSubmission = bounceReturn - randInt(rng, 1, 6);
  const doBounce = bounced && asked === 'accepted' && firstSubmission > open;
  const start = doBounce ? firstSubmission : final;
  days.push(Math.max(open, start - randInt(rng, 0, 12)));
  steps.push({ from: 'not-started', to: 'draft', who: 'filer' });
  if (doBounce) {
    days.push(firstSubmission, bounceReturn, final);
    steps.push(
      { from: 'draft', to: 'submitted', who: 'filer' },
      { from: 'submitted', to: 'returned', who: 'reviewer' },
      { from: 'returned', to: 'submitted', who: 'filer' },
    );
  } else {
    days.push(final);
    steps.push({ from: 'draft', to: 'submitted', who: 'filer' });
  }
  const lastSubmission = days.length - 1;
  if (reviewed) {
    days.push(Math.min(last, final + randInt(rng, 1, reviewWithin)));
    steps.push({ from: 'submitted', to: asked, who: 'reviewer' });
  }
  return { outcome: asked, days, steps, lastSubmission };
}

export function generateDemoFilings(opts: GenerateDemoFilingsOptions): DemoFilings {
  const { regions, provinceCode, enterprises, cqos, users, today } = opts;
  const todayDay = dayOf(today);
  const rng = mulberry32(opts.seed ?? DEFAULT_SEED);
  const thisYear = Number(today.slice(0, 4));
  const openThisYear = today >= defaultFilingSettings(thisYear).windowOpens;
  const currentYear = openThisYear ? thisYear : thisYear - 1;
  const previousYear = currentYear - 1;
  const span = opts.years ?? 2;
  if (!Number.isInteger(span) || span < 2) throw new Error('years must be a whole number of at least 2');
  /** Closed cycles before P, oldest first. */
  const olderYears = Array.from({ length: span - 2 }, (_, i) => previousYear - (span - 2) + i);
  // Y's window must have had a day before today for anything to be dated in it.
  const yearsToFill = [...olderYears, previousYear, ...(dayOf(defaultFilingSettings(currentYear).windowOpens) < todayDay ? [currentYear] : [])];

  // -- who is who
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const cityOf = (code: string): string => {
    let r = byCode.get(code);
    while (r && r.level > 2 && r.parentCode) r = byCode.get(r.parentCode);
    return r && r.level === 2 ? r.code : code;
  };
  const cities = regions.filter((r) => r.level === 2 && r.parentCode === provinceCode).map((r) => r.code).sort();
  const cityUser = new Map<string, string>();
  const enterpriseUser = new Map<number, string>();
  for (const u of users) {
    if (u.role === 'city' && u.regionCode) cityUser.set(u.regionCode, u.username);
    if (u.role === 'enterprise' && u.enterpriseIndex !== null) enterpriseUser.set(u.enterpriseIndex, u.username);
  }
  const provinceUser = users.find((u) => u.role === 'province')?.username ?? null;
  const ent1 = users.find((u) => u.username === 'ent-1')?.enterpriseIndex ?? null;
  const ent2 = users.find((u) => u.username === 'ent-2')?.enterpriseIndex ?? null;
  const enterpriseCity = enterprises.map((e) => cityOf(e.regionCode));

  // -- facts from the CQO data
  const appointmentsOf = new Map<number, DemoCqoData['appointments']>();
  for (const a of cqos.appointments) appointmentsOf.set(a.enterpriseIndex, [...(appointmentsOf.get(a.enterpriseIndex) ?? []), a]);
  /** The generated appointment in post on `iso` (SPEC §7, `inPostOn`: what `ACTIVE_ON` selects on the server). */
  const activeOn = (index: number, iso: string) => (appointmentsOf.get(index) ?? []).find((a) => inPostOn(a, iso)) ?? null;
  const violationsOf = new Map<number, DemoCqoData['violations']>();
  for (const v of cqos.violations) violationsOf.set(v.enterpriseIndex, [...(violationsOf.get(v.enterpriseIndex) ?? []), v]);
  const trainingOf = new Map<number, DemoCqoData['trainingRecords']>();
  for (const t of cqos.trainingRecords) trainingOf.set(t.personIndex, [...(trainingOf.get(t.personIndex) ?? []), t]);
  const profile = opts.profile ?? null;

  const violationsIn = (index: number, year: number) => (violationsOf.get(index) ?? []).filter((v) => v.occurredOn.startsWith(`${year}-`));
  /** Facts as the server would see them on `asOf` (the submission day, or the last save of a draft). */
  const factsFor = (index: number, year: number, asOf: string): SoftRuleFacts => {
    const violationsInYear = violationsIn(index, year).length;
    if (!profile) return { trainingShort: null, violationsInYear };
    const yearEnd = `${year}-12-31`;
    const cqo = activeOn(index, asOf < yearEnd ? asOf : yearEnd);
    if (!cqo) return { trainingShort: null, violationsInYear };
    const hours: TrainingYearHours = { initial: 0, firstCategory: 0, secondCategory: 0, activities: 0 };
    for (const t of trainingOf.get(cqo.personIndex) ?? []) {
      if (!t.endDate.startsWith(`${year}-`) || t.recordedAt.slice(0, 10) > asOf) continue;
      if (t.category === '任职培训') hours.initial += t.hours;
      else if (t.category === '继续教育(第一类)') hours.firstCategory += t.hours;
      else if (t.category === '第二类') hours.secondCategory += t.hours;
      else hours.activities += 1;
    }
    const c = yearlyCompliance(profile, { appointedOn: cqo.appointedOn, termEnd: cqo.termEnd }, year, hours);
    return {
      trainingShort: c.applicable && c.compliant === false ? { shortHours: c.shortHours, shortActivities: c.shortActivities } : null,
      violationsInYear,
    };
  };

  const expected: Record<number, number[]> = {};
  const annualReports: DemoAnnualReport[] = [];

  const addReport = (index: number, year: number, outcome: Outcome, opts2: { late?: boolean; bounced?: boolean; clean?: boolean } = {}) => {
    if (outcome === 'none') return;
    const s = defaultFilingSettings(year);
    const cal: Calendar = { open: dayOf(s.windowOpens), deadline: dayOf(s.enterpriseDeadline), last: todayDay - 1 };
    const t = timeline(rng, outcome, opts2.late ?? false, opts2.bounced ?? false, cal, year <= previousYear ? 20 : 6);
    if (!t) return;
    const e = enterprises[index];
    const accidents: Record<AccidentLevel, number> = { 一般: 0, 较大: 0, 重大: 0, 特别重大: 0 };
    for (const v of violationsIn(index, year)) if (v.accidentLevel) accidents[v.accidentLevel] += 1;
    const clean = opts2.clean ?? false;
    // Now and then an accident the regulator has no record of (a soft hit).
    if (!clean && rng() < 0.02) accidents[rng() < 0.85 ? '一般' : '较大'] += 1;
    const full = reportData(rng, e, year, accidents, clean);
    const data = t.outcome === 'draft' && !clean ? draftOf(rng, full) : full;
    const at = stamps(rng, t.days);
    const city = enterpriseCity[index];
    const filer = enterpriseUser.get(index) ?? null;
    const officer = cityUser.get(city) ?? null;
    const submittedAt = t.lastSubmission >= 0 ? at[t.lastSubmission] : null;
    const facts = factsFor(index, year, dayOfStamp(submittedAt ?? at[at.length - 1]));
    const softHits = softRuleHits(data, facts);
    const lifecycle = reportLifecycle(rng, t, at, year, s.enterpriseDeadline, [filer, 'enterprise'], [officer, 'city'], RETURN_REASONS);
    annualReports.push({
      enterpriseIndex: index,
      cityCode: city,
      data,
      facts,
      softHits,
      explanation: t.outcome === 'draft' ? null : explanationFor(rng, softHits),
      ...lifecycle,
    });
  };

  for (const year of yearsToFill) {
    const opens = defaultFilingSettings(year).windowOpens;
    const list = enterprises.map((_, i) => i).filter((i) => activeOn(i, opens) !== null);
    expected[year] = list;
    if (year < previousYear) {
      const outcomes = olderOutcomes(rng, previousYear - year, list.length);
      for (const [k, i] of list.entries()) {
        if (i === ent1) {
          addReport(i, year, 'accepted', { clean: true });
          continue;
        }
        const outcome = outcomes[k];
        addReport(i, year, outcome, { late: rng() < OLDER_LATE_SHARE, bounced: outcome === 'accepted' && rng() < BOUNCED_SHARE });
      }
    } else if (year === previousYear) {
      for (const i of list) {
        if (i === ent1) {
          addReport(i, year, 'accepted', { clean: true });
          continue;
        }
        const outcome = pickWeighted(rng, PREVIOUS_MIX);
        addReport(i, year, outcome, { late: rng() < PREVIOUS_LATE_SHARE, bounced: outcome === 'accepted' && rng() < BOUNCED_SHARE });
      }
    } else {
      const s = defaultFilingSettings(year);
      const overdue = today > s.enterpriseDeadline;
      // Filing builds up over the first three weeks of the window.
      const elapsed = todayDay - dayOf(s.windowOpens);
      const ramp = overdue ? 1 : Math.min(1, (elapsed + 1) / 21);
      const base = overdue ? CURRENT_MIX_OVERDUE : CURRENT_MIX;
      const mix: Weighted<Outcome>[] = [
        { value: 'submitted', weight: base.submitted * ramp },
        { value: 'accepted', weight: base.accepted * ramp * ramp },
        { value: 'returned', weight: base.returned * ramp * ramp },
        { value: 'draft', weight: base.draft },
      ];
      mix.push({ value: 'none', weight: 100 - mix.reduce((sum, m) => sum + m.weight, 0) });
      for (const i of list) {
        if (i === ent1 || i === ent2) continue;
        const outcome = pickWeighted(rng, mix);
        addReport(i, year, outcome, { late: overdue && rng() < CURRENT_LATE_SHARE, bounced: outcome === 'accepted' && rng() < BOUNCED_SHARE / 2 });
      }
      // The demo enterprise accounts: ent-1 has a complete draft to submit, ent-2 a report sent back.
      if (ent1 !== null) addReport(ent1, year, 'draft', { clean: true });
      if (ent2 !== null) addReport(ent2, year, 'returned');
    }
  }

  // -- city reports
  const reportsByCityYear = new Map<string, DemoAnnualReport[]>();
  for (const r of annualReports) {
    const key = `${r.cityCode}/${r.year}`;
    reportsByCityYear.set(key, [...(reportsByCityYear.get(key) ?? []), r]);
  }
  /** An enterprise report's state at a moment (its last event on or before it). */
  const stateAt = (r: DemoAnnualReport, ms: number): ReportProgress => {
    let state: ReportProgress = 'not-started';
    for (const ev of r.events) if (Date.parse(ev.at) <= ms) state = ev.to;
    return state;
  };
  const cityReports: DemoCityReport[] = [];
  const addCityReport = (city: string, year: number, outcome: Outcome, late: boolean, bounced: boolean) => {
    if (outcome === 'none') return;
    const s = defaultFilingSettings(year);
    const cal: Calendar = { open: dayOf(s.enterpriseDeadline) + 1, deadline: dayOf(s.cityDeadline), last: todayDay - 1 };
    const t = timeline(rng, outcome, late, bounced, cal, 25);
    if (!t) return;
    const at = stamps(rng, t.days);
    const author = cityUser.get(city) ?? null;
    const submittedAt = t.lastSubmission >= 0 ? at[t.lastSubmission] : null;
    const reports = reportsByCityYear.get(`${city}/${year}`) ?? [];
    const asOfMs = Date.parse(submittedAt ?? at[at.length - 1]);
    const states = reports.map((r) => stateAt(r, asOfMs));
    const expectedCount = (expected[year] ?? []).filter((i) => enterpriseCity[i] === city).length;
    const filed = states.filter((st) => st === 'submitted' || st === 'accepted').length;
    const accepted = states.filter((st) => st === 'accepted').length;
    const unreviewed = states.filter((st) => st === 'submitted').length;
    const name = byCode.get(city)?.name ?? city;
    const narrative = cityNarrative(rng, name, year, expectedCount, filed, accepted, t.outcome === 'draft');
    const lifecycle = reportLifecycle(rng, t, at, year, s.cityDeadline, [author, 'city'], [provinceUser, 'province'], CITY_RETURN_REASONS);
    cityReports.push({ cityCode: city, narrative, unreviewedAtSubmission: submittedAt ? unreviewed : null, ...lifecycle });
  };

  // Closed cycles before P: every 市州 reported and the province accepted it.
  for (const year of olderYears) for (const city of cities) addCityReport(city, year, 'accepted', rng() < 0.15, rng() < 0.1);
  // P: most 市州 accepted, one or two awaiting the province, one returned, one not started. The
  // demo city accounts see an accepted report (the first) and a returned one (the second).
  const pinned = cities.slice(0, 2);
  const others = shuffle(rng, cities.slice(2));
  const plan = new Map<string, Outcome>();
  if (pinned[0]) plan.set(pinned[0], 'accepted');
  if (pinned[1]) plan.set(pinned[1], 'returned');
  others.forEach((c, i) => plan.set(c, i === 0 ? 'none' : i <= (cities.length >= 10 ? 2 : 1) ? 'submitted' : 'accepted'));
  for (const city of cities) {
    const outcome = plan.get(city) ?? 'accepted';
    addCityReport(city, previousYear, outcome, outcome === 'accepted' && city !== pinned[0] && rng() < 0.15, outcome === 'accepted' && rng() < 0.1);
  }
  // Y: once the enterprise deadline has passed, the 市州 start on theirs.
  if (yearsToFill.includes(currentYear) && today > defaultFilingSettings(currentYear).enterpriseDeadline) {
    const overdue = today > defaultFilingSettings(currentYear).cityDeadline;
    const mix: readonly Weighted<Outcome>[] = overdue
      ? weights({ accepted: 45, submitted: 35, draft: 10, none: 10 })
      : weights({ submitted: 30, accepted: 10, draft: 25, none: 35 });
    for (const city of cities) addCityReport(city, currentYear, pickWeighted(rng, mix), overdue && rng() < 0.3, false);
  }

  return { previousYear, currentYear: yearsToFill.includes(currentYear) ? currentYear : null, expected, annualReports, cityReports };
}

function cityNarrative(rng: Rng, name: string, year: number, expected: number, filed: number, accepted: number, draft: boolean): string {
  const rate = expected > 0 ? `${Math.round((filed / expected) * 1000) / 10}%` : '—';
  const parts = [
    `${year} 年，${name}应报送首席质量官年度报告的企业 ${expected} 家，已报送 ${filed} 家（报送率 ${rate}），已受理 ${accepted} 家。`,
    pick(rng, [
      '我市将首席质量官制度纳入市政府质量工作考核，召开全市推进会，印发年度工作要点。',
      '市质强办会同各县市区逐户上门指导，帮助企业建立首席质量官任职绩效考核制度。',
      '依托“质量月”活动举办首席质量官专题培训班，覆盖重点企业首席质量官。',
    ]),
  ];
  if (!draft) {
    parts.push(
      pick(rng, [
        '对未按期报送的企业逐一电话催报，并在全市通报。',
        '对报告中未建立考核制度、专项经费为零的企业开展回访，督促整改。',
        '下一步将推动规上企业首席质量官全覆盖，提升报告质量。',
      ]),
    );
  }
  return parts.join('');
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
