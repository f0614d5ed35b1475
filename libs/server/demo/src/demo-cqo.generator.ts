import type { AccidentLevel, AppointmentStatus, EducationLevel, FilingType, Gender, PositionLevel, QualificationLevel, QualificationType, TrainingCategory, Verdict, ViolationStatus, ViolationSubject, ViolationType } from '@cqo/contracts';
import { addYears, termEndFor } from '@cqo/policy';
import type { NewAppointment } from '@cqo/server-eligibility';
import type { NewLedgerRecord } from '@cqo/server-training';
import { DAY_MS, dayOf, isoOf, randInt } from './demo-days';
import { mulberry32, pick, pickWeighted, type DemoEnterprise, type DemoUserSpec, type Rng, type Weighted, weights } from './demo-data.generator';

/**
 * Demo CQOs for generated enterprises (SPEC §9: "CQOs of varied eligibility, training, …
 * violations"): the people, their appointments with history, their training ledger and the
 * violations recorded against enterprises and CQOs. Pure and deterministic like the enterprise
 * generator: the output depends only on the enterprises, the seed and `today`.
 *
 * The data is shaped for the hubei-2021 profile (004 二(二), 三(一)(二)); each active appointment
 * carries the verdict the generator meant it to get (`intent`), and the unit tests hold the data to
 * it with their own reading of the rules.
 */

/** The declarations (承诺) the hubei-2021 profile asks for (libs/policy). */
export const DEMO_DECLARATIONS: readonly string[] = ['love-quality', 'ethics', 'competence', 'no-disqualification'];

/** Rules the generator can make an active appointment fail on purpose (RuleKind ids). */
export type DemoFailure =
  | 'education'
  | 'qualification'
  | 'experience'
  | 'initial-training'
  | 'annual-training'
  | 'position'
  | 'declaration'
  | 'disqualification';

export interface DemoIntent {
  verdict: Verdict;
  /** The rules this appointment fails under hubei-2021 on `today`; empty when eligible. */
  failures: DemoFailure[];
}

export interface DemoCqoPerson {
  name: string;
  phone: string;
}

/**
 * One generated filing: a repository `NewAppointment` by index (enterprise, person, the row it
 * changed) instead of by id, with its state and the verdict it is built to get.
 */
export interface DemoAppointment
  extends Omit<NewAppointment, 'enterpriseId' | 'regionPath' | 'personId' | 'previousId' | 'termEnd' | 'filedAt' | 'filedBy'> {
  enterpriseIndex: number;
  personIndex: number;
  /** Index (into `appointments`, always lower) of the row a change filing changed. */
  previousIndex: number | null;
  status: AppointmentStatus;
  termEnd: string;
  endedOn: string | null;
  endReason: string | null;
  /** ISO timestamp, China time. */
  filedAt: string;
  /** Active rows only: the verdict the data is built to get. */
  intent: DemoIntent | null;
}

/** One generated training record: a ledger entry's course fields, by person and enterprise index. */
export interface DemoTrainingRecord
  extends Pick<NewLedgerRecord, 'category' | 'course' | 'provider' | 'startDate' | 'endDate' | 'hours' | 'certificateNo'> {
  personIndex: number;
  enterpriseIndex: number | null;
  source: 'enterprise' | 'provider';
  recordedAt: string;
}

export interface DemoViolation {
  enterpriseIndex: number;
  subject: ViolationSubject;
  /** Set exactly when the subject includes the CQO. */
  personIndex: number | null;
  appointmentIndex: number | null;
  type: ViolationType;
  accidentLevel: AccidentLevel | null;
  occurredOn: string;
  sourceDocument: string;
  description: string;
  status: ViolationStatus;
  statusNote: string | null;
  recordedRole: 'city' | 'province';
  recordedAt: string;
  updatedAt: string;
  version: number;
}

export interface DemoCqoData {
  persons: DemoCqoPerson[];
  /** A change filing always comes after the row it changed. */
  appointments: DemoAppointment[];
  trainingRecords: DemoTrainingRecord[];
  violations: DemoViolation[];
}

export interface GenerateDemoCqosOptions {
  enterprises: readonly DemoEnterprise[];
  /** YYYY-MM-DD: nothing is dated after it, and "the last completed year" is the year before it. */
  today: string;
  seed?: number;
  /** Enterprise indices that get an active, fully eligible CQO without history (demo user ent-1). */
  eligible?: readonly number[];
  /** Enterprise indices left with no appointment, no training and no violation (demo user ent-2). */
  without?: readonly number[];
  /**
   * Years of training history (`seed:demo --years K`, SPEC §9): the ledger holds courses of the
   * current year and the K − 1 before it (the 任职培训 of an appointment is kept whenever it was).
   * At least 2, so the last completed year the yearly rule judges is there. Default 5 (the years a
   * dashboard's trend shows by default, STATS_YEARS).
   */
  historyYears?: number;
}

export const DEFAULT_HISTORY_YEARS = 5;
export const MIN_HISTORY_YEARS = 2;

/** ent-1 shows a fully eligible CQO; ent-2 has none, so a browser test can file one. */
export function demoCqoPins(users: readonly DemoUserSpec[]): { eligible: number[]; without: number[] } {
  const index = (username: string) => users.find((u) => u.username === username)?.enterpriseIndex ?? null;
  const first = index('ent-1');
  const second = index('ent-2');
  return { eligible: first === null ? [] : [first], without: second === null ? [] : [second] };
}

const DEFAULT_SEED = 20211231;
const TERM_YEARS = 5;

/** Share of enterprises with an active CQO, by category (award first, then 规上). */
const APPOINTED_SHARE = { award: 0.9, aboveSize: 0.7, other: 0.35 };
/** Share of enterprises with a CQO that also have ended appointments in their history. */
const HISTORY_SHARE = 0.1;
/** Share of enterprises without a CQO whose last CQO's term ran out. */
const LAPSED_SHARE = 0.012;
/** Verdict mix of active appointments under hubei-2021. */
const VERDICT_MIX = { eligible: 0.65, attention: 0.2 };
/** Share of enterprises with a violation that is not one of the disqualifications above. */
const VIOLATION_SHARE = 0.007;
/** Pairs of enterprises sharing one active CQO, per active appointment (at least two pairs). */
const DUPLICATE_SHARE = 0.004;

// ---- dates (whole days since 1970-01-01, UTC) ----------------------------------------------

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function jan1(year: number): number {
  return Date.UTC(year, 0, 1) / DAY_MS;
}

/** The last day of a term starting on `appointedOn`: libs/policy's `termEndFor`, in days. */
function termEndOf(appointedOn: number): number {
  return dayOf(termEndFor(isoOf(appointedOn), TERM_YEARS));
}

