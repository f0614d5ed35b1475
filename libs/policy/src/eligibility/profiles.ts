import type { AccidentLevel, PolicyProfile, RuleDefinition, ViolationType } from '@cqo/contracts';

// The built-in policy profiles (SPEC §3), as data. Each rule quotes the clause it comes from.
// A province changes a threshold by creating a new version (stored in the database), never by
// editing these.

/** Version 1 of a built-in profile: the provinces' own documents, in force from `effectiveFrom`. */
function builtIn(name: string, province: string, effectiveFrom: string, title: string, source: string, rules: RuleDefinition[]): PolicyProfile {
  return { name, version: 1, title, source, province, effectiveFrom, basedOn: null, builtIn: true, rules };
}

type RuleOf<K extends RuleDefinition['kind']> = Extract<RuleDefinition, { kind: K }>;

/** A rule that is the only one of its kind in a profile, so its id is its kind. */
function rule<K extends RuleDefinition['kind']>(
  kind: K,
  title: string,
  clause: string,
  clauseText: string,
  fields: Omit<RuleOf<K>, 'id' | 'kind' | 'title' | 'clause' | 'clauseText'>,
): RuleDefinition {
  return { id: kind, kind, title, clause, clauseText, ...fields } as RuleOf<K>;
}

/** A 不得担任 rule: hard, and failed by a recorded violation of one of `violationTypes` (SPEC §5). */
function disqualification(
  id: string,
  title: string,
  clause: string,
  clauseText: string,
  violationTypes: ViolationType[],
  minAccidentLevel: AccidentLevel | null = null,
): RuleDefinition {
  return { id: `disqualification.${id}`, kind: 'disqualification', title: `不得担任：${title}`, clause, clauseText, severity: 'hard', violationTypes, minAccidentLevel };
}

/** A 承诺 the CQO signs: hard, and met by the signed declaration `declaration.<key>`. */
function declaration(key: string, title: string, clause: string, clauseText: string, statement: string): RuleDefinition {
  return { id: `declaration.${key}`, kind: 'declaration', title: `承诺：${title}`, clause, clauseText, severity: 'hard', declaration: key, statement };
}

const HUBEI_CONDITIONS =
  '首席质量官应同时具备以下条件：热爱质量工作，熟悉国家有关法律、法规及方针、政策；具备良好的职业道德和敬业精神，诚实守信、勇于负责；从事质量管理工作5年以上，具备较好的沟通、协调、组织管理能力，具有一定的质量管理知识和实践经验；具有大学本科以上学历，中级及以上质量专业技术人员职业资格或相关专业高级技术职称；经过首席质量官任职培训并接受年度继续教育，满足岗位所要求的基本能力和素质。';

const hubei2021 = builtIn('hubei-2021', '420000', '2021-01-01', '湖北省推进企业首席质量官制度的实施意见（2021）', '004 湖北省推进企业首席质量官制度的实施意见（征求意见稿）', [
    rule('education', '学历', '004 二(二)', '具有大学本科以上学历', { severity: 'hard', min: '大学本科' }),
    rule('qualification', '职称或职业资格', '004 二(二)', '中级及以上质量专业技术人员职业资格或相关专业高级技术职称', { severity: 'hard', anyOf: [ { kind: 'quality-certificate', minLevel: '中级' }, { kind: 'title', minLevel: '副高级', qualityRelated: true, countQualityCertificate: false }, ] }),
    rule('experience', '从事质量管理工作年限', '004 二(二)', '从事质量管理工作5年以上', { severity: 'hard', minYears: 5 }),
    rule('initial-training', '任职培训', '004 三(一)(二)', '在首席质量官任职培训合格、符合任职条件的质量管理岗位人员中聘任；任职培训不少于 21 学时', { severity: 'hard', evidence: 'hours', minHours: 21 }),
    rule('annual-training', '年度继续教育', '004 三(二)', '第一类……继续教育培训不少于 14 学时。第二类……每年不少于 30 学时', { severity: 'soft', minFirstCategory: 14, minSecondCategory: 30, minTotal: null, minActivities: null }),
    rule('position', '岗位层级', '004 三(一)', '应设在企业决策层……规模以上企业首席质量官岗位可由副总经理（副总裁）或同职级及以上的企业高管担任……中小微企业可结合实际，酌情设立', { severity: 'hard', smeSeverity: 'soft', levels: ['决策层', '高层副职'] }),
    rule('term', '任期', '004 三(一)', '首席质量官任期一般为5年', { severity: 'hard', years: 5 }),
    declaration('love-quality', '热爱质量工作', '004 二(二)', HUBEI_CONDITIONS, '热爱质量工作，熟悉国家有关法律、法规及方针、政策'),
    declaration('ethics', '职业道德', '004 二(二)', HUBEI_CONDITIONS, '具备良好的职业道德和敬业精神，诚实守信、勇于负责'),
    declaration('competence', '管理能力', '004 二(二)', HUBEI_CONDITIONS, '具备较好的沟通、协调、组织管理能力，具有一定的质量管理知识和实践经验'),
    declaration('no-disqualification', '无不得担任情形', '004 二(二)', '有下列情形之一的，不得担任首席质量官：违反有关法律法规，在质量岗位工作中造成重大失误受过纪律处分或受过刑事处分的；利用履行职责之便谋取不正当利益的；发生较大以上质量安全事故并负有责任的。', '本人不存在不得担任首席质量官的情形（重大失误受处分或受刑事处分、谋取不正当利益、对较大以上质量安全事故负有责任）'),
    disqualification('misconduct', '重大失误受处分或刑事处分', '004 二(二)', '违反有关法律法规，在质量岗位工作中造成重大失误受过纪律处分或受过刑事处分的', ['重大失误受处分', '刑事处分']),
    disqualification('improper-gain', '谋取不正当利益', '004 二(二)', '利用履行职责之便谋取不正当利益的', ['谋取不正当利益']),
    disqualification('major-accident', '较大以上质量安全事故', '004 二(二)', '发生较大以上质量安全事故并负有责任的', ['较大以上质量安全事故'], '较大'),
]);

