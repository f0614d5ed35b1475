import type { CertificateStatus, CqoGrade, EvaluationApplicationRequest, EvaluationScheme, EvaluationStatus, ScoreMap, YearlyReviewRating } from '@cqo/contracts';
import { certificateNumber, certificateValidUntil, gradeSheet, SCORING_SCHEMES, type GradeResult, type ScoringScheme } from '@cqo/policy';
import type { DemoCqoData } from './demo-cqo.generator';
import { dayOf, isoOf, randInt } from './demo-days';
import { mulberry32, pick, pickWeighted, type DemoEnterprise, type DemoRegion, type DemoUserSpec, type Rng } from './demo-data.generator';

/**
 * Demo capability evaluation (issue 8, docs/evaluation.md): applications of demo CQOs in every
 * state of the workflow, the panel's sheets and reports, the certificates issued from them with
 * their status history, yearly reviews and a few talent-pool members. Pure and deterministic like
 * the other demo generators: the output depends only on its inputs, the seed and `today`.
 *
 * Every sheet and report is graded by the policy's `gradeSheet` (the function the panel, the
 * preview and `cqo grade` call), with the applied grade and the years of experience, so totals,
 * grades, reasons and experience caps are the real ones; an application only reaches `certified`
 * when its report carries a grade. Certificates are issued in earlier years only, numbered per
 * year in issue order, and the counter rows end at the last number used: a certificate issued
 * through the API this year is `…-<this year>-000001`.
 *
 * Applicants are the current CQOs (active appointment) of enterprises without a demo account,
 * fully eligible under the demo profile, serving one enterprise, without a violation: one in every
 * 市州 first, then in proportion to each 市州's CQOs. A small province (too few such CQOs to show
 * every state: under 72, i.e. the 60-enterprise province of the evaluation browser test) gets none.
 */

export interface DemoEvaluationEvent {
  /** ISO timestamp, China time. */
  at: string;
  /** Demo username, or null for the enterprise (most demo enterprises have no account). */
  actor: string | null;
  actorRole: 'enterprise' | 'evaluator';
  action: 'apply' | 'return' | 'resubmit' | 'accept' | 'panel' | 'sheet' | 'interview' | 'site_visit' | 'report' | 'certificate' | 'withdraw';
  from: EvaluationStatus | null;
  to: EvaluationStatus | null;
  note: string | null;
}

export interface DemoEvaluationSheet {
  username: string;
  scores: ScoreMap;
  comment: string | null;
  result: GradeResult;
  submittedAt: string;
}

/** An application as the enterprise filed it (`EvaluationApplicationRequest`), and how far it got. */
export interface DemoEvaluationApplication extends Omit<EvaluationApplicationRequest, 'statement'> {
  enterpriseIndex: number;
  personIndex: number;
  /** Index into `cqos.appointments`: the active appointment the enterprise applied for. */
  appointmentIndex: number;
  statement: string | null;
  status: EvaluationStatus;
  returnReasons: string | null;
  /** YYYY-MM-DD */
  interviewOn: string | null;
  interviewNotes: string | null;
  siteVisitOn: string | null;
  siteVisitNotes: string | null;
  /** The leader's consolidated sheet graded: set once reported. */
  report: GradeResult | null;
  reportScores: ScoreMap | null;
  reportConclusion: string | null;
  reportedAt: string | null;
  reportedBy: string | null;
  submittedAt: string;
  updatedAt: string;
  version: number;
  /** Leader first. */
  panel: { username: string; leader: boolean }[];
  sheets: DemoEvaluationSheet[];
  /** In the order they happened. */
  events: DemoEvaluationEvent[];
}

export interface DemoCertificateEvent {
  at: string;
  from: CertificateStatus | null;
  to: CertificateStatus;
  reason: string;
  actor: string | null;
}

export interface DemoYearlyReview {
  year: number;
  rating: YearlyReviewRating;
  summary: string;
  reviewedBy: string;
  reviewedAt: string;
}

export interface DemoCertificate {
  applicationIndex: number;
  personIndex: number;
  enterpriseIndex: number;
  number: string;
  year: number;
  seq: number;
  holderName: string;
  organisationName: string;
  scheme: EvaluationScheme;
  score: number;
  grade: CqoGrade;
  dimensions: Record<string, number>;
  issuingBody: string;
  issuedOn: string;
  validUntil: string;
  status: CertificateStatus;
  statusChangedOn: string;
  statusReason: string | null;
  issuedBy: string;
  createdAt: string;
  events: DemoCertificateEvent[];
  reviews: DemoYearlyReview[];
}