/** No appointment on 29 Feb: a term end "five years on, less a day" is then unambiguous. */
function notLeapDay(day: number): number {
  return isoOf(day).endsWith('-02-29') ? day + 1 : day;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** An office-hours moment of `day`, China time. */
function timestampOf(rng: Rng, day: number): string {
  return `${isoOf(day)}T${two(randInt(rng, 8, 17))}:${two(randInt(rng, 0, 59))}:${two(randInt(rng, 0, 59))}+08:00`;
}

// ---- people ----------------------------------------------------------------------------------

const SURNAMES: readonly Weighted<string>[] = [
  ...['王', '李', '张', '刘', '陈'].map((value) => ({ value, weight: 7 })),
  ...['杨', '黄', '赵', '吴', '周', '胡', '徐', '孙', '朱', '高', '林', '何', '郭', '马', '罗'].map((value) => ({ value, weight: 3 })),
  ...[
    '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕',
    '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '余', '潘', '杜', '戴', '夏', '钟', '汪', '田', '任', '姜',
    '范', '方', '石', '姚', '谭', '廖', '邹', '熊', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '邱', '秦', '江', '史',
    '顾', '侯', '邵', '孟', '龙', '万', '段', '雷', '钱', '汤', '尹', '黎', '易', '常', '武', '乔', '贺', '赖', '龚', '文',
    '涂', '喻', '柯', '祝', '舒', '向', '覃', '严', '肖', '陶',
  ].map((value) => ({ value, weight: 1 })),
];

const GIVEN_MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁建国峰亮林东海俊文志永晓鸿春立新振宇浩坤琦晖毅锋力斌彬德厚胜凯'.split('');
const GIVEN_FEMALE = '芳娜敏静丽艳娟霞燕玲婷雪琳慧红梅丹萍洁颖倩璐晶蓉玉兰凤秀佳欣莉琼薇岚娅妍'.split('');
const GIVEN_EITHER = '文明华晓春安思子雨嘉诗一佳欣丽平志家';

const PHONE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187', '188',
  '189', '191', '198', '199',
];

// ---- positions, education, qualifications --------------------------------------------------

const TITLES: Readonly<Record<PositionLevel, readonly string[]>> = {
  决策层: ['总经理', '董事长', '执行董事兼总经理', '董事、总经理', '总裁', '董事长兼总经理'],
  高层副职: ['副总经理', '质量副总经理', '常务副总经理', '总工程师', '总质量师', '副总裁', '生产副总经理', '技术副总经理'],
  中层: ['质量部部长', '质量管理部经理', '品质部经理', '质检科科长', '技术质量部主任', '质量保证部经理'],
  其他: ['质量主管', '质量工程师', '体系专员', '品质主管'],
};

interface Qualification {
  type: QualificationType;
  level: QualificationLevel | null;
  qualityRelated: boolean;
}

const GOOD_QUALIFICATIONS: readonly Weighted<Qualification>[] = [
  { value: { type: '质量专业技术人员职业资格', level: '中级', qualityRelated: true }, weight: 32 },
  { value: { type: '质量专业技术人员职业资格', level: '副高级', qualityRelated: true }, weight: 13 },
  { value: { type: '专业技术职称', level: '副高级', qualityRelated: true }, weight: 40 },
  { value: { type: '专业技术职称', level: '正高级', qualityRelated: true }, weight: 15 },
];

/** Each fails 004 二(二): 中级及以上质量专业技术人员职业资格或相关专业高级技术职称. */
const POOR_QUALIFICATIONS: readonly Weighted<Qualification>[] = [
  { value: { type: '专业技术职称', level: '中级', qualityRelated: true }, weight: 35 },
  { value: { type: '专业技术职称', level: '副高级', qualityRelated: false }, weight: 20 },
  { value: { type: '无', level: null, qualityRelated: false }, weight: 20 },
  { value: { type: '质量专业技术人员职业资格', level: '初级', qualityRelated: true }, weight: 15 },
  { value: { type: '专业技术职称', level: '初级', qualityRelated: false }, weight: 10 },
];

// declaration: ~2% of all people leave the declarations out (15% ineligible × ~1.6/13).
const HARD_FAILURES: readonly Weighted<DemoFailure>[] = weights({ education: 3, qualification: 3, experience: 2, 'initial-training': 3, position: 2, declaration: 1.6, disqualification: 0.6 });

const DISQUALIFYING: readonly Weighted<ViolationType>[] = weights({ 刑事处分: 3, 谋取不正当利益: 3, 较大以上质量安全事故: 3, 重大失误受处分: 3 });

const ENTERPRISE_VIOLATIONS: readonly Weighted<ViolationType>[] = weights({ 违法违规: 6, 失信: 2, 知情不报或虚假报告: 1.5 });

/** Not disqualifying under hubei-2021 (泄露商业秘密 is under chongqing, 损害合法权益 under hunan). */
const CQO_VIOLATIONS: readonly Weighted<ViolationType>[] = weights({ 违法违规: 4, 知情不报或虚假报告: 2, 失信: 1.5, 泄露商业秘密: 1, 损害合法权益: 1 });

const DESCRIPTIONS: Readonly<Record<ViolationType, readonly string[]>> = {
  违法违规: [
    '生产的产品经监督抽查不合格，被责令停止销售并处罚款',
    '未按规定进行出厂检验，被责令改正并处罚款',
    '使用未经检定的计量器具，被责令限期改正',
    '产品标识标注不符合规定，被责令改正',
  ],
  重大失误受处分: ['质量把关失职造成批量不合格产品出厂，受到记大过处分', '隐瞒重大质量问题造成重大损失，受到撤职处分'],
  刑事处分: ['因生产、销售伪劣产品罪被判处有期徒刑，缓刑执行', '因生产、销售不符合安全标准的产品罪被判处刑罚'],
  谋取不正当利益: ['利用质量把关职务之便收受供应商财物，放行不合格原材料', '利用检验放行职权为关联企业谋取不正当利益'],
  泄露商业秘密: ['擅自向第三方提供合作企业的技术资料，经法院判决承担侵权责任'],
  损害合法权益: ['拒不履行产品“三包”义务，损害消费者合法权益'],
  较大以上质量安全事故: ['发生较大产品质量安全事故，事故调查报告认定首席质量官负有管理责任', '发生质量安全事故造成人员伤亡，事故调查认定相关责任人'],
  失信: ['被列入严重违法失信名单', '未按期履行行政处罚决定，被列入失信联合惩戒对象'],
  知情不报或虚假报告: ['年度报告中的质量安全数据与核查情况不符', '发生产品质量投诉事件未按规定报告'],
};

const STATUS_NOTES: Readonly<Record<Exclude<ViolationStatus, 'open'>, readonly string[]>> = {
  rectified: ['企业已按要求完成整改并提交整改报告', '已缴纳罚款，问题产品已召回处置'],
  closed: ['整改经复查合格，予以结案', '处罚决定已履行完毕，结案'],
};

// ---- training ------------------------------------------------------------------------------

const INITIAL_COURSES = ['企业首席质量官任职培训班', '首席质量官任职资格培训', '企业首席质量官岗位培训（任职）'];
const FIRST_COURSES = [
  '质量管理体系国家标准宣贯',
  '卓越绩效评价准则解读',
  '质量强省政策与首席质量官履职',
  '六西格玛管理实务',
  '质量风险管理与防控',
  '产品质量法律法规',
  '质量成本管理',
  '供应链质量管理',
  '质量管理小组活动（QC）推进',
  '计量、标准与认证认可基础',
];
const SECOND_COURSES_PROVIDER = [
  '质量品牌建设专题讲座',
  '质量技术基础一站式服务培训',
  '首席质量官沙龙',
  '标准化良好行为创建交流会',
  '质量月主题报告会',
  '先进质量管理方法交流会',
];
const SECOND_COURSES_ENTERPRISE = ['质量管理专题自学', '企业质量管理评审会议', '质量案例研讨', '质量攻关项目复盘', '顾客满意度分析研讨'];
const ACTIVITY_COURSES = ['全员质量意识培训', '质量月班组长培训', '新员工质量教育', '检验员岗位技能培训', 'QC小组骨干培训'];