// 003: 2024-10-08 发布, 2024-11-08 实施.
const chongqing2024 = builtIn('chongqing-2024', '500000', '2024-11-08', 'DB50/T 1696—2024 企业首席质量官工作指南（重庆）', '003 DB50/T 1696—2024 企业首席质量官工作指南', [
    rule('education', '学历', '003 5.1.2', '具有大专及以上学历', { severity: 'hard', min: '大专' }),
    rule('qualification', '专业技术职称', '003 5.1.2', '中级及以上专业技术职称', { severity: 'hard', anyOf: [{ kind: 'title', minLevel: '中级', qualityRelated: false, countQualityCertificate: true }] }),
    rule('experience', '从事质量管理工作年限', '003 5.1.2', '从事企业质量管理工作 3 年以上', { severity: 'hard', minYears: 3 }),
    rule('initial-training', '培训证书或任命授权书', '003 5.1.3', '宜取得相关培训合格证书或企业主要负责人的任命授权书', { severity: 'soft', evidence: 'certificate-or-letter', minHours: null }),
    rule('position', '岗位层级', '003 4.1', '宜设置在企业决策层由专人负责或者由企业高层副职及以上层级领导兼任', { severity: 'soft', smeSeverity: 'soft', levels: ['决策层', '高层副职'] }),
    declaration('love-quality', '热爱质量工作', '003 5.1.1', '热爱质量工作，熟悉国家质量有关法律法规和政策。', '热爱质量工作，熟悉国家质量有关法律法规和政策'),
    declaration('competence', '质量管理知识', '003 5.1.2', '有较丰富的质量管理知识和实践经验。', '有较丰富的质量管理知识和实践经验'),
    declaration('no-disqualification', '无不得担任情形', '003 5.1.4', '有下列情形之一的，不得担任企业首席质量官：违反国家法律法规，在质量岗位工作中造成重大失误或受刑事处罚；利用职务之便谋取不正当利益；在履职期间向第三方泄露企业秘密或者合作伙伴信息，损害企业或者合作伙伴合法权益。', '本人不存在不得担任首席质量官的情形（重大失误或受刑事处罚、谋取不正当利益、泄露企业秘密或合作伙伴信息）'),
    disqualification('misconduct', '重大失误或刑事处罚', '003 5.1.4', '违反国家法律法规，在质量岗位工作中造成重大失误或受刑事处罚', ['重大失误受处分', '刑事处分']),
    disqualification('improper-gain', '谋取不正当利益', '003 5.1.4', '利用职务之便谋取不正当利益', ['谋取不正当利益']),
    disqualification('secrets', '泄露企业秘密或合作伙伴信息', '003 5.1.4', '在履职期间向第三方泄露企业秘密或者合作伙伴信息，损害企业或者合作伙伴合法权益', ['泄露商业秘密', '损害合法权益']),
]);