export interface DemoTalent {
  certificateIndex: number;
  personIndex: number;
  note: string | null;
  addedAt: string;
  addedBy: string;
}

export interface DemoEvaluationData {
  applications: DemoEvaluationApplication[];
  certificates: DemoCertificate[];
  talent: DemoTalent[];
  /** evaluation_cert_counter rows of the body: the last sequence number used in each year. */
  counters: { year: number; lastSeq: number }[];
}

export interface GenerateDemoEvaluationOptions {
  regions: readonly DemoRegion[];
  /** The evaluation body (认定主体) region: the province. */
  provinceCode: string;
  enterprises: readonly DemoEnterprise[];
  cqos: DemoCqoData;
  users: readonly DemoUserSpec[];
  /** YYYY-MM-DD (China): nothing is dated after it. */
  today: string;
  seed?: number;
  /** Printed on the certificates: the settings default `<省>首席质量官能力评价中心`. */
  issuingBody: string;
  /** Certificate validity in years (settings default 3). */
  validityYears?: number;
}

const DEFAULT_SEED = 20260801;
/** Applications: one per this many candidate CQOs, at most MAX; fewer than MIN → none. */
const CANDIDATES_PER_APPLICATION = 3;
const MAX_APPLICATIONS = 64;
const MIN_APPLICATIONS = 24;
const ZHEJIANG_SHARE = 0.2;

export const DEMO_EVALUATOR = 'evaluator';
export const DEMO_EVALUATOR_2 = 'evaluator-2';

/** Shares of the final states (of MAX_APPLICATIONS); `certified` takes the rest. */
type Plan =
  | { kind: 'submitted'; bounced: boolean }
  | { kind: 'returned' }
  | { kind: 'withdrawn' }
  | { kind: 'accepted' }
  | { kind: 'scoring'; stage: 0 | 1 | 2 | 3 }
  | { kind: 'reported'; graded: boolean }
  | { kind: 'certified'; year: number; fate: 'valid' | 'reinstated' | 'suspended' | 'revoked' | 'expired' };

const IN_PROGRESS: readonly [Plan['kind'], number][] = [
  ['submitted', 7],
  ['returned', 5],
  ['withdrawn', 2],
  ['accepted', 5],
  ['scoring', 8],
  ['reported', 7],
];

// ---- days ----------------------------------------------------------------------------------

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
/** The China day of a timestamp made here. */
export const dayOfStamp = (ts: string) => ts.slice(0, 10);

/** Office-hours timestamps (China time) for ascending days; events on one day keep their order. */
function stamps(rng: Rng, days: readonly number[]): string[] {
  let prevDay = -Infinity;
  let prevSec = 0;
  return days.map((day) => {
    if (day < prevDay) throw new Error('event days must ascend');
    const sec = day === prevDay ? prevSec + randInt(rng, 300, 1800) : randInt(rng, 8 * 3600 + 1800, 16 * 3600);
    prevDay = day;
    prevSec = sec;
    return `${isoOf(day)}T${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}+08:00`;
  });
}