/** GB/T 2260 province: name and abbreviation, for providers and document numbers. */
const PROVINCES: Readonly<Record<string, readonly [string, string]>> = {
  '11': ['北京市', '京'], '12': ['天津市', '津'], '13': ['河北省', '冀'], '14': ['山西省', '晋'], '15': ['内蒙古自治区', '蒙'],
  '21': ['辽宁省', '辽'], '22': ['吉林省', '吉'], '23': ['黑龙江省', '黑'], '31': ['上海市', '沪'], '32': ['江苏省', '苏'],
  '33': ['浙江省', '浙'], '34': ['安徽省', '皖'], '35': ['福建省', '闽'], '36': ['江西省', '赣'], '37': ['山东省', '鲁'],
  '41': ['河南省', '豫'], '42': ['湖北省', '鄂'], '43': ['湖南省', '湘'], '44': ['广东省', '粤'], '45': ['广西壮族自治区', '桂'],
  '46': ['海南省', '琼'], '50': ['重庆市', '渝'], '51': ['四川省', '川'], '52': ['贵州省', '黔'], '53': ['云南省', '滇'],
  '54': ['西藏自治区', '藏'], '61': ['陕西省', '陕'], '62': ['甘肃省', '甘'], '63': ['青海省', '青'], '64': ['宁夏回族自治区', '宁'],
  '65': ['新疆维吾尔自治区', '新'],
};

function provinceOf(regionCode: string): { name: string; abbr: string } {
  const [name, abbr] = PROVINCES[regionCode.slice(0, 2)] ?? ['省', '省'];
  return { name, abbr };
}

function providers(province: string): { initial: string[]; first: string[]; second: string[] } {
  return {
    initial: [`${province}质量协会`, `${province}标准化与质量研究院`, `${province}市场监督管理局培训中心`],
    first: [`${province}质量协会`, `${province}标准化与质量研究院`, `${province}市场监督管理局培训中心`, `${province}质量管理创新促进会`],
    second: [`${province}质量协会`, `${province}品牌建设促进会`, `${province}标准化协会`, `${province}计量测试学会`],
  };
}

// ---- the generator -------------------------------------------------------------------------

type HistoryEvent = 'superseded' | 'replaced' | 'dismissed' | 'expired';

interface Plan {
  enterpriseIndex: number;
  /** `lapsed`: the only appointment's term ran out and nobody was appointed since. */
  kind: 'active' | 'lapsed';
  /** The intended verdict of the active appointment (unused for `lapsed`). */
  verdict: Verdict;
  failures: DemoFailure[];
  events: HistoryEvent[];
  pinned: boolean;
  /** For the second enterprise of a shared CQO: the plan whose person it shares. */
  sharesWith: Plan | null;
  /** Set once materialised: index of the active row. */
  activeRow: number | null;
}

interface Slot {
  filingType: FilingType;
  /** The same person as the slot before (a change filing of the same person, or a renewal). */
  samePerson: boolean;
  linkPrevious: boolean;
  appointedOn: number;
  effectiveFrom: number;
  termEnd: number;
  endedOn: number | null;
  status: AppointmentStatus;
  endReason: string | null;
  /** 因刑事处分解聘: a closed 刑事处分 violation goes with it. */
  criminal: boolean;
}

/** A first appointment from `start`, still active, for a full term. */
function activeSlot(start: number): Slot {
  return { filingType: 'appoint', samePerson: false, linkPrevious: false, appointedOn: start, effectiveFrom: start, termEnd: termEndOf(start), endedOn: null, status: 'active', endReason: null, criminal: false };
}

interface Person {
  name: string;
  phone: string;
  gender: Gender;
  birthYear: number;
  birthMonth: string;
  rows: number[];
  /** Whether the last completed year's continuing education falls short; null: by chance. */
  shortLastYear: boolean | null;
}

/** A generated person's filed data: `NewAppointment`'s, with the training date as a day number. */
type Profile = Pick<
  NewAppointment,
  | 'positionTitle'
  | 'positionLevel'
  | 'concurrentPost'
  | 'education'
  | 'qualificationType'
  | 'qualificationLevel'
  | 'qualityRelated'
  | 'yearsInQuality'
  | 'declarations'
  | 'authorisationCertNo'
  | 'initialTrainingHours'
  | 'initialTrainingCertNo'
  | 'explanation'
> & { initialTrainingCompletedOn: number | null };

class CqoGenerator {
  private readonly rng: Rng;
  private readonly today: number;
  /** The last completed year: the one the yearly training rule judges. */
  private readonly lastYear: number;
  private readonly persons: Person[] = [];
  private readonly appointments: DemoAppointment[] = [];
  private readonly training: DemoTrainingRecord[] = [];
  /** Seconds since 1970 of each training record's recordedAt, to sort the ledger. */
  private readonly trainingKeys: number[] = [];
  private readonly violations: DemoViolation[] = [];
  private readonly phones = new Set<string>();
  private readonly eligiblePins: Set<number>;
  private readonly withoutPins: Set<number>;
  private certSeq = 0;
  private docSeq = 0;

  constructor(
    private readonly enterprises: readonly DemoEnterprise[],
    today: string,
    seed: number,
    eligible: readonly number[],
    without: readonly number[],
    private readonly historyYears: number,
  ) {
    this.rng = mulberry32(seed);
    this.today = dayOf(today);
    this.lastYear = yearOfDay(this.today) - 1;
    this.eligiblePins = new Set(eligible);
    this.withoutPins = new Set(without);
    for (const i of [...eligible, ...without]) {
      if (!Number.isInteger(i) || i < 0 || i >= enterprises.length) throw new Error(`pinned enterprise index ${i} is out of range`);
    }
    for (const i of eligible) if (this.withoutPins.has(i)) throw new Error(`enterprise ${i} cannot both have and lack a CQO`);
  }

  run(): DemoCqoData {
    const plans = this.plan();
    this.pairDuplicates(plans);
    for (const plan of plans) if (!plan.sharesWith) this.materialise(plan);
    for (const plan of plans) if (plan.sharesWith) this.materialiseShared(plan, plan.sharesWith);
    this.disqualifyingViolations(plans);
    this.otherViolations(plans);
    this.persons.forEach((_, i) => this.trainPerson(i));
    // In the order they were recorded, as a ledger is kept.
    const keys = this.trainingKeys;
    const order = this.training.map((_, i) => i);
    order.sort((a, b) => keys[a] - keys[b] || a - b);
    return {
      persons: this.persons.map((p) => ({ name: p.name, phone: p.phone })),
      appointments: this.appointments,
      trainingRecords: order.map((i) => this.training[i]),
      violations: this.violations,
    };
  }