const hunan2024 = builtIn('hunan-2024', '430000', '2024-01-01', '首席质量官能力水平认定（湖南 团体标准 2024）', '001 首席质量官能力水平认定（征求意见稿）', [
    rule('education', '学历', '001 5.1.1', '应具有大专（含）以上学历', { severity: 'hard', min: '大专' }),
    rule('qualification', '职称或同等资格', '001 5.1.1', '中级（含）以上专业技术职称或同等资格质量管理工作经历', { severity: 'hard', anyOf: [{ kind: 'title', minLevel: '中级', qualityRelated: false, countQualityCertificate: true }, { kind: 'equivalent-experience' }] }),
    rule('initial-training', '培训合格证书', '001 5.1.4', '接受首席质量官培训并获得合格证书', { severity: 'hard', evidence: 'certificate', minHours: null }),
    rule('annual-training', '年度继续教育', '001 9.4.1.2', '每年应参加质量专业学习学时不少于 10 学时，应组织质量专业培训活动不少于 1 次', { severity: 'soft', minFirstCategory: null, minSecondCategory: null, minTotal: 10, minActivities: 1 }),
    declaration('background', '技术与标准化经历', '001 5.1.2', '应从事过技术、生产、熟悉计量、认证及标准化工作。', '从事过技术、生产工作，熟悉计量、认证及标准化工作'),
    declaration('competence', '管理能力', '001 5.1.3', '应熟悉质量管理体系，具备较强的管理、沟通协调、决策能力。', '熟悉质量管理体系，具备较强的管理、沟通协调、决策能力'),
    declaration('ethics', '法规与职业道德', '001 5.1.5', '应熟悉质量管理的相关法律法规、规章制度，具有良好的职业道德素养', '熟悉质量管理的相关法律法规、规章制度，具有良好的职业道德素养'),
    declaration('no-disqualification', '无不得担任情形', '001 5.1.5', '有下列情形之一的，不得担任首席质量官：a) 违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事处分的；b) 泄露企业的商业秘密；c) 损害企业或者合作伙伴的合法权益。', '本人不存在不得担任首席质量官的情形（违反法律法规，在质量岗位工作中造成重大失误、谋取不正当利益或受刑事处分，泄露商业秘密，损害合法权益）'),
    // 001 5.1.5 a) 违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事处分的: a breach of
    // law that led to one of three outcomes, not any breach. Onto the violation types of SPEC §5:
    // 造成重大失误 → 重大失误受处分, 谋取不正当利益 → 谋取不正当利益, 受刑事处分 → 刑事处分. A plain 违法违规
    // record names none of the three, so it does not disqualify here (as under 004 二(二) and
    // 003 5.1.4, and as libs/policy/src/grading/preconditions.ts reads it for 001 9.1). The status
    // does not matter: 整改 (rectified) or 结案 (closed) does not undo a 重大失误 made or a 刑事处分 received.
    disqualification('misconduct', '违法造成重大失误、谋取不正当利益或受刑事处分', '001 5.1.5 a)', '违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事处分的', ['重大失误受处分', '谋取不正当利益', '刑事处分']),
    disqualification('secrets', '泄露商业秘密', '001 5.1.5 b)', '泄露企业的商业秘密', ['泄露商业秘密']),
    disqualification('harm', '损害合法权益', '001 5.1.5 c)', '损害企业或者合作伙伴的合法权益', ['损害合法权益']),
]);

/** 000 4.1 leaves the thresholds to the industry or organisation; these defaults are a new version away. */
const zhejiang = builtIn('zhejiang', '330000', '2024-01-01', '首席质量官评价规范（浙江 标准草案）', '000 首席质量官评价规范（标准草案）', [
    rule('education', '学历', '000 4.1 a)', '应满足行业、组织对首席质量官的基础要求，包括但不限于：a) 学历或技术职称要求', { severity: 'hard', min: '大专' }),
    rule('qualification', '技术职称', '000 4.1 a)', '应满足行业、组织对首席质量官的基础要求，包括但不限于：a) 学历或技术职称要求', { severity: 'hard', anyOf: [{ kind: 'title', minLevel: '中级', qualityRelated: false, countQualityCertificate: true }] }),
    rule('experience', '工作经历', '000 4.1 b)', 'b) 工作经历（含质量管理工作）要求', { severity: 'hard', minYears: 3 }),
    rule('initial-training', '任职培训', '000 4.1 c)', 'c) 任职培训要求', { severity: 'hard', evidence: 'certificate', minHours: null }),
    rule('annual-training', '能力保持（继续教育）', '000 7.6', '在评价证书有效期内，获证人员每年应参与继续教育', { severity: 'soft', minFirstCategory: null, minSecondCategory: null, minTotal: 10, minActivities: null }),
    declaration('ethics', '职业素养', '000 4.2', '4.2.1 有道德，公正、诚实、真诚和正直。……4.2.6 廉洁自律，恪尽职守，自觉维护组织和行业信誉。', '有道德，公正、诚实、真诚和正直；廉洁自律，恪尽职守'),
    declaration('love-quality', '熟悉法规政策', '000 4.3.1', '熟悉国家和行业有关法律、法规和政策，了解行业质量发展形势和趋势。', '熟悉国家和行业有关法律、法规和政策，了解行业质量发展形势和趋势'),
]);

