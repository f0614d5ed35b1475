import { computeCreditCodeCheckChar, computeOrgCodeCheckChar } from '@cqo/policy';

/**
 * Demo data for a province: enterprises spread over its 市州 and 县市区, and the handful of users a
 * demo needs. Pure and deterministic — the same regions, count, seed and year always give the
 * same enterprises — so a demo database, a benchmark and a screenshot can be rebuilt exactly.
 */

export interface DemoRegion {
  code: string;
  name: string;
  level: 1 | 2 | 3;
  parentCode: string | null;
}

/**
 * The demo province's regions from the region table's rows (GB/T 2260 as `loadGbt2260Regions`
 * loads it): the province and everything under its path, by code. The seed and the generator
 * specs both go through here, so the specs see the regions the product seeds.
 */
export function demoRegionsOf(rows: readonly { code: string; name: string; level: number | string; parentCode: string | null; path: string }[], provinceCode: string): DemoRegion[] {
  return rows
    .filter((r) => r.path.startsWith(`/${provinceCode}/`))
    .map((r) => ({ code: r.code, name: r.name, level: Number(r.level) as DemoRegion['level'], parentCode: r.parentCode }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export type DemoSizeClass = '大型' | '中型' | '小型' | '微型';
export type DemoOwnership = '国有' | '民营' | '外资' | '其他';
export type DemoAwardType = '中国质量奖' | '中国质量奖提名奖' | '长江质量奖' | '长江质量奖提名奖' | '市州政府质量奖';

export interface DemoAward {
  award: DemoAwardType;
  year: number;
}

export interface DemoEnterprise {
  /** 统一社会信用代码 (GB 32100-2015), registered in `regionCode`. */
  creditCode: string;
  /** Unique across one generated set. */
  name: string;
  /** A 县市区 code, or a 市州 code for a 市州 without counties (省直管 仙桃 429004). */
  regionCode: string;
  aboveSize: boolean;
  sizeClass: DemoSizeClass;
  ownership: DemoOwnership;
  /** GB/T 4754 门类 letter. */
  industry: string;
  awards: DemoAward[];
}

export type DemoRole = 'enterprise' | 'county' | 'city' | 'province' | 'evaluator' | 'admin';

export interface DemoUserSpec {
  username: string;
  displayName: string;
  role: DemoRole;
  /** Null for `admin` and for `enterprise` users, whose scope is their enterprise. */
  regionCode: string | null;
  /** Index into the enterprises array the specs were made from. */
  enterpriseIndex: number | null;
}

export interface GenerateDemoEnterprisesOptions {
  regions: DemoRegion[];
  count: number;
  seed?: number;
  /** Last year an award can carry; passed in so the output does not depend on the clock. */
  currentYear: number;
}

export interface DemoUserSpecsOptions {
  regions: DemoRegion[];
  enterprises: DemoEnterprise[];
  provinceCode: string;
}

const DEFAULT_SEED = 20210601;
const FIRST_AWARD_YEAR = 2016;

/** Shares the demo aims at; the tests hold the generator to them. */
const SHARES = { aboveSize: 0.27, awardAboveSize: 0.1, awardOthers: 0.015 };

/** Weight of one county of the provincial capital relative to any other county. */
const CAPITAL_WEIGHT = 3;
/** A 省直管 unit is a county-level city in size, but reports like a 市州 and has no counties. */
const DIRECT_UNIT_WEIGHT = 2.5;

/** GB 32100 alphabet: digits and upper-case letters without I, O, S, V, Z. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DIGITS = '0123456789';

/** A source of uniform numbers in [0, 1); shared with the CQO generator. */
export type Rng = () => number;

export interface Weighted<T> {
  value: T;
  weight: number;
}

/** A weighted table from `{ value: weight }`, in the order written (the draw walks it in that order). */
export function weights<T extends string>(table: Record<T, number>): Weighted<T>[] {
  return (Object.entries(table) as [T, number][]).map(([value, weight]) => ({ value, weight }));
}

/** mulberry32: tiny, fast and good enough for demo data; never used for anything secret. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function pickWeighted<T>(rng: Rng, items: readonly Weighted<T>[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let r = rng() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item.value;
  }
  return items[items.length - 1].value;
}

function randomChars(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

function byCode(a: DemoRegion, b: DemoRegion): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Sampling by binary search over cumulative weights: the leaf list is drawn from once per enterprise. */
class WeightedSampler<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly items: readonly Weighted<T>[]) {
    let sum = 0;
    for (const item of items) {
      sum += item.weight;
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  sample(rng: Rng): T {
    const r = rng() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo].value;
  }
}

// ---- regions -------------------------------------------------------------------------------

interface Leaf {
  region: DemoRegion;
  /** The 市州 it belongs to (itself for a 省直管 unit). */
  city: DemoRegion;
  province: DemoRegion | undefined;
}

/** GB/T 2260 placeholder rows (市辖区) are not places a company is named after. */
function isPlaceholder(region: DemoRegion): boolean {
  return region.name === '市辖区' || region.name === '县' || region.name.includes('直辖县级行政区划');
}

const NAME_SUFFIXES = [
  '土家族苗族自治州',
  '土家族自治县',
  '经济技术开发区',
  '特别行政区',
  '壮族自治区',
  '回族自治区',
  '维吾尔自治区',
  '自治区',
  '自治州',
  '自治县',
  '管理区',
  '林区',
  '新区',
  '省',
  '市',
  '县',
  '区',
  '州',
  '盟',
  '旗',
];

/** 宜昌市 → 宜昌, 恩施土家族苗族自治州 → 恩施, 神农架林区 → 神农架; keeps names that would get too short. */
export function shortRegionName(name: string): string {
  for (const suffix of NAME_SUFFIXES) {
    if (name.endsWith(suffix) && name.length - suffix.length >= 2) return name.slice(0, -suffix.length);
  }
  return name;
}

function collectLeaves(regions: readonly DemoRegion[]): Leaf[] {
  const byCodeMap = new Map(regions.map((r) => [r.code, r]));
  const withChildren = new Set(regions.map((r) => r.parentCode).filter((c): c is string => c !== null));
  const leaves: Leaf[] = [];
  for (const region of [...regions].sort(byCode)) {
    if (region.level === 3) {
      const parent = region.parentCode ? byCodeMap.get(region.parentCode) : undefined;
      const city = parent && parent.level === 2 ? parent : region;
      const province = city.parentCode ? byCodeMap.get(city.parentCode) : undefined;
      leaves.push({ region, city, province });
    } else if (region.level === 2 && !withChildren.has(region.code)) {
      const province = region.parentCode ? byCodeMap.get(region.parentCode) : undefined;
      leaves.push({ region, city: region, province });
    }
  }
  return leaves;
}

function isCapital(city: DemoRegion): boolean {
  return city.level === 2 && city.code.endsWith('0100');
}

function leafWeight(rng: Rng, leaf: Leaf): number {
  // Jitter so that neighbouring counties do not come out suspiciously equal.
  const jitter = 0.6 + rng() * 0.8;
  if (leaf.region === leaf.city) return DIRECT_UNIT_WEIGHT * jitter;
  const cityFactor = isCapital(leaf.city) ? CAPITAL_WEIGHT : 1;
  const urbanFactor = leaf.region.name.endsWith('区') ? 1.2 : 1;
  return cityFactor * urbanFactor * jitter;
}

/** One enterprise per leaf first (when there are enough), the rest by weight, then shuffled. */
function allocateLeaves(rng: Rng, leaves: readonly Leaf[], count: number): Leaf[] {
  const sampler = new WeightedSampler(leaves.map((leaf) => ({ value: leaf, weight: leafWeight(rng, leaf) })));
  const allocation: Leaf[] = count >= leaves.length ? [...leaves] : [];
  while (allocation.length < count) allocation.push(sampler.sample(rng));
  for (let i = allocation.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [allocation[i], allocation[j]] = [allocation[j], allocation[i]];
  }
  return allocation;
}

// ---- attributes ----------------------------------------------------------------------------

/** Mostly manufacturing: the CQO system is aimed at producers first (004 一). */
const INDUSTRIES: readonly Weighted<string>[] = weights({ C: 68, E: 5, F: 5, G: 4, I: 4, M: 4, D: 3, A: 2, B: 1, H: 1, K: 1, L: 1, N: 0.5, R: 0.5 });

/** What a company in each 门类 calls itself between its 字号 and its legal form. */
const INDUSTRY_PHRASES: Readonly<Record<string, readonly string[]>> = {
  A: ['农业发展', '生态农业', '现代农业科技', '水产养殖', '茶业', '种业'],
  B: ['矿业', '矿产开发', '石材'],
  C: [
    '精密机械制造',
    '汽车零部件',
    '智能电子科技',
    '光电科技',
    '新材料科技',
    '生物医药',
    '医疗器械',
    '食品',
    '粮油',
    '纺织',
    '服饰',
    '化工',
    '精细化工',
    '建材',
    '钢结构',
    '电线电缆',
    '电气设备',
    '机电设备',
    '包装材料',
    '塑业',
    '酒业',
    '家具',
    '印务',
    '环保设备',
    '阀门',
    '模具',
    '锻造',
    '铸造',
    '专用汽车',
    '船舶配件',
    '新能源科技',
    '半导体',
    '涂料',
    '纸业',
    '重工',
    '液压机械',
    '仪器仪表',
    '陶瓷',
  ],
  D: ['电力', '能源', '燃气', '水务', '热力'],
  E: ['建设工程', '建筑工程', '路桥工程', '市政工程', '建筑安装工程'],
  F: ['商贸', '贸易', '医药连锁', '农资', '供销'],
  G: ['物流', '运输', '供应链管理', '仓储'],
  H: ['酒店管理', '餐饮管理'],
  I: ['信息技术', '软件技术', '网络科技', '数据科技'],
  K: ['置业', '物业服务'],
  L: ['企业管理咨询', '人力资源服务'],
  M: ['检测技术', '检验检测', '工程设计', '计量技术', '工程技术研究'],
  N: ['环境工程', '园林绿化'],
  R: ['文化传媒', '文化旅游'],
};

/** 字号: plain, plausible trade names; none is a well-known brand. */
const TRADE_NAMES: readonly string[] = [
  '三峡', '长江', '楚天', '荆楚', '华中', '汉江', '江汉', '光谷', '鑫达', '恒泰', '宏盛', '金源',
  '瑞丰', '华宇', '天元', '博远', '正信', '振华', '东方', '凯达', '新华', '永安', '安信', '华科',
  '精诚', '德润', '鼎盛', '昌盛', '宏图', '卓越', '众恒', '明阳', '锦程', '嘉禾', '天宇', '华锐',
  '海纳', '金鼎', '鸿泰', '金瑞', '力源', '盛世', '九鼎', '富源', '联创', '丰泽', '泰和', '合力',
  '华扬', '天成', '盛达', '同创', '恒信', '诚达', '立信', '正和', '中南', '恒达', '荆江', '清江',
  '晟源', '金桥', '华美', '云峰', '隆盛', '天和', '华康', '新源', '万通', '永发', '广达', '德丰',
  '俊杰', '恒瑞', '金达', '润达', '通达', '信达', '顺发', '伟业', '博瑞', '启航', '宏远', '百川',
  '长盛', '利民', '丰华', '天润', '晨光', '瑞祥', '新兴', '佳和', '鸿运', '金山', '鼎泰', '星火',
];

function drawSizeClass(rng: Rng, aboveSize: boolean): DemoSizeClass {
  // 规上 (年主营业务收入 2000 万元以上) reaches down into 小型; below it there is no 大中型.
  return aboveSize
    ? pickWeighted<DemoSizeClass>(rng, weights({ 大型: 10, 中型: 45, 小型: 45 }))
    : pickWeighted<DemoSizeClass>(rng, weights({ 小型: 40, 微型: 60 }));
}

function drawOwnership(rng: Rng, aboveSize: boolean): DemoOwnership {
  return aboveSize
    ? pickWeighted<DemoOwnership>(rng, weights({ 民营: 70, 国有: 15, 外资: 10, 其他: 5 }))
    : pickWeighted<DemoOwnership>(rng, weights({ 民营: 88, 其他: 6, 国有: 3, 外资: 3 }));
}

const FIRST_AWARDS: readonly Weighted<DemoAwardType>[] = weights({ 市州政府质量奖: 70, 长江质量奖提名奖: 12, 长江质量奖: 9, 中国质量奖提名奖: 6, 中国质量奖: 3 });

function drawAwards(rng: Rng, aboveSize: boolean, currentYear: number): DemoAward[] {
  if (rng() >= (aboveSize ? SHARES.awardAboveSize : SHARES.awardOthers)) return [];
  const firstYear = Math.min(FIRST_AWARD_YEAR, currentYear);
  const drawYear = (from: number) => from + Math.floor(rng() * (currentYear - from + 1));
  const first: DemoAward = { award: pickWeighted(rng, FIRST_AWARDS), year: drawYear(firstYear) };
  const awards = [first];
  // A 市州 award is often the step before a provincial one a few years later.
  if (first.award === '市州政府质量奖' && first.year < currentYear && rng() < 0.2) {
    awards.push({
      award: rng() < 0.7 ? '长江质量奖提名奖' : '长江质量奖',
      year: drawYear(first.year + 1),
    });
  }
  return awards;
}

function drawLegalForm(rng: Rng, sizeClass: DemoSizeClass, ownership: DemoOwnership, aboveSize: boolean): string {
  if (sizeClass === '大型' && rng() < 0.4) return '集团有限公司';
  if (ownership === '国有' && rng() < 0.5) return '有限责任公司';
  if (rng() < (aboveSize ? 0.35 : 0.05)) return '股份有限公司';
  return '有限公司';
}

/** Place part of the name: mostly the 市州, sometimes the county, sometimes the province. */
function drawPlace(rng: Rng, leaf: Leaf, aboveSize: boolean): string {
  const r = rng();
  if (leaf.province && r < (aboveSize ? 0.2 : 0.08)) return shortRegionName(leaf.province.name);
  const county = leaf.region;
  const namedAfterCounty =
    county !== leaf.city && !isPlaceholder(county) && !county.name.endsWith('区') && rng() < 0.45;
  if (namedAfterCounty) return shortRegionName(county.name);
  return isPlaceholder(leaf.city) ? shortRegionName(county.name) : shortRegionName(leaf.city.name);
}

function drawName(rng: Rng, leaf: Leaf, e: Omit<DemoEnterprise, 'name' | 'creditCode'>, taken: Set<string>): string {
  const phrases = INDUSTRY_PHRASES[e.industry] ?? INDUSTRY_PHRASES.C;
  for (let attempt = 0; ; attempt++) {
    const place = drawPlace(rng, leaf, e.aboveSize);
    // Two-part 字号 once single ones start to collide; a numbered one only as a last resort.
    let trade = pick(rng, TRADE_NAMES);
    if (attempt >= 20) trade += pick(rng, TRADE_NAMES);
    if (attempt >= 60) trade += String(attempt);
    const name = `${place}${trade}${pick(rng, phrases)}${drawLegalForm(rng, e.sizeClass, e.ownership, e.aboveSize)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/**
 * 91 (工商登记的企业) + region + 主体标识码 + check. The 主体标识码 is either an old 8-digit
 * organisation code or the post-2015 `MA…` form, each followed by its GB 11714 check character.
 */
function drawCreditCode(rng: Rng, regionCode: string, ownership: DemoOwnership, taken: Set<string>): string {
  for (;;) {
    const oldStyle = rng() < (ownership === '国有' ? 0.6 : 0.35);
    const body = oldStyle ? randomChars(rng, DIGITS, 8) : `MA4${randomChars(rng, CODE_ALPHABET, 5)}`;
    const first17 = `91${regionCode}${body}${computeOrgCodeCheckChar(body)}`;
    const code = first17 + computeCreditCodeCheckChar(first17);
    if (!taken.has(code)) {
      taken.add(code);
      return code;
    }
  }
}

export function generateDemoEnterprises(opts: GenerateDemoEnterprisesOptions): DemoEnterprise[] {
  const { regions, count, currentYear } = opts;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (count === 0) return [];
  const leaves = collectLeaves(regions);
  if (leaves.length === 0) throw new Error('no 市州 or 县市区 to place demo enterprises in');
  for (const leaf of leaves) {
    if (!/^[0-9]{6}$/.test(leaf.region.code)) throw new Error(`region code ${leaf.region.code} is not 6 digits`);
  }

  const rng = mulberry32(opts.seed ?? DEFAULT_SEED);
  const names = new Set<string>();
  const codes = new Set<string>();
  return allocateLeaves(rng, leaves, count).map((leaf) => {
    const aboveSize = rng() < SHARES.aboveSize;
    const sizeClass = drawSizeClass(rng, aboveSize);
    const ownership = drawOwnership(rng, aboveSize);
    const industry = pickWeighted(rng, INDUSTRIES);
    const awards = drawAwards(rng, aboveSize, currentYear);
    const attributes = { regionCode: leaf.region.code, aboveSize, sizeClass, ownership, industry, awards };
    const name = drawName(rng, leaf, attributes, names);
    const creditCode = drawCreditCode(rng, leaf.region.code, ownership, codes);
    return { creditCode, name, ...attributes };
  });
}

// ---- users ---------------------------------------------------------------------------------

/**
 * The demo accounts: one per role, two 市州 so that cross-city isolation can be shown, one county
 * inside the first 市州, two enterprises in different 市州, and two evaluators (a panel needs two).
 */
/** The 质强办 account of a 市州 or county: `city-420100`, 武汉市质强办. */
function officeUser(role: 'city' | 'county', region: DemoRegion): DemoUserSpec {
  return { username: `${role}-${region.code}`, displayName: `${region.name}质强办`, role, regionCode: region.code, enterpriseIndex: null };
}

export function demoUserSpecs(opts: DemoUserSpecsOptions): DemoUserSpec[] {
  const { regions, enterprises, provinceCode } = opts;
  const byCodeMap = new Map(regions.map((r) => [r.code, r]));
  const cities = regions.filter((r) => r.level === 2 && r.parentCode === provinceCode).sort(byCode);

  const cityOf = (regionCode: string): string | null => {
    let region = byCodeMap.get(regionCode);
    while (region && region.level > 2 && region.parentCode) region = byCodeMap.get(region.parentCode);
    return region && region.level === 2 ? region.code : null;
  };
  const enterpriseCount = new Map<string, number>();
  for (const e of enterprises) enterpriseCount.set(e.regionCode, (enterpriseCount.get(e.regionCode) ?? 0) + 1);

  const specs: DemoUserSpec[] = [
    { username: 'admin', displayName: '系统管理员', role: 'admin', regionCode: null, enterpriseIndex: null },
    { username: 'province', displayName: '省质强办管理员', role: 'province', regionCode: provinceCode, enterpriseIndex: null },
  ];

  for (const city of cities.slice(0, 2)) {
    specs.push(officeUser('city', city));
  }

  const firstCity = cities[0];
  const counties = firstCity
    ? regions.filter((r) => r.level === 3 && r.parentCode === firstCity.code && !isPlaceholder(r)).sort(byCode)
    : [];
  const county = counties.find((c) => (enterpriseCount.get(c.code) ?? 0) > 0) ?? counties[0];
  if (county) {
    specs.push(officeUser('county', county));
  }

  // The first enterprise user sits under the county user, so county, city and province all see it.
  // Prefer a 规上 manufacturer: the typical CQO filer, and it shows every category on the dashboard.
  const indexWhere = (accept: (e: DemoEnterprise) => boolean): number => {
    for (const preferred of [(e: DemoEnterprise) => e.aboveSize && e.industry === 'C', (e: DemoEnterprise) => e.aboveSize]) {
      const index = enterprises.findIndex((e) => accept(e) && preferred(e));
      if (index >= 0) return index;
    }
    return enterprises.findIndex(accept);
  };
  let first = county ? indexWhere((e) => e.regionCode === county.code) : -1;
  if (first < 0 && firstCity) first = indexWhere((e) => cityOf(e.regionCode) === firstCity.code);
  if (first < 0) first = enterprises.length > 0 ? 0 : -1;
  const firstCityCode = first >= 0 ? cityOf(enterprises[first].regionCode) : null;
  const secondCity = cities[1];
  let second = secondCity ? indexWhere((e) => cityOf(e.regionCode) === secondCity.code) : -1;
  if (second < 0) second = indexWhere((e) => cityOf(e.regionCode) !== firstCityCode);

  [first, second].forEach((index, i) => {
    if (index < 0) return;
    specs.push({
      username: `ent-${i + 1}`,
      displayName: enterprises[index].name,
      role: 'enterprise',
      regionCode: null,
      enterpriseIndex: index,
    });
  });

  specs.push({
    username: 'evaluator',
    displayName: '首席质量官能力评价中心',
    role: 'evaluator',
    regionCode: provinceCode,
    enterpriseIndex: null,
  });
  // A panel (评价组) is a leader and at least one other evaluator of the body.
  specs.push({
    username: 'evaluator-2',
    displayName: '能力评价中心评价专家',
    role: 'evaluator',
    regionCode: provinceCode,
    enterpriseIndex: null,
  });
  return specs;
}