  // ---- plans ----

  private plan(): Plan[] {
    const { rng } = this;
    const plans: Plan[] = [];
    this.enterprises.forEach((e, enterpriseIndex) => {
      if (this.withoutPins.has(enterpriseIndex)) return;
      const pinned = this.eligiblePins.has(enterpriseIndex);
      const share = e.awards.length > 0 ? APPOINTED_SHARE.award : e.aboveSize ? APPOINTED_SHARE.aboveSize : APPOINTED_SHARE.other;
      const base = { enterpriseIndex, pinned, sharesWith: null, activeRow: null };
      if (!pinned && rng() >= share) {
        if (rng() < LAPSED_SHARE) plans.push({ ...base, kind: 'lapsed', verdict: 'eligible', failures: [], events: [] });
        return;
      }
      const { verdict, failures } = pinned ? { verdict: 'eligible' as const, failures: [] } : this.drawIntent(e);
      const events: HistoryEvent[] = [];
      if (!pinned && rng() < HISTORY_SHARE) {
        const n = rng() < 0.75 ? 1 : 2;
        for (let k = 0; k < n; k++) {
          events.push(
            pickWeighted<HistoryEvent>(rng, weights({ replaced: 35, superseded: 30, dismissed: 23, expired: 12 })),
          );
        }
      }
      plans.push({ ...base, kind: 'active', verdict, failures, events });
    });

    // A handful of disqualified CQOs still in post, whatever the dice said.
    const active = plans.filter((p) => p.kind === 'active');
    const wanted = active.length >= 40 ? Math.max(3, Math.round(active.length * 0.004)) : 0;
    let have = active.filter((p) => p.failures.includes('disqualification')).length;
    for (const p of active) {
      if (have >= wanted) break;
      if (p.verdict === 'ineligible' && !p.failures.includes('disqualification')) {
        p.failures = ['disqualification'];
        have++;
      }
    }
    return plans;
  }

  private drawIntent(e: DemoEnterprise): DemoIntent {
    const { rng } = this;
    const r = rng();
    if (r < VERDICT_MIX.eligible) return { verdict: 'eligible', failures: [] };
    if (r < VERDICT_MIX.eligible + VERDICT_MIX.attention) {
      // Soft failures only: the yearly training hours, or (for an SME) a CQO below 高层副职.
      if (e.aboveSize) return { verdict: 'attention', failures: ['annual-training'] };
      return {
        verdict: 'attention',
        failures: pickWeighted<DemoFailure[]>(rng, [
          { value: ['annual-training'], weight: 45 },
          { value: ['position'], weight: 40 },
          { value: ['position', 'annual-training'], weight: 15 },
        ]),
      };
    }
    const hard = HARD_FAILURES.filter((f) => e.aboveSize || f.value !== 'position');
    const failures = [pickWeighted(rng, hard)];
    // One in five fails two rules; a disqualification stands alone.
    if (failures[0] !== 'disqualification' && rng() < 0.2) {
      failures.push(pickWeighted(rng, hard.filter((f) => f.value !== failures[0] && f.value !== 'disqualification')));
    }
    return { verdict: 'ineligible', failures };
  }

  /** Two enterprises (same 市州 where possible) that name the same person as their active CQO. */
  private pairDuplicates(plans: Plan[]): void {
    const { rng } = this;
    const candidates = plans.filter((p) => p.kind === 'active' && !p.pinned && p.verdict === 'eligible' && p.events.length === 0);
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    const activeCount = plans.filter((p) => p.kind === 'active').length;
    const wanted = candidates.length >= 4 ? Math.max(2, Math.round(activeCount * DUPLICATE_SHARE)) : 0;
    const cityOf = (p: Plan) => {
      const code = this.enterprises[p.enterpriseIndex].regionCode;
      return /^\d{2}90/.test(code) ? code : code.slice(0, 4);
    };
    const waiting = new Map<string, Plan>();
    const used = new Set<Plan>();
    let pairs = 0;
    for (const p of candidates) {
      if (pairs >= wanted) break;
      const city = cityOf(p);
      const first = waiting.get(city);
      if (first) {
        p.sharesWith = first;
        used.add(first).add(p);
        waiting.delete(city);
        pairs++;
      } else {
        waiting.set(city, p);
      }
    }
    // Few candidates per 市州 (a tiny province): pair across 市州.
    const rest = candidates.filter((p) => !used.has(p));
    for (let k = 0; pairs < wanted && k + 1 < rest.length; k += 2, pairs++) rest[k + 1].sharesWith = rest[k];
  }

  // ---- appointments ----

  /** Dates and statuses of an enterprise's appointments, oldest first; the last is the current one. */
  private planSlots(plan: Plan): Slot[] {
    const { rng, today } = this;
    const fiveYearsAgo = dayOf(addYears(isoOf(today), -TERM_YEARS));
    if (plan.kind === 'lapsed') {
      const start = notLeapDay(fiveYearsAgo - randInt(rng, 10, 700));
      const termEnd = termEndOf(start);
      return [
        {
          filingType: 'appoint',
          samePerson: false,
          linkPrevious: false,
          appointedOn: start,
          effectiveFrom: start,
          termEnd,
          endedOn: termEnd + 1,
          status: 'expired',
          endReason: '任期届满',
          criminal: false,
        },
      ];
    }
    // Annual training is judged only for CQOs appointed before the last completed year.
    const judgedOnTraining = plan.failures.includes('annual-training');
    const latest = judgedOnTraining ? jan1(this.lastYear) - 1 : today - 3;
    const earliest = fiveYearsAgo + 2; // the term must still run after today
    const renewable = !plan.failures.includes('initial-training') && !plan.failures.includes('experience');
    if (plan.events.length > 0) {
      for (let attempt = 0; attempt < 40; attempt++) {
        const slots = this.trySlots(plan.events, renewable);
        const last = slots?.[slots.length - 1];
        if (slots && last && last.appointedOn >= earliest && last.appointedOn <= latest && last.effectiveFrom <= latest) return slots;
      }
    }
    const start = notLeapDay(randInt(rng, earliest, latest));
    return [activeSlot(start)];
  }