/** An epoch-ms instant as a China-time ISO stamp. */
function chinaStamp(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// ---- sheets --------------------------------------------------------------------------------

type Target = CqoGrade | 'low-total' | 'low-dimension';

const RATIO: Record<Target, [number, number]> = {
  AAA: [0.37, 0.56],
  AAAA: [0.62, 0.77],
  AAAAA: [0.81, 0.93],
  'low-total': [0.17, 0.27],
  'low-dimension': [0.45, 0.62],
};

/** Integrity (诚信) is rarely where a CQO loses points: hunan's minimum for it is 50 of 80. */
const INTEGRITY = new Set(['8.2', '6.2']);
/** The dimension a `low-dimension` sheet falls short on (hunan 业绩, minimum 80). */
const WEAK = '8.5';

function clampTenths(v: number, max: number): number {
  return Math.min(max, Math.max(0, Math.round(v * 10) / 10));
}

/** A sheet around `ratio` of every indicator's maximum, whole points. */
function baseScores(rng: Rng, scheme: ScoringScheme, ratio: number, weak: string | null): ScoreMap {
  const scores: ScoreMap = {};
  for (const d of scheme.dimensions) {
    const r = d.id === weak ? 0.1 + rng() * 0.06 : INTEGRITY.has(d.id) ? Math.max(ratio, 0.72) + rng() * 0.12 : ratio;
    for (const i of d.indicators) scores[i.id] = Math.min(i.max, Math.max(0, Math.round(i.max * (r + (rng() - 0.5) * 0.14))));
  }
  return scores;
}

/** A panel member's sheet: the same picture, each indicator a little up or down. */
function memberScores(rng: Rng, scheme: ScoringScheme, base: ScoreMap): ScoreMap {
  const out: ScoreMap = {};
  for (const d of scheme.dimensions) for (const i of d.indicators) out[i.id] = Math.min(i.max, Math.max(0, Math.round(base[i.id] + (rng() - 0.5) * i.max * 0.08)));
  return out;
}

/** The leader's consolidated sheet: the members' mean, one decimal. */
function meanScores(scheme: ScoringScheme, sheets: readonly ScoreMap[]): ScoreMap {
  const out: ScoreMap = {};
  for (const d of scheme.dimensions) {
    for (const i of d.indicators) out[i.id] = clampTenths(sheets.reduce((s, m) => s + (m[i.id] ?? 0), 0) / sheets.length, i.max);
  }
  return out;
}

/** What the applicant claims: a little above the panel's picture. */
function selfScores(rng: Rng, scheme: ScoringScheme, base: ScoreMap): ScoreMap {
  const out: ScoreMap = {};
  for (const d of scheme.dimensions) for (const i of d.indicators) out[i.id] = Math.min(i.max, Math.round(base[i.id] * (1.03 + rng() * 0.12)));
  return out;
}

interface Scored {
  base: ScoreMap;
  members: ScoreMap[];
  consolidated: ScoreMap;
  result: GradeResult;
}

/**
 * Draws sheets around `target`'s share of the points until the consolidated one grades `expect`
 * (the grade stored is always gradeSheet's, whatever the draws give).
 */
function scoreFor(
  rng: Rng,
  scheme: ScoringScheme,
  target: Target,
  expect: CqoGrade | null,
  sheet: { applied: CqoGrade; experienceYears: number; hasCertificate: boolean },
  panelSize: number,
): Scored {
  let last: Scored | null = null;
  for (let attempt = 0; attempt < 60; attempt++) {
    const [lo, hi] = RATIO[target];
    const base = baseScores(rng, scheme, lo + rng() * (hi - lo), target === 'low-dimension' && scheme.name === 'hunan' ? WEAK : null);
    const members = Array.from({ length: panelSize }, () => memberScores(rng, scheme, base));
    const consolidated = meanScores(scheme, members);
    const result = gradeSheet(scheme, { scores: consolidated, ...sheet });
    last = { base, members, consolidated, result };
    if (result.grade === expect) return last;
  }
  return last!;
}

// ---- texts ---------------------------------------------------------------------------------

const STATEMENTS = [
  '任职以来主持建立并持续改进企业质量管理体系，组织开展质量改进项目，主要产品一次交检合格率稳步提升。',
  '牵头推行卓越绩效管理模式，建立质量成本统计分析制度，近三年质量损失率明显下降。',
  '负责企业质量战略制定和质量目标分解，推动数字化质量管控平台建设，参与多项团体标准制定。',
  '组织开展 QC 小组和质量攻关活动，培养内部审核员和质量骨干，顾客满意度持续提高。',
  '主导供应商质量管理体系建设，推动产业链上下游质量协同提升，企业获评市州政府质量奖。',
];

const RETURN_REASONS = [
  '推荐意见未加盖单位公章，请补充完善后重新提交。',
  '申请报告中近三年质量工作业绩缺少证实性材料（如项目验收报告、获奖证书），请补充上传。',
  '申报的相关工作经验年限与任职备案信息不一致，请核实后更正。',
  '自评得分缺少对应的说明材料，请逐项补充自评依据。',
  '学历、职称证明材料不清晰，请重新上传扫描件。',
];

const INTERVIEW_NOTES = [
  '面试答辩：陈述任职以来质量工作业绩并回答评价组提问，思路清晰，案例具体。',
  '面试答辩：围绕质量战略、风险管理和质量改进案例答辩，回答较为完整。',
  '面试答辩：介绍质量管理体系运行和质量攻关成果，部分问题回答不够深入。',
];

const SITE_VISIT_NOTES = [
  '现场验证：查阅质量管理体系文件、质量改进项目记录和质量例会纪要，与申请材料相符。',
  '现场验证：走访生产现场和检验室，抽查质量追溯记录，业绩材料属实。',
];

const SHEET_COMMENTS = [
  '申请材料翔实，业绩突出，面试表现良好。',
  '质量管理实践经验丰富，创新成果有待进一步总结提炼。',
  '质量意识和诚信表现良好，知识运用较为扎实。',
  null,
];

const REVIEW_SUMMARIES: Record<YearlyReviewRating, string> = {
  优秀: '全年认真履行首席质量官职责，牵头完成质量提升项目，企业质量绩效显著提高。',
  合格: '能够履行首席质量官职责，按要求参加继续教育，企业质量管理工作平稳有序。',
  基本合格: '基本履行首席质量官职责，质量改进工作推进较慢，需加强质量数据分析。',
  不合格: '年度履职情况较差，企业发生产品质量问题后未及时组织整改，责令限期改正。',
};

// ---- the generator -------------------------------------------------------------------------

interface Candidate {
  appointmentIndex: number;
  enterpriseIndex: number;
  personIndex: number;
  cityCode: string;
  /** Day the appointment was filed: nothing of this person's evaluation comes before it. */
  filedDay: number;
  years: number;
  hasCertificate: boolean;
}

function cityOfFn(regions: readonly DemoRegion[]): (code: string) => string {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  return (code) => {
    let r = byCode.get(code);
    while (r && r.level > 2 && r.parentCode) r = byCode.get(r.parentCode);
    return r?.code ?? code;
  };
}

/** The grades a candidate may apply for (001 5.2, as gradeSheet reads it: the 5.1.4 certificate for every grade). */
function allowedGrades(c: Pick<Candidate, 'years' | 'hasCertificate'>): CqoGrade[] {
  const out: CqoGrade[] = [];
  if (!c.hasCertificate) return out;
  if (c.years >= 2) out.push('AAA');
  if (c.years >= 4) out.push('AAAA');
  if (c.years >= 8) out.push('AAAAA');
  return out;
}

/** Candidates in a 市州-spread order: the first of each 市州, then the rest in random order. */
function candidates(opts: GenerateDemoEvaluationOptions, rng: Rng): Candidate[] {
  const { enterprises, cqos, users } = opts;
  const cityOf = cityOfFn(opts.regions);
  const withAccount = new Set(users.filter((u) => u.enterpriseIndex !== null).map((u) => u.enterpriseIndex));
  const activeByPerson = new Map<number, number>();
  for (const a of cqos.appointments) if (a.status === 'active') activeByPerson.set(a.personIndex, (activeByPerson.get(a.personIndex) ?? 0) + 1);
  const violators = new Set(cqos.violations.filter((v) => v.personIndex !== null).map((v) => v.personIndex));
  const list: Candidate[] = [];
  cqos.appointments.forEach((a, i) => {
    if (a.status !== 'active' || a.intent?.verdict !== 'eligible') return;
    if (withAccount.has(a.enterpriseIndex) || activeByPerson.get(a.personIndex) !== 1 || violators.has(a.personIndex)) return;
    list.push({
      appointmentIndex: i,
      enterpriseIndex: a.enterpriseIndex,
      personIndex: a.personIndex,
      cityCode: cityOf(enterprises[a.enterpriseIndex].regionCode),
      filedDay: dayOf(a.filedAt.slice(0, 10)),
      years: a.yearsInQuality,
      hasCertificate: a.initialTrainingCertNo !== null,
    });
  });
  // One of every 市州 first, then the rest shuffled: bigger 市州 (more CQOs) get more.
  const shuffled = shuffle(rng, list);
  const seen = new Set<string>();
  const firsts = shuffled.filter((c) => !seen.has(c.cityCode) && seen.add(c.cityCode));
  return [...firsts, ...shuffled.filter((c) => !firsts.includes(c))];
}

/** The final states for `n` applications: every in-progress state at least once, the rest certified. */
function plans(rng: Rng, n: number, year: number): Plan[] {
  const out: Plan[] = [];
  for (const [kind, weight] of IN_PROGRESS) {
    const k = Math.max(kind === 'withdrawn' ? 1 : 2, Math.round((n * weight) / MAX_APPLICATIONS));
    for (let i = 0; i < k; i++) {
      if (kind === 'submitted') out.push({ kind, bounced: i % 3 === 1 });
      else if (kind === 'scoring') out.push({ kind, stage: (i % 4) as 0 | 1 | 2 | 3 });
      else if (kind === 'reported') out.push({ kind, graded: i % 3 === 0 });
      else out.push({ kind } as Plan);
    }
  }
  const certified = n - out.length;
  // Fates: a couple expired (issued four years ago), a few suspended/revoked, one reinstated, the rest valid.
  const fates: Extract<Plan, { kind: 'certified' }>['fate'][] = ['expired', 'suspended', 'revoked', 'reinstated', 'expired', 'suspended'];
  for (let i = 0; i < certified; i++) {
    const fate = i < fates.length && certified >= 12 ? fates[i] : i < 3 ? (['expired', 'suspended', 'revoked'] as const)[i] : 'valid';
    const y = fate === 'expired' ? year - 4 : rng() < 0.45 ? year - 2 : year - 1;
    out.push({ kind: 'certified', year: y, fate });
  }
  return out;
}

export function generateDemoEvaluation(opts: GenerateDemoEvaluationOptions): DemoEvaluationData {
  const empty: DemoEvaluationData = { applications: [], certificates: [], talent: [], counters: [] };
  const rng = mulberry32(opts.seed ?? DEFAULT_SEED);
  const pool = candidates(opts, rng);
  const n = Math.min(MAX_APPLICATIONS, Math.floor(pool.length / CANDIDATES_PER_APPLICATION));
  const evaluators = opts.users.filter((u) => u.role === 'evaluator' && u.regionCode === opts.provinceCode).map((u) => u.username);
  if (n < MIN_APPLICATIONS || !evaluators.includes(DEMO_EVALUATOR) || evaluators.length < 2) return empty;
  const second = evaluators.find((u) => u !== DEMO_EVALUATOR)!;
  const province = opts.users.find((u) => u.role === 'province')?.username ?? null;
  const today = dayOf(opts.today);
  const year = Number(opts.today.slice(0, 4));
  const validity = opts.validityYears ?? 3;

  const applications: DemoEvaluationApplication[] = [];
  const issued: { app: number; day: number; at: string; plan: Extract<Plan, { kind: 'certified' }> }[] = [];
  const used = new Set<number>();
  let caps = 0;

  const planned = plans(rng, n, year);
  const rank = (p: Plan) => (p.kind === 'certified' ? p.year : year + 1);
  planned.sort((a, b) => rank(a) - rank(b));
  for (const plan of planned) {
    const scheme: EvaluationScheme = rng() < ZHEJIANG_SHARE ? 'zhejiang' : 'hunan';
    const definition = SCORING_SCHEMES[scheme];
    // Step gaps in days, from the application on; what the plan needs decides how many are used.
    const gaps = {
      bounce: randInt(rng, 3, 8),
      resubmit: randInt(rng, 4, 15),
      accept: randInt(rng, 3, 9),
      panel: randInt(rng, 2, 7),
      sheet1: randInt(rng, 6, 15),
      sheet2: randInt(rng, 1, 6),
      interview: randInt(rng, 2, 8),
      visit: randInt(rng, 1, 5),
      report: randInt(rng, 2, 7),
      certificate: randInt(rng, 3, 10),
    };
    const certified = plan.kind === 'certified';
    const bounced = (plan.kind === 'submitted' && plan.bounced) || (certified && rng() < 0.2) || plan.kind === 'returned';
    const reachesScoring = plan.kind === 'scoring' || plan.kind === 'reported' || certified;
    const stage = plan.kind === 'scoring' ? plan.stage : reachesScoring ? 3 : -1;
    const siteVisit = stage === 3 && rng() < 0.5;
    // Day offsets of each step after the application.
    let t = 0;
    const at: Partial<Record<'return' | 'resubmit' | 'accept' | 'panel' | 'sheet1' | 'sheet2' | 'interview' | 'visit' | 'report' | 'certificate' | 'withdraw', number>> = {};
    if (bounced) {
      at.return = t += gaps.bounce;
      if (plan.kind !== 'returned') at.resubmit = t += gaps.resubmit;
    }
    if (plan.kind === 'withdrawn') at.withdraw = t += randInt(rng, 3, 12);
    if (plan.kind === 'accepted' || reachesScoring) at.accept = t += gaps.accept;
    if (reachesScoring) at.panel = t += gaps.panel;
    if (stage >= 1) at.sheet1 = t += gaps.sheet1;
    if (stage >= 2) at.sheet2 = t += gaps.sheet2;
    if (stage >= 3) at.interview = t += gaps.interview;
    if (siteVisit) at.visit = t += gaps.visit;
    if (plan.kind === 'reported' || certified) at.report = t += gaps.report;
    if (certified) at.certificate = t += gaps.certificate;

    // Place the timeline: certificates in their planned year, everything else in the last months.
    let start: number;
    if (certified) {
      const from = dayOf(`${plan.year}-02-01`);
      const to = Math.min(dayOf(`${plan.year}-12-20`), today - 1);
      start = randInt(rng, from, to) - t;
    } else {
      start = today - randInt(rng, 1, 20) - t;
    }
    // The applicant: the next candidate (in 市州-spread order) already filed as CQO by then.
    const ci = pool.findIndex((c, i) => !used.has(i) && c.filedDay + 20 <= start && allowedGrades(c).length > 0);
    if (ci < 0) continue;
    used.add(ci);
    const c = pool[ci];
    const appointment = opts.cqos.appointments[c.appointmentIndex];
    const enterprise = opts.enterprises[c.enterpriseIndex];

    // What they apply for and what the panel finds: mostly the grade their experience allows.
    const allowed = allowedGrades(c);
    let target: Target = pickWeighted(rng, [
      { value: 'AAA' as CqoGrade, weight: 3 },
      { value: 'AAAA' as CqoGrade, weight: 5 },
      { value: 'AAAAA' as CqoGrade, weight: 2 },
    ].filter((g) => allowed.includes(g.value)));
    if (plan.kind === 'reported' && !plan.graded) target = scheme === 'hunan' && rng() < 0.5 ? 'low-dimension' : 'low-total';
    let applied: CqoGrade = target === 'low-total' || target === 'low-dimension' ? pick(rng, allowed) : target;
    // A few with under 8 years apply for AAAAA and score like it: the cap (001 5.2) brings them to AAAA.
    let capped = false;
    if (target === 'AAAA' && c.years < 8 && reachesScoring && caps < 3) {
      applied = 'AAAAA';
      capped = true;
      caps++;
    }
    const sheetInfo = { applied, experienceYears: c.years, hasCertificate: c.hasCertificate };
    // The demo evaluator leads most panels (all those ready for the report), evaluator-2 some.
    const leaderFirst = stage === 3 && plan.kind === 'scoring' ? true : rng() < 0.8;
    const panel = [
      { username: leaderFirst ? DEMO_EVALUATOR : second, leader: true },
      { username: leaderFirst ? second : DEMO_EVALUATOR, leader: false },
    ];
    const expect: CqoGrade | null = target === 'low-total' || target === 'low-dimension' ? null : target;
    const scored = scoreFor(rng, definition, capped ? 'AAAAA' : target, expect, sheetInfo, panel.length);
    const self = selfScores(rng, definition, scored.base);

    const days = [start, ...Object.values(at).map((o) => start + o)].sort((a, b) => a - b);
    const ts = stamps(rng, days);
    const stampOf = (offset: number | undefined): string => ts[days.indexOf(start + (offset ?? 0))] ?? ts[0];
    const events: DemoEvaluationEvent[] = [];
    const ev = (offset: number | undefined, e: Omit<DemoEvaluationEvent, 'at'>) => events.push({ at: stampOf(offset), ...e });
    let version = 1;
    let status: EvaluationStatus = 'submitted';
    const move = (to: EvaluationStatus) => {
      const from = status;
      status = to;
      version++;
      return from;
    };
    const returnReasons = bounced ? pick(rng, RETURN_REASONS) : null;
    const ev_ = (u: string) => ({ actor: u, actorRole: 'evaluator' as const });

    ev(0, { actor: null, actorRole: 'enterprise', action: 'apply', from: null, to: 'submitted', note: null });
    if (at.return !== undefined) ev(at.return, { ...ev_(DEMO_EVALUATOR), action: 'return', from: move('returned'), to: 'returned', note: returnReasons });
    if (at.resubmit !== undefined) ev(at.resubmit, { actor: null, actorRole: 'enterprise', action: 'resubmit', from: move('submitted'), to: 'submitted', note: null });
    if (at.withdraw !== undefined) ev(at.withdraw, { actor: null, actorRole: 'enterprise', action: 'withdraw', from: move('withdrawn'), to: 'withdrawn', note: null });
    if (at.accept !== undefined) ev(at.accept, { ...ev_(DEMO_EVALUATOR), action: 'accept', from: move('accepted'), to: 'accepted', note: '材料齐全，予以受理' });
    if (at.panel !== undefined) ev(at.panel, { ...ev_(DEMO_EVALUATOR), action: 'panel', from: move('scoring'), to: 'scoring', note: null });

    // Sheets: stage 1 one member (the leader, or the other member every other time), stage ≥ 2 both.
    const sheets: DemoEvaluationSheet[] = [];
    const order = stage === 1 && rng() < 0.5 ? [1, 0] : [0, 1];
    (['sheet1', 'sheet2'] as const).forEach((key, k) => {
      const offset = at[key];
      if (offset === undefined) return;
      const member = panel[order[k]];
      const scores = scored.members[order[k]];
      sheets.push({
        username: member.username,
        scores,
        comment: pick(rng, SHEET_COMMENTS),
        result: gradeSheet(definition, { scores, ...sheetInfo }),
        submittedAt: stampOf(offset),
      });
      ev(offset, { ...ev_(member.username), action: 'sheet', from: 'scoring', to: null, note: null });
    });
    const interviewNotes = at.interview !== undefined ? pick(rng, INTERVIEW_NOTES) : null;
    if (at.interview !== undefined) ev(at.interview, { ...ev_(panel[0].username), action: 'interview', from: 'scoring', to: null, note: `${isoOf(start + at.interview)} ${interviewNotes}` });
    const visitNotes = at.visit !== undefined ? pick(rng, SITE_VISIT_NOTES) : null;
    if (at.visit !== undefined) ev(at.visit, { ...ev_(panel[1].username), action: 'site_visit', from: 'scoring', to: null, note: `${isoOf(start + at.visit)} ${visitNotes}` });
    const reported = at.report !== undefined;
    const report = reported ? scored.result : null;
    if (reported) ev(at.report, { ...ev_(panel[0].username), action: 'report', from: move('reported'), to: 'reported', note: scored.result.reasons.join('；') });
    // Only a graded report gets a certificate (the service refuses otherwise).
    const issues = certified && report?.grade != null;
    if (issues) {
      move('certified');
      issued.push({ app: applications.length, day: start + at.certificate!, at: stampOf(at.certificate), plan: plan as Extract<Plan, { kind: 'certified' }> });
      // The certificate event's note (the number) is filled in below, once numbers are given.
      ev(at.certificate, { ...ev_(DEMO_EVALUATOR), action: 'certificate', from: 'reported', to: 'certified', note: null });
    }

    applications.push({
      enterpriseIndex: c.enterpriseIndex,
      personIndex: c.personIndex,
      appointmentIndex: c.appointmentIndex,
      scheme,
      appliedGrade: applied,
      experienceYears: c.years,
      hasCertificate: c.hasCertificate,
      selfAssessment: self,
      statement: pick(rng, STATEMENTS),
      recommendation: `经${enterprise.name}研究，同意推荐${appointment.name}同志参加首席质量官能力等级认定。`,
      status,
      returnReasons,
      interviewOn: at.interview !== undefined ? isoOf(start + at.interview) : null,
      interviewNotes,
      siteVisitOn: at.visit !== undefined ? isoOf(start + at.visit) : null,
      siteVisitNotes: visitNotes,
      report,
      reportScores: reported ? scored.consolidated : null,
      reportConclusion: reported
        ? report?.grade
          ? `经评价组综合评定，${appointment.name}同志首席质量官能力等级认定为 ${report.grade} 级。`
          : `经评价组综合评定，${appointment.name}同志未达到首席质量官能力等级认定要求。`
        : null,
      reportedAt: reported ? stampOf(at.report) : null,
      reportedBy: reported ? panel[0].username : null,
      submittedAt: stampOf(at.resubmit ?? 0),
      updatedAt: events[events.length - 1].at,
      version,
      panel: reachesScoring ? panel : [],
      sheets,
      events,
    });
  }

  // Certificates: numbered per year in issue order.
  issued.sort((a, b) => a.day - b.day || a.app - b.app);
  const counters = new Map<number, number>();
  const certificates: DemoCertificate[] = issued.map(({ app, day, at, plan }) => {
    const a = applications[app];
    const issuedOn = isoOf(day);
    const certYear = Number(issuedOn.slice(0, 4));
    const seq = (counters.get(certYear) ?? 0) + 1;
    counters.set(certYear, seq);
    const number = certificateNumber(opts.provinceCode, certYear, seq);
    a.events[a.events.length - 1].note = number;
    const report = a.report!;
    const validUntil = certificateValidUntil(issuedOn, validity);
    const events: DemoCertificateEvent[] = [{ at, from: null, to: 'valid', reason: `依据认定报告颁发（${report.grade}，${report.total} 分）`, actor: DEMO_EVALUATOR }];
    const reviews: DemoYearlyReview[] = [];
    let status: CertificateStatus = 'valid';
    let statusChangedOn = issuedOn;
    let statusReason: string | null = null;
    const change = (on: number, to: CertificateStatus, reason: string, actor: string | null) => {
      let stamp = actor === null ? `${isoOf(on)}T02:30:00+08:00` : stamps(rng, [on])[0];
      const prev = events[events.length - 1].at;
      if (Date.parse(stamp) <= Date.parse(prev)) stamp = chinaStamp(Date.parse(prev) + randInt(rng, 10, 90) * 60_000);
      events.push({ at: stamp, from: status, to, reason, actor });
      status = to;
      statusChangedOn = isoOf(on);
      statusReason = reason;
    };
    const review = (y: number, rating: YearlyReviewRating): number => {
      const on = Math.min(dayOf(`${y + 1}-01-10`) + randInt(rng, 0, 60), today);
      reviews.push({ year: y, rating, summary: REVIEW_SUMMARIES[rating], reviewedBy: DEMO_EVALUATOR, reviewedAt: stamps(rng, [on])[0] });
      return on;
    };
    const lastYear = year - 1;
    if (plan.fate === 'expired' || dayOf(validUntil) < today) {
      change(dayOf(validUntil) + 1, 'expired', `证书有效期至 ${validUntil}，到期失效`, null);
    } else if (plan.fate === 'suspended' && certYear < year) {
      // 001 §11: the yearly review found the holder failing; the body suspends the certificate.
      const on = review(lastYear, '不合格');
      change(Math.min(on + randInt(rng, 3, 15), today), 'suspended', `${lastYear} 年度履职评价不合格，暂停证书，责令限期整改`, DEMO_EVALUATOR);
    } else if (plan.fate === 'revoked') {
      change(Math.max(day + 1, Math.min(day + randInt(rng, 120, 300), today)), 'revoked', '经核查，申请材料中业绩证明存在弄虚作假，声明证书作废（001 §11）', DEMO_EVALUATOR);
    } else if (plan.fate === 'reinstated') {
      const from = Math.max(day + 1, Math.min(day + randInt(rng, 90, 200), today - 40));
      change(from, 'suspended', '企业发生产品质量投诉，待核查履职情况，暂停证书', DEMO_EVALUATOR);
      change(Math.max(from, Math.min(from + randInt(rng, 20, 35), today)), 'valid', '经核查，首席质量官已依规履职，恢复证书', DEMO_EVALUATOR);
    } else if (certYear < lastYear && rng() < 0.6) {
      // Yearly reviews of the completed years (a few certificates only).
      for (let y = certYear; y <= lastYear; y++) review(y, pickWeighted(rng, [{ value: '优秀' as const, weight: 2 }, { value: '合格' as const, weight: 6 }, { value: '基本合格' as const, weight: 1 }]));
    }
    return {
      applicationIndex: app,
      personIndex: a.personIndex,
      enterpriseIndex: a.enterpriseIndex,
      number,
      year: certYear,
      seq,
      holderName: opts.cqos.persons[a.personIndex].name,
      organisationName: opts.enterprises[a.enterpriseIndex].name,
      scheme: a.scheme,
      score: report.total,
      grade: report.grade!,
      dimensions: report.dimensions,
      issuingBody: opts.issuingBody,
      issuedOn,
      validUntil,
      status,
      statusChangedOn,
      statusReason,
      issuedBy: DEMO_EVALUATOR,
      createdAt: at,
      events,
      reviews,
    };
  });

  // The talent pool: a few holders of valid AAAAA / AAAA certificates, added by the province.
  const talent: DemoTalent[] = [];
  if (province) {
    const ranked = certificates
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.status === 'valid' && c.grade !== 'AAA')
      .sort((x, y) => (x.c.grade === y.c.grade ? y.c.score - x.c.score : x.c.grade === 'AAAAA' ? -1 : 1));
    for (const { c, i } of ranked.slice(0, Math.max(2, Math.round(certificates.length / 8)))) {
      const on = Math.min(dayOf(c.issuedOn) + randInt(rng, 30, 120), today);
      talent.push({ certificateIndex: i, personIndex: c.personIndex, note: `${c.grade} 级，${c.score} 分，入选省级首席质量官人才库`, addedAt: stamps(rng, [on])[0], addedBy: province });
    }
  }

  return {
    applications,
    certificates,
    talent,
    counters: [...counters.entries()].sort((a, b) => a[0] - b[0]).map(([y, lastSeq]) => ({ year: y, lastSeq })),
  };
}