export const BUILT_IN_PROFILES: readonly PolicyProfile[] = [hubei2021, chongqing2024, hunan2024, zhejiang];

/** The built-in profile of that name (hubei-2021, chongqing-2024, hunan-2024, zhejiang); throws for another name. */
export function builtInProfile(name: string): PolicyProfile {
  const profile = BUILT_IN_PROFILES.find((p) => p.name === name);
  if (!profile) throw new Error(`no built-in profile ${name}`);
  return profile;
}

export const DEFAULT_PROFILE = 'hubei-2021@1';

export function profileRef(p: Pick<PolicyProfile, 'name' | 'version'>): string {
  return `${p.name}@${p.version}`;
}

/** A profile's name: lower-case letters, digits and hyphens, 2–47 characters (`hubei-2021`). */
export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,46}$/;
/**
 * A reference to a profile: its name (as PROFILE_NAME_PATTERN, less its anchors; group 1),
 * optionally `@version` (group 2) (`hubei-2021@2`).
 */
export const PROFILE_REF_PATTERN = new RegExp(`^(${PROFILE_NAME_PATTERN.source.slice(1, -1)})(?:@(\\d{1,6}))?$`);

/** `hubei-2021@2` → {name, version}; `hubei-2021` → the latest version among `available`. */
export function parseProfileRef(ref: string, available: readonly PolicyProfile[]): PolicyProfile | null {
  const m = PROFILE_REF_PATTERN.exec(ref.trim());
  if (!m) return null;
  const versions = available.filter((p) => p.name === m[1]);
  if (m[2] === undefined) return versions.reduce<PolicyProfile | null>((best, p) => (!best || p.version > best.version ? p : best), null);
  return versions.find((p) => p.version === Number(m[2])) ?? null;
}

/** The built-in written for `provinceCode`, else hubei-2021 (the province this product serves first). */
export function defaultProfileFor(provinceCode: string): string {
  const own = BUILT_IN_PROFILES.find((p) => p.province === provinceCode);
  return own ? profileRef(own) : DEFAULT_PROFILE;
}

/** The schedule entry in force on `date`: the latest whose `from` is on or before it. */
export function profileInForce(schedule: readonly { from: string; profile: string }[], date: string, fallback: string): string {
  let best: { from: string; profile: string } | null = null;
  for (const s of schedule) if (s.from <= date && (!best || s.from > best.from)) best = s;
  return best ? best.profile : fallback;
}

/** The declarations (承诺) a profile asks the filer to tick. */
export function declarationsOf(profile: PolicyProfile): Extract<RuleDefinition, { kind: 'declaration' }>[] {
  return profile.rules.filter((r): r is Extract<RuleDefinition, { kind: 'declaration' }> => r.kind === 'declaration');
}

/**
 * Every declaration id any of `profiles` asks for, sorted: what a blanket 任职承诺 = 是 (SPEC §8:
 * "the declarations of §3") ticks, so that a verdict under any profile — the one in force later, or
 * hunan-2024's 001 5.1.2 `background` — finds them made. `equivalent-experience` is not among them:
 * it is a qualification claimed in the filing form (001 5.1.1), not a declaration rule.
 */
export function allDeclarationIds(profiles: readonly PolicyProfile[]): string[] {
  return [...new Set(profiles.flatMap((p) => declarationsOf(p).map((d) => d.declaration)))].sort();
}

/** The term in years, if the profile limits it. */
export function termYearsOf(profile: PolicyProfile): number | null {
  const rule = profile.rules.find((r): r is Extract<RuleDefinition, { kind: 'term' }> => r.kind === 'term');
  return rule ? rule.years : null;
}