  private trySlots(events: readonly HistoryEvent[], renewable: boolean): Slot[] | null {
    const { rng, today } = this;
    const back = events.includes('expired') ? randInt(rng, 5 * 365 + 30, 5 * 365 + 900) : randInt(rng, 250, 7 * 365);
    const start = notLeapDay(today - back);
    const slots: Slot[] = [activeSlot(start)];
    for (const event of events) {
      const cur = slots[slots.length - 1];
      const open = (day: number, samePerson: boolean, filingType: FilingType, linkPrevious: boolean, appointedOn = day): Slot => ({
        filingType,
        samePerson,
        linkPrevious,
        appointedOn,
        effectiveFrom: day,
        termEnd: samePerson && filingType === 'change' ? cur.termEnd : termEndOf(appointedOn),
        endedOn: null,
        status: 'active',
        endReason: null,
        criminal: false,
      });
      switch (event) {
        case 'superseded': {
          const on = cur.effectiveFrom + randInt(rng, 60, 1000);
          if (on > Math.min(cur.termEnd, today - 3)) return null;
          Object.assign(cur, { status: 'superseded', endedOn: on });
          slots.push(open(on, true, 'change', true, cur.appointedOn));
          break;
        }
        case 'replaced': {
          const on = notLeapDay(cur.effectiveFrom + randInt(rng, 120, 1500));
          if (on > Math.min(cur.termEnd, today - 3)) return null;
          Object.assign(cur, {
            status: 'replaced',
            endedOn: on,
            endReason: pick(rng, ['工作调动，改聘他人', '到龄退休，由继任者接任', '岗位调整，另行聘任', '企业重组，另行聘任']),
          });
          slots.push(open(on, false, 'change', true));
          break;
        }
        case 'dismissed': {
          const on = cur.effectiveFrom + randInt(rng, 90, 1500);
          if (on > Math.min(cur.termEnd, today - 4)) return null;
          const criminal = rng() < 0.12;
          Object.assign(cur, {
            status: 'dismissed',
            endedOn: on,
            criminal,
            endReason: criminal ? '受刑事处分，企业予以解聘' : pick(rng, ['本人辞职，企业解聘', '离职，企业解聘', '考核不称职，企业解聘']),
          });
          const next = notLeapDay(on + randInt(rng, 5, 150));
          if (next > today - 3) return null;
          slots.push(open(next, false, 'appoint', false));
          break;
        }
        case 'expired': {
          const on = cur.termEnd + 1;
          if (on > today - 4) return null;
          Object.assign(cur, { status: 'expired', endedOn: on, endReason: '任期届满' });
          const next = notLeapDay(on + (rng() < 0.5 ? 0 : randInt(rng, 1, 120)));
          if (next > today - 3) return null;
          slots.push(open(next, renewable && rng() < 0.6, 'appoint', false));
          break;
        }
      }
    }
    return slots;
  }

  private materialise(plan: Plan): void {
    const e = this.enterprises[plan.enterpriseIndex];
    const slots = this.planSlots(plan);
    // Runs of slots held by one person; the last run of an active plan carries the intent.
    const runs: number[][] = [];
    slots.forEach((s, i) => (i > 0 && s.samePerson ? runs[runs.length - 1].push(i) : runs.push([i])));
    const profiles: Profile[] = new Array(slots.length);
    const personOf: number[] = new Array(slots.length);
    runs.forEach((run, r) => {
      const current = plan.kind === 'active' && r === runs.length - 1;
      const failures: DemoFailure[] = current ? plan.failures : this.historyFailures(e);
      const first = slots[run[0]];
      const last = slots[run[run.length - 1]];
      const personIndex = this.newPerson(first.appointedOn);
      if (current) {
        this.persons[personIndex].shortLastYear =
          plan.verdict === 'ineligible' ? null : plan.failures.includes('annual-training');
      }
      const birthYear = this.persons[personIndex].birthYear;
      profiles[run[run.length - 1]] = this.drawProfile(e, new Set(failures), last.appointedOn, first.appointedOn, birthYear);
      for (let k = run.length - 2; k >= 0; k--) {
        const later = slots[run[k + 1]];
        const next = profiles[run[k + 1]];
        if (later.filingType === 'change') {
          const { profile, reason } = this.earlierVersion(next);
          profiles[run[k]] = profile;
          slots[run[k]].endReason = reason;
        } else {
          const years = Math.floor((later.appointedOn - slots[run[k]].appointedOn) / 365);
          profiles[run[k]] = {
            ...next,
            yearsInQuality: Math.max(0, next.yearsInQuality - years),
            authorisationCertNo: this.authorisationNo(e, slots[run[k]].appointedOn),
            explanation: null,
          };
        }
      }
      for (const i of run) personOf[i] = personIndex;
    });

    const base = this.appointments.length;
    slots.forEach((slot, i) => {
      const current = plan.kind === 'active' && i === slots.length - 1;
      const index = this.pushRow(plan.enterpriseIndex, personOf[i], slot, profiles[i], slot.linkPrevious ? base + i - 1 : null, current ? { verdict: plan.verdict, failures: [...plan.failures] } : null);
      if (current) plan.activeRow = index;
      if (slot.criminal) this.criminalDismissal(index);
    });
  }

  /** The second enterprise of a shared CQO: the same person, filed there a little later. */
  private materialiseShared(plan: Plan, source: Plan): void {
    const { rng, today } = this;
    const src = source.activeRow === null ? null : this.appointments[source.activeRow];
    if (!src || dayOf(src.appointedOn) > today - 25) {
      plan.sharesWith = null;
      this.materialise(plan);
      return;
    }
    const e = this.enterprises[plan.enterpriseIndex];
    const srcDay = dayOf(src.appointedOn);
    const on = notLeapDay(Math.min(today - 3, srcDay + randInt(rng, 20, 500)));
    const slot: Slot = {
      filingType: 'appoint',
      samePerson: false,
      linkPrevious: false,
      appointedOn: on,
      effectiveFrom: on,
      termEnd: termEndOf(on),
      endedOn: null,
      status: 'active',
      endReason: null,
      criminal: false,
    };
    const profile: Profile = {
      positionTitle: pick(rng, TITLES[src.positionLevel]),
      positionLevel: src.positionLevel,
      concurrentPost: true,
      education: src.education,
      qualificationType: src.qualificationType,
      qualificationLevel: src.qualificationLevel,
      qualityRelated: src.qualityRelated,
      yearsInQuality: src.yearsInQuality + Math.floor((on - srcDay) / 365),
      declarations: [...src.declarations],
      authorisationCertNo: this.authorisationNo(e, on),
      initialTrainingHours: src.initialTrainingHours,
      initialTrainingCertNo: src.initialTrainingCertNo,
      initialTrainingCompletedOn: src.initialTrainingCompletedOn === null ? null : dayOf(src.initialTrainingCompletedOn),
      explanation: null,
    };
    plan.activeRow = this.pushRow(plan.enterpriseIndex, src.personIndex, slot, profile, null, { verdict: 'eligible', failures: [] });
  }

  private pushRow(enterpriseIndex: number, personIndex: number, slot: Slot, p: Profile, previousIndex: number | null, intent: DemoIntent | null): number {
    const { rng, today } = this;
    const person = this.persons[personIndex];
    const delay = pickWeighted(rng, [
      { value: randInt(rng, 1, 15), weight: 84 },
      { value: randInt(rng, 16, 30), weight: 8 },
      { value: randInt(rng, 31, 150), weight: 8 },
    ]);
    const filedOn = Math.min(slot.effectiveFrom + delay, today - 1);
    const index = this.appointments.length;
    this.appointments.push({
      enterpriseIndex,
      personIndex,
      previousIndex,
      filingType: slot.filingType,
      status: slot.status,
      name: person.name,
      gender: person.gender,
      birthMonth: person.birthMonth,
      phone: person.phone,
      positionTitle: p.positionTitle,
      positionLevel: p.positionLevel,
      concurrentPost: p.concurrentPost,
      education: p.education,
      qualificationType: p.qualificationType,
      qualificationLevel: p.qualificationLevel,
      qualityRelated: p.qualityRelated,
      yearsInQuality: p.yearsInQuality,
      declarations: [...p.declarations],
      appointedOn: isoOf(slot.appointedOn),
      termEnd: isoOf(slot.termEnd),
      effectiveFrom: isoOf(slot.effectiveFrom),
      endedOn: slot.endedOn === null ? null : isoOf(slot.endedOn),
      endReason: slot.endReason,
      authorisationCertNo: p.authorisationCertNo,
      initialTrainingHours: p.initialTrainingHours,
      initialTrainingCertNo: p.initialTrainingCertNo,
      initialTrainingCompletedOn: p.initialTrainingCompletedOn === null ? null : isoOf(p.initialTrainingCompletedOn),
      explanation: p.explanation,
      filedAt: timestampOf(rng, filedOn),
      lateFiling: filedOn - slot.effectiveFrom > 30,
      intent,
    });
    person.rows.push(index);
    return index;
  }

  /** History people are mostly fine; now and then one was not. */
  private historyFailures(e: DemoEnterprise): DemoFailure[] {
    if (this.rng() >= 0.15) return [];
    return [pickWeighted(this.rng, HARD_FAILURES.filter((f) => f.value !== 'disqualification' && (e.aboveSize || f.value !== 'position')))];
  }

  private newPerson(firstAppointedOn: number): number {
    const { rng, today } = this;
    const yearsBack = yearOfDay(today) - yearOfDay(firstAppointedOn);
    const minAge = Math.min(59, Math.max(31, 28 + yearsBack));
    // Two dice: most CQOs are in their forties.
    const age = Math.round((randInt(rng, minAge, 59) + randInt(rng, minAge, 59)) / 2);
    const birthYear = yearOfDay(today) - age;
    const gender: Gender = rng() < 0.72 ? '男' : '女';
    const given = gender === '男' ? GIVEN_MALE : GIVEN_FEMALE;
    const name =
      pickWeighted(rng, SURNAMES) +
      (rng() < 0.35 ? pick(rng, given) : (rng() < 0.3 ? pick(rng, GIVEN_EITHER.split('')) : pick(rng, given)) + pick(rng, given));
    let phone: string;
    do {
      phone = pick(rng, PHONE_PREFIXES) + String(randInt(rng, 0, 99_999_999)).padStart(8, '0');
    } while (this.phones.has(phone));
    this.phones.add(phone);
    const month = randInt(rng, 1, 12);
    this.persons.push({ name, phone, gender, birthYear, birthMonth: `${birthYear}-${String(month).padStart(2, '0')}`, rows: [], shortLastYear: null });
    return this.persons.length - 1;
  }

  /**
   * What was filed: position, education, qualification, experience, declarations and the 任职培训,
   * each failing exactly when asked to. `anchor` is the person's first appointment here: initial
   * training precedes it (unless it is meant to come late).
   */
  private drawProfile(e: DemoEnterprise, fails: ReadonlySet<DemoFailure>, appointedOn: number, anchor: number, birthYear: number): Profile {
    const { rng, today } = this;
    let positionLevel: PositionLevel;
    if (fails.has('position')) {
      positionLevel = e.aboveSize ? pickWeighted<PositionLevel>(rng, [{ value: '中层', weight: 80 }, { value: '其他', weight: 20 }]) : '中层';
    } else {
      positionLevel = pickWeighted<PositionLevel>(rng, [
        { value: '决策层', weight: e.aboveSize ? 30 : 55 },
        { value: '高层副职', weight: e.aboveSize ? 70 : 45 },
      ]);
    }
    const education = fails.has('education')
      ? pickWeighted<EducationLevel>(rng, [{ value: '大专', weight: 80 }, { value: '中专', weight: 15 }, { value: '高中及以下', weight: 5 }])
      : pickWeighted<EducationLevel>(rng, [{ value: '大学本科', weight: 62 }, { value: '硕士研究生', weight: 32 }, { value: '博士研究生', weight: 6 }]);
    const q = pickWeighted(rng, fails.has('qualification') ? POOR_QUALIFICATIONS : GOOD_QUALIFICATIONS);
    // Quality work from about 21 on, at most 32 years of it.
    const maxYears = Math.max(6, Math.min(32, yearOfDay(anchor) - birthYear - 21));
    const yearsInQuality = fails.has('experience') ? randInt(rng, 1, 4) : randInt(rng, 5, maxYears);

    let hours: number | null = pickWeighted(rng, [
      { value: 21, weight: 20 },
      { value: 22.5, weight: 5 },
      { value: 24, weight: 35 },
      { value: 28, weight: 15 },
      { value: 32, weight: 25 },
    ]);
    let completedOn: number | null = anchor - randInt(rng, 5, 420);
    if (fails.has('initial-training')) {
      const how = pick(rng, ['short', 'late', 'missing'] as const);
      if (how === 'short') hours = pick(rng, [8, 12, 14, 16, 18, 20]);
      else if (how === 'late') completedOn = Math.min(appointedOn + randInt(rng, 5, 90), today - 2);
      else {
        hours = null;
        completedOn = null;
      }
    }
    const smeBelowTop = !e.aboveSize && positionLevel === '中层';
    return {
      positionTitle: pick(rng, TITLES[positionLevel]),
      positionLevel,
      concurrentPost: positionLevel === '决策层' || positionLevel === '高层副职' ? rng() < 0.85 : rng() < 0.4,
      education,
      qualificationType: q.type,
      qualificationLevel: q.level,
      qualityRelated: q.qualityRelated,
      yearsInQuality,
      declarations: fails.has('declaration') ? [] : [...DEMO_DECLARATIONS],
      authorisationCertNo: rng() < 0.94 ? this.authorisationNo(e, appointedOn) : null,
      initialTrainingHours: hours,
      initialTrainingCertNo: completedOn === null ? null : `RZPX${yearOfDay(completedOn)}${String(++this.certSeq).padStart(6, '0')}`,
      initialTrainingCompletedOn: completedOn,
      explanation: smeBelowTop ? pick(rng, ['本企业为小型企业，管理层级精简，由质量部门负责人担任首席质量官，直接向总经理报告。', '企业规模较小，暂由质量管理部负责人兼任首席质量官。']) : null,
    };
  }

  /** The row a change filing of the same person superseded: one detail was different then. */
  private earlierVersion(later: Profile): { profile: Profile; reason: string } {
    const { rng } = this;
    const options: { profile: Profile; reason: string }[] = [
      { profile: { ...later, positionTitle: pick(rng, TITLES[later.positionLevel]) }, reason: '变更备案：职务名称变更' },
    ];
    if (later.positionLevel === '高层副职') {
      options.push({ profile: { ...later, positionLevel: '中层', positionTitle: pick(rng, TITLES.中层) }, reason: '变更备案：职务晋升' });
    }
    if (later.positionLevel === '决策层') {
      options.push({ profile: { ...later, positionLevel: '高层副职', positionTitle: pick(rng, TITLES.高层副职) }, reason: '变更备案：职务晋升' });
    }
    if (later.education === '硕士研究生') options.push({ profile: { ...later, education: '大学本科' }, reason: '变更备案：学历提升' });
    if (later.qualificationLevel === '副高级' || later.qualificationLevel === '正高级') {
      options.push({
        profile: { ...later, qualificationLevel: later.qualificationLevel === '正高级' ? '副高级' : '中级' },
        reason: '变更备案：职称（职业资格）晋升',
      });
    }
    const chosen = pick(rng, options);
    return { profile: { ...chosen.profile, explanation: null }, reason: chosen.reason };
  }

  private authorisationNo(e: DemoEnterprise, on: number): string {
    return `${provinceOf(e.regionCode).abbr}CQO${yearOfDay(on)}${String(++this.certSeq).padStart(6, '0')}`;
  }

  // ---- violations ----

  private disqualifyingViolations(plans: readonly Plan[]): void {
    const { rng, today } = this;
    for (const plan of plans) {
      if (plan.activeRow === null || !plan.failures.includes('disqualification')) continue;
      const row = this.appointments[plan.activeRow];
      const type = pickWeighted(rng, DISQUALIFYING);
      const from = Math.max(dayOf(row.effectiveFrom), today - 700);
      const occurredOn = Math.min(randInt(rng, from, Math.max(from, today - 10)), today - 3);
      this.pushViolation(plan.activeRow, {
        subject: type === '较大以上质量安全事故' ? 'both' : type === '重大失误受处分' && rng() < 0.5 ? 'both' : 'cqo',
        type,
        accidentLevel:
          type === '较大以上质量安全事故'
            ? pickWeighted<AccidentLevel>(rng, [{ value: '较大', weight: 6 }, { value: '重大', weight: 3 }, { value: '特别重大', weight: 1 }])
            : null,
        occurredOn,
        status: 'open',
        recordedRole: rng() < 0.6 ? 'city' : 'province',
      });
    }
  }

  /** The closed 刑事处分 that ended a CQO's appointment in an enterprise's history. */
  private criminalDismissal(rowIndex: number): void {
    const { rng } = this;
    const row = this.appointments[rowIndex];
    const ended = dayOf(row.endedOn ?? row.effectiveFrom);
    const from = dayOf(row.effectiveFrom);
    this.pushViolation(rowIndex, {
      subject: 'cqo',
      type: '刑事处分',
      accidentLevel: null,
      occurredOn: randInt(rng, from, Math.max(from, ended - 20)),
      status: 'closed',
      recordedRole: 'province',
    });
  }

  private otherViolations(plans: readonly Plan[]): void {
    const { rng, today } = this;
    const activeRow = new Map<number, number>();
    for (const p of plans) if (p.activeRow !== null) activeRow.set(p.enterpriseIndex, p.activeRow);
    this.enterprises.forEach((_, enterpriseIndex) => {
      if (this.withoutPins.has(enterpriseIndex) || this.eligiblePins.has(enterpriseIndex)) return;
      if (rng() >= VIOLATION_SHARE) return;
      const count = rng() < 0.15 ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const row = activeRow.get(enterpriseIndex) ?? null;
        const subject: ViolationSubject =
          row === null
            ? 'enterprise'
            : pickWeighted<ViolationSubject>(rng, [{ value: 'enterprise', weight: 55 }, { value: 'cqo', weight: 20 }, { value: 'both', weight: 25 }]);
        const type =
          subject === 'enterprise'
            ? pickWeighted(rng, row === null ? [...ENTERPRISE_VIOLATIONS, { value: '较大以上质量安全事故' as const, weight: 0.7 }] : ENTERPRISE_VIOLATIONS)
            : pickWeighted(rng, CQO_VIOLATIONS);
        const from = subject === 'enterprise' || row === null ? today - 3 * 365 : Math.max(today - 3 * 365, dayOf(this.appointments[row].effectiveFrom));
        const occurredOn = Math.min(randInt(rng, from, Math.max(from, today - 5)), today - 3);
        const age = today - occurredOn;
        const status = pickWeighted<ViolationStatus>(rng, [
          { value: 'open', weight: age < 180 ? 60 : 15 },
          { value: 'rectified', weight: 30 },
          { value: 'closed', weight: age < 180 ? 10 : 55 },
        ]);
        this.pushViolation(subject === 'enterprise' ? null : row, {
          enterpriseIndex,
          subject,
          type,
          accidentLevel: type === '较大以上质量安全事故' ? pickWeighted<AccidentLevel>(rng, [{ value: '较大', weight: 8 }, { value: '重大', weight: 2 }]) : null,
          occurredOn,
          status,
          recordedRole: rng() < 0.85 ? 'city' : 'province',
        });
      }
    });
  }

  private pushViolation(
    rowIndex: number | null,
    v: {
      enterpriseIndex?: number;
      subject: ViolationSubject;
      type: ViolationType;
      accidentLevel: AccidentLevel | null;
      occurredOn: number;
      status: ViolationStatus;
      recordedRole: 'city' | 'province';
    },
  ): void {
    const { rng, today } = this;
    const row = rowIndex === null ? null : this.appointments[rowIndex];
    const enterpriseIndex = v.enterpriseIndex ?? row?.enterpriseIndex;
    if (enterpriseIndex === undefined) throw new Error('a violation needs an enterprise');
    const e = this.enterprises[enterpriseIndex];
    const recorded = Math.min(v.occurredOn + randInt(rng, 3, 45), today - 1);
    const updated = v.status === 'open' ? recorded : Math.min(recorded + randInt(rng, 10, 150), today - 1);
    const recordedAt = timestampOf(rng, recorded);
    const withPerson = v.subject !== 'enterprise' && row !== null;
    this.violations.push({
      enterpriseIndex,
      subject: withPerson ? v.subject : 'enterprise',
      personIndex: withPerson && row ? row.personIndex : null,
      appointmentIndex: withPerson ? rowIndex : null,
      type: v.type,
      accidentLevel: v.accidentLevel,
      occurredOn: isoOf(v.occurredOn),
      sourceDocument: this.documentNo(e, v.type, v.recordedRole, yearOfDay(recorded)),
      description: pick(rng, DESCRIPTIONS[v.type]),
      status: v.status,
      statusNote: v.status === 'open' ? null : pick(rng, STATUS_NOTES[v.status]),
      recordedRole: v.recordedRole,
      recordedAt,
      updatedAt: updated === recorded ? recordedAt : timestampOf(rng, updated),
      version: v.status === 'open' ? 1 : v.status === 'rectified' ? 2 : 3,
    });
  }

  /** 鄂质监罚〔2025〕12号, （2024）鄂0102刑初87号 and the like. */
  private documentNo(e: DemoEnterprise, type: ViolationType, role: 'city' | 'province', year: number): string {
    const { abbr } = provinceOf(e.regionCode);
    const n = randInt(this.rng, 3, 240) + (++this.docSeq % 7);
    const court = e.regionCode.slice(2);
    switch (type) {
      case '刑事处分':
        return `（${year}）${abbr}${court}刑初${n}号`;
      case '泄露商业秘密':
        return `（${year}）${abbr}${court}民初${n}号`;
      case '谋取不正当利益':
        return `${abbr}纪处〔${year}〕${n}号`;
      case '重大失误受处分':
        return `${abbr}企处〔${year}〕${n}号`;
      case '较大以上质量安全事故':
        return `${abbr}安委办〔${year}〕${n}号`;
      case '失信':
        return `${abbr}市监信〔${year}〕${n}号`;
      case '知情不报或虚假报告':
        return `${abbr}质强办通报〔${year}〕${n}号`;
      case '违法违规':
      case '损害合法权益':
        return role === 'province' ? `${abbr}质监罚〔${year}〕${n}号` : `${abbr}市监罚〔${year}〕${n}号`;
    }
  }

  // ---- training ----

  private trainPerson(personIndex: number): void {
    const { rng, today, lastYear } = this;
    const person = this.persons[personIndex];
    const rows = person.rows.map((i) => this.appointments[i]);
    const home = rows[0].enterpriseIndex;
    const e = this.enterprises[home];
    const { name: province } = provinceOf(e.regionCode);
    const prov = providers(province);
    const start = Math.min(...rows.map((r) => dayOf(r.appointedOn)));
    const end = rows.some((r) => r.status === 'active') ? today : Math.max(...rows.map((r) => dayOf(r.endedOn ?? r.effectiveFrom)));

    const initial = rows.find((r) => r.initialTrainingCompletedOn !== null && r.initialTrainingHours !== null);
    if (initial && initial.initialTrainingHours !== null && initial.initialTrainingCompletedOn !== null) {
      const hours = initial.initialTrainingHours;
      const last = dayOf(initial.initialTrainingCompletedOn);
      const days = Math.ceil(hours / 8) + (rng() < 0.3 ? 1 : 0);
      this.pushTraining(personIndex, home, '任职培训', pick(rng, INITIAL_COURSES), pick(rng, prov.initial), last - days + 1, last, hours, initial.initialTrainingCertNo, 'provider');
    }

    const firstYear = Math.max(yearOfDay(start), yearOfDay(today) - this.historyYears + 1);
    for (let year = firstYear; year <= Math.min(yearOfDay(today), yearOfDay(end)); year++) {
      // Courses fall between 5 Jan and 20 Dec, then only those inside the tenure and before today are kept.
      const lo = Math.max(jan1(year), start);
      const hi = Math.min(jan1(year + 1) - 1, end - 1, today - 2);
      if (hi - lo < 10) continue;
      const short = year === lastYear && person.shortLastYear !== null ? person.shortLastYear : rng() < (year === lastYear ? 0.25 : 0.15);
      const which = short ? pick(rng, ['first', 'second', 'both'] as const) : null;
      const firstTotal = which === 'first' || which === 'both' ? pick(rng, [0, 4, 6, 7, 8, 10, 12, 13.5]) : pick(rng, [14, 14, 16, 16, 18, 21, 24]);
      const secondTotal = which === 'second' || which === 'both' ? pick(rng, [0, 8, 12, 16, 20, 24, 28, 29.5]) : pick(rng, [30, 30, 32, 34, 36, 40, 45]);
      const place = (days: number): [number, number] | null => {
        const s = randInt(rng, jan1(year) + 4, jan1(year) + 353 - days);
        const f = s + days - 1;
        return s >= lo && f <= hi ? [s, f] : null;
      };
      for (const hours of this.split(firstTotal, [4, 6, 7, 7.5, 8, 12, 14, 16])) {
        const days = Math.ceil(hours / 8) + (rng() < 0.15 ? 1 : 0);
        const when = place(days);
        if (when) this.pushTraining(personIndex, home, '继续教育(第一类)', `${year}年${pick(rng, FIRST_COURSES)}`, pick(rng, prov.first), when[0], when[1], hours, this.trainingCertNo(year), 'provider');
      }
      for (const hours of this.split(secondTotal, [3.5, 4, 6, 8, 8, 10, 12, 16])) {
        const days = Math.ceil(hours / 8) + (rng() < 0.15 ? 1 : 0);
        const when = place(days);
        if (!when) continue;
        if (rng() < 0.45) {
          this.pushTraining(personIndex, home, '第二类', pick(rng, SECOND_COURSES_PROVIDER), pick(rng, prov.second), when[0], when[1], hours, this.trainingCertNo(year), 'provider');
        } else {
          this.pushTraining(personIndex, home, '第二类', pick(rng, SECOND_COURSES_ENTERPRISE), e.name, when[0], when[1], hours, null, 'enterprise');
        }
      }
      if (rng() < 0.4) {
        for (let k = rng() < 0.7 ? 1 : 2; k > 0; k--) {
          const hours = pick(rng, [2, 3, 4, 4, 6, 8]);
          const when = place(1);
          if (when) this.pushTraining(personIndex, home, '组织培训活动', `${year}年${pick(rng, ACTIVITY_COURSES)}`, e.name, when[0], when[1], hours, null, 'enterprise');
        }
      }
    }
  }

  /** Course sizes adding up to `total` (a multiple of 0.5); no piece below 2 hours except a remainder. */
  private split(total: number, sizes: readonly number[]): number[] {
    const out: number[] = [];
    let left = total;
    while (left > 0) {
      let piece = pick(this.rng, sizes);
      if (piece >= left || left - piece < 2) piece = left;
      out.push(piece);
      left -= piece;
    }
    return out;
  }

  private trainingCertNo(year: number): string {
    return `ZLPX${year}${String(++this.certSeq).padStart(6, '0')}`;
  }

  private pushTraining(
    personIndex: number,
    enterpriseIndex: number,
    category: TrainingCategory,
    course: string,
    provider: string,
    start: number,
    end: number,
    hours: number,
    certificateNo: string | null,
    source: 'enterprise' | 'provider',
  ): void {
    const recorded = Math.max(end, Math.min(end + randInt(this.rng, 1, 20), this.today - 1));
    const [h, m, sec] = [randInt(this.rng, 8, 17), randInt(this.rng, 0, 59), randInt(this.rng, 0, 59)];
    this.trainingKeys.push(recorded * 86_400 + h * 3600 + m * 60 + sec);
    this.training.push({
      personIndex,
      enterpriseIndex,
      category,
      course,
      provider,
      startDate: isoOf(start),
      endDate: isoOf(end),
      hours,
      certificateNo,
      source,
      recordedAt: `${isoOf(recorded)}T${two(h)}:${two(m)}:${two(sec)}+08:00`,
    });
  }
}

/**
 * CQOs for a demo province: ~90% of award winners, ~70% of 规上 and ~35% of the other enterprises
 * have an active CQO; about one in ten of them has earlier, ended appointments; the active ones
 * are ~65% eligible, ~20% attention and ~15% ineligible under hubei-2021 on `today`; a few people
 * are the active CQO of two enterprises; ~1% of enterprises have violations, a handful of them
 * disqualifying a CQO still in post.
 */
export function generateDemoCqos(opts: GenerateDemoCqosOptions): DemoCqoData {
  dayOf(opts.today);
  const years = opts.historyYears ?? DEFAULT_HISTORY_YEARS;
  if (!Number.isInteger(years) || years < MIN_HISTORY_YEARS) throw new Error(`historyYears must be a whole number of at least ${MIN_HISTORY_YEARS}`);
  return new CqoGenerator(opts.enterprises, opts.today, opts.seed ?? DEFAULT_SEED, opts.eligible ?? [], opts.without ?? [], years).run();
}

