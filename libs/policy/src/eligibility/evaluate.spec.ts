import {
  VIOLATION_TYPES,
  type AccidentLevel,
  type PolicyProfile,
  type QualificationLevel,
  type QualificationType,
  type RuleResult,
  type VerdictResult,
  type ViolationStatus,
  type ViolationType,
} from '@cqo/contracts';
import { defaultTermEnd, evaluateEligibility, termEndsWithin, type EligibilityFacts, type ViolationFact, type YearTraining } from './evaluate';
import { BUILT_IN_PROFILES, builtInProfile, declarationsOf, parseProfileRef, profileInForce } from './profiles';

// Every test starts from one person who is eligible under every built-in profile and changes
// exactly one thing (one field, or the one qualification the person holds).

const HUBEI = builtInProfile('hubei-2021');
const CHONGQING = builtInProfile('chongqing-2024');
const HUNAN = builtInProfile('hunan-2024');
const ZHEJIANG = builtInProfile('zhejiang');

/** A verdict on this day judges the yearly rules on 2024 (SPEC §3: Y = year(D) − 1). */
const AS_OF = '2025-06-30';
const Y = 2024;

const FULL_YEAR: YearTraining = { firstCategory: 14, secondCategory: 30, activities: 1 };
const EVERY_YEAR: Record<number, YearTraining> = {};
for (let year = 2020; year <= 2032; year++) EVERY_YEAR[year] = FULL_YEAR;

const BASELINE: EligibilityFacts = {
  aboveSize: true,
  appointedOn: '2023-03-01',
  termEnd: null,
  positionLevel: '决策层',
  education: '大学本科',
  qualificationType: '质量专业技术人员职业资格',
  qualificationLevel: '中级',
  qualityRelated: true,
  yearsInQuality: 5,
  declarations: ['love-quality', 'ethics', 'competence', 'no-disqualification', 'background'],
  authorisationCertNo: 'SQ-2023-0001',
  initialTraining: { hours: 21, certificateNo: 'PX-2023-0001', completedOn: '2023-03-01' },
  trainingByYear: EVERY_YEAR,
  violations: [],
};

type Overrides = Partial<Omit<EligibilityFacts, 'initialTraining'>> & { initialTraining?: Partial<EligibilityFacts['initialTraining']> };

/** The eligible baseline with `overrides` applied. */
function person(overrides: Overrides = {}): EligibilityFacts {
  const { initialTraining, ...rest } = overrides;
  return { ...BASELINE, ...rest, initialTraining: { ...BASELINE.initialTraining, ...initialTraining } };
}

/** The one qualification the person holds. */
const holding = (qualificationType: QualificationType, qualificationLevel: QualificationLevel | null, qualityRelated: boolean): Overrides => ({
  qualificationType,
  qualificationLevel,
  qualityRelated,
});

/** The ledger of `year` changed; every other year stays complete. */
const ledger = (year: number, t: Partial<YearTraining>): Overrides => ({ trainingByYear: { ...EVERY_YEAR, [year]: { ...FULL_YEAR, ...t } } });

const withoutDeclaration = (id: string): Overrides => ({ declarations: BASELINE.declarations.filter((d) => d !== id) });

function violation(type: ViolationType, more: { accidentLevel?: AccidentLevel | null; occurredOn?: string; status?: ViolationStatus } = {}): ViolationFact {
  return {
    type,
    accidentLevel: more.accidentLevel ?? (type === '较大以上质量安全事故' ? '较大' : null),
    occurredOn: more.occurredOn ?? '2024-05-10',
    status: more.status ?? 'open',
    sourceDocument: '鄂市监处罚〔2024〕12号',
  };
}

const judge = (profile: PolicyProfile, overrides: Overrides = {}, asOf = AS_OF): VerdictResult => evaluateEligibility(profile, person(overrides), asOf);

function ruleOf(v: VerdictResult, id: string): RuleResult {
  const r = v.rules.find((x) => x.id === id);
  if (!r) throw new Error(`${v.profile} has no rule ${id}`);
  return r;
}

const failing = (v: VerdictResult): string[] => v.rules.filter((r) => !r.pass).map((r) => r.id);

/** The verdict is `verdict` and `id` is the only failing rule, citing `clause`. */
function expectOnlyFailure(v: VerdictResult, id: string, verdict: 'attention' | 'ineligible', clause: string): RuleResult {
  expect(v.verdict).toBe(verdict);
  expect(failing(v)).toEqual([id]);
  const r = ruleOf(v, id);
  expect(r.clause).toBe(clause);
  expect(r.applicable).toBe(true);
  expect(r.severity).toBe(verdict === 'ineligible' ? 'hard' : 'soft');
  return r;
}

function expectEligible(v: VerdictResult): void {
  expect(failing(v)).toEqual([]);
  expect(v.verdict).toBe('eligible');
  expect(v.disqualified).toBe(false);
}

// ---------------------------------------------------------------------------------------------

describe('SPEC §3 verdicts: every built-in profile', () => {
  describe.each(BUILT_IN_PROFILES.map((p) => [p.name, p] as const))('%s', (_name, profile) => {
    it('finds the fully eligible baseline person eligible, every rule passing', () => {
      const v = judge(profile);
      expect(v.verdict).toBe('eligible');
      expect(v.disqualified).toBe(false);
      expect(v.rules.every((r) => r.pass)).toBe(true);
    });

    it('names the profile as name@version and echoes the date judged', () => {
      const v = judge(profile);
      expect(v.profile).toBe(`${profile.name}@1`);
      expect(v.asOf).toBe(AS_OF);
    });

    it('lists every rule in order, each with the clause, clause text, title and severity of its rule', () => {
      const v = judge(profile);
      expect(v.rules.map((r) => r.id)).toEqual(profile.rules.map((r) => r.id));
      v.rules.forEach((r, i) => {
        const rule = profile.rules[i];
        expect(r).toMatchObject({ kind: rule.kind, title: rule.title, clause: rule.clause, clauseText: rule.clauseText });
        expect(r.expected.length).toBeGreaterThan(0);
        expect(r.actual.length).toBeGreaterThan(0);
      });
    });

    it('keeps clause and clause text on failing rules too', () => {
      const v = judge(profile, { education: '高中及以下', declarations: [], initialTraining: { certificateNo: null, hours: null } });
      for (const r of v.rules.filter((x) => !x.pass)) {
        const rule = profile.rules.find((x) => x.id === r.id)!;
        expect(r.clause).toBe(rule.clause);
        expect(r.clauseText).toBe(rule.clauseText);
      }
    });
  });

  it('is ineligible when a hard rule fails even if a soft rule also fails (hubei)', () => {
    const v = evaluateEligibility(HUBEI, { ...person(ledger(Y, { firstCategory: 0 })), education: '大专' }, AS_OF);
    expect(failing(v).sort()).toEqual(['annual-training', 'education']);
    expect(v.verdict).toBe('ineligible');
  });

  it('names a derived version by its own number', () => {
    const v2: PolicyProfile = { ...HUBEI, version: 2, basedOn: 'hubei-2021@1', builtIn: false };
    expect(evaluateEligibility(v2, person(), AS_OF).profile).toBe('hubei-2021@2');
  });
});

// ---------------------------------------------------------------------------------------------
// Years in quality management

describe('hubei-2021 004 二(二) 从事质量管理工作5年以上', () => {
  it('passes 5 whole years', () => {
    const v = judge(HUBEI, { yearsInQuality: 5 });
    expectEligible(v);
    expect(ruleOf(v, 'experience').actual).toBe('5 年');
  });

  it('fails 4 years: ineligible citing 004 二(二), showing 5 expected and 4 actual', () => {
    const r = expectOnlyFailure(judge(HUBEI, { yearsInQuality: 4 }), 'experience', 'ineligible', '004 二(二)');
    expect(r.expected).toBe('5 年及以上');
    expect(r.actual).toBe('4 年');
    expect(r.clauseText).toContain('5年以上');
  });
});

describe.each([
  { title: 'chongqing-2024 003 5.1.2 从事企业质量管理工作 3 年以上', profile: CHONGQING, clause: '003 5.1.2' },
  { title: 'zhejiang 000 4.1 b) 工作经历要求 (default 3 years)', profile: ZHEJIANG, clause: '000 4.1 b)' },
])('$title', ({ profile, clause }) => {
  it('passes 3 years', () => {
    expectEligible(judge(profile, { yearsInQuality: 3 }));
  });

  it(`fails 2 years: ineligible citing ${clause}`, () => {
    const r = expectOnlyFailure(judge(profile, { yearsInQuality: 2 }), 'experience', 'ineligible', clause);
    expect(r.expected).toContain('3 年');
    expect(r.actual).toBe('2 年');
  });
});

describe('hunan-2024 001 5.1 sets no years in quality management', () => {
  it('does not judge years: 0 years is still eligible', () => {
    const v = judge(HUNAN, { yearsInQuality: 0 });
    expectEligible(v);
    expect(v.rules.some((r) => r.kind === 'experience')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Education

describe.each([
  ['hubei-2021 004 二(二) 具有大学本科以上学历', HUBEI, '004 二(二)', ['大学本科', '硕士研究生'], '大专', '大学本科及以上'],
  ['chongqing-2024 003 5.1.2 具有大专及以上学历', CHONGQING, '003 5.1.2', ['大专'], '中专', '大专及以上'],
  ['hunan-2024 001 5.1.1 应具有大专（含）以上学历', HUNAN, '001 5.1.1', ['大专'], '中专', '大专及以上'],
  ['zhejiang 000 4.1 a) 学历要求 (default 大专)', ZHEJIANG, '000 4.1 a)', ['大专'], '中专', '大专及以上'],
] as const)('%s', (_title, profile, clause, passing, failing, expected) => {
  it.each(passing)('passes %s', (education) => {
    expectEligible(judge(profile, { education }));
  });

  it(`fails ${failing}: ineligible, expected ${expected}, actual ${failing}`, () => {
    const r = expectOnlyFailure(judge(profile, { education: failing }), 'education', 'ineligible', clause);
    expect(r.expected).toBe(expected);
    expect(r.actual).toBe(failing);
  });
});

// ---------------------------------------------------------------------------------------------
// Qualification

describe('hubei-2021 004 二(二) 中级及以上质量专业技术人员职业资格或相关专业高级技术职称', () => {
  it.each([
    ['质量专业技术人员职业资格', '中级', false, '中级质量专业技术人员职业资格'],
    ['质量专业技术人员职业资格', '副高级', false, '副高级质量专业技术人员职业资格'],
    ['专业技术职称', '副高级', true, '副高级专业技术职称（质量相关专业）'],
    ['专业技术职称', '正高级', true, '正高级专业技术职称（质量相关专业）'],
  ] as const)('passes a %s at %s (quality-related: %s), stated as %s', (kind, level, related, actual) => {
    const v = judge(HUBEI, holding(kind, level, related));
    expectEligible(v);
    expect(ruleOf(v, 'qualification').actual).toBe(actual);
  });

  it.each([
    ['专业技术职称', '副高级', false, '副高级专业技术职称（非质量相关专业）'],
    ['专业技术职称', '中级', false, '中级专业技术职称（非质量相关专业）'],
    // a 职称 must be 高级 even when quality-related
    ['专业技术职称', '中级', true, '中级专业技术职称（质量相关专业）'],
    ['质量专业技术人员职业资格', '初级', false, '初级质量专业技术人员职业资格'],
    ['无', null, false, '无职称或职业资格'],
  ] as const)('fails a %s at %s (quality-related: %s), stated as %s', (kind, level, related, actual) => {
    const r = expectOnlyFailure(judge(HUBEI, holding(kind, level, related)), 'qualification', 'ineligible', '004 二(二)');
    expect(r.actual).toBe(actual);
  });

  it('states both ways to qualify in the expected wording', () => {
    const r = ruleOf(judge(HUBEI, holding('无', null, false)), 'qualification');
    expect(r.expected).toContain('中级及以上质量专业技术人员职业资格');
    expect(r.expected).toContain('质量相关专业副高级及以上专业技术职称');
  });
});

describe.each([
  ['chongqing-2024 003 5.1.2 中级及以上专业技术职称', CHONGQING, '003 5.1.2'],
  ['hunan-2024 001 5.1.1 中级（含）以上专业技术职称或同等资格质量管理工作经历', HUNAN, '001 5.1.1'],
  ['zhejiang 000 4.1 a) 技术职称要求 (default 中级)', ZHEJIANG, '000 4.1 a)'],
] as const)('%s', (_title, profile, clause) => {
  // A 中级 质量专业技术人员职业资格 counts as a 中级 职称 (SPEC §3); any 中级 职称 passes, quality-related or not.
  it.each(['质量专业技术人员职业资格', '专业技术职称'] as const)('passes a 中级 %s', (kind) => {
    expectEligible(judge(profile, holding(kind, '中级', false)));
  });

  it.each(['质量专业技术人员职业资格', '专业技术职称'] as const)('fails an 初级 %s, expecting 中级及以上专业技术职称', (kind) => {
    const r = expectOnlyFailure(judge(profile, holding(kind, '初级', false)), 'qualification', 'ineligible', clause);
    expect(r.expected).toContain('中级及以上专业技术职称');
    expect(r.actual).toContain('初级');
  });
});

describe('chongqing-2024 003 5.1.2 has no equivalent to a 职称', () => {
  it('does not accept a declared equivalent experience instead of a 职称', () => {
    const v = judge(CHONGQING, { ...holding('无', null, false), declarations: [...BASELINE.declarations, 'equivalent-experience'] });
    expectOnlyFailure(v, 'qualification', 'ineligible', '003 5.1.2');
  });
});

describe('hunan-2024 001 5.1.1 或同等资格质量管理工作经历', () => {
  it('passes 无 when the equivalent-experience declaration is ticked', () => {
    const v = judge(HUNAN, { ...holding('无', null, false), declarations: [...BASELINE.declarations, 'equivalent-experience'] });
    expectEligible(v);
    expect(ruleOf(v, 'qualification').expected).toContain('同等资格质量管理工作经历');
  });

  it('fails 无 without the equivalent-experience declaration', () => {
    const r = expectOnlyFailure(judge(HUNAN, holding('无', null, false)), 'qualification', 'ineligible', '001 5.1.1');
    expect(r.actual).toBe('无职称或职业资格');
  });
});

// ---------------------------------------------------------------------------------------------
// Position

describe('hubei-2021 004 三(一) 应设在企业决策层；规模以上企业由副总经理或同职级及以上高管担任', () => {
  it('passes 决策层 and 高层副职 in a 规上 enterprise', () => {
    expectEligible(judge(HUBEI, { positionLevel: '决策层' }));
    expectEligible(judge(HUBEI, { positionLevel: '高层副职' }));
  });

  it('fails 中层 in a 规上 enterprise as a hard rule: ineligible', () => {
    const r = expectOnlyFailure(judge(HUBEI, { positionLevel: '中层' }), 'position', 'ineligible', '004 三(一)');
    expect(r.actual).toBe('中层');
    expect(r.expected).toContain('规上企业');
    expect(r.expected).toContain('硬性');
  });

  it('fails 其他 in a 规上 enterprise', () => {
    expectOnlyFailure(judge(HUBEI, { positionLevel: '其他' }), 'position', 'ineligible', '004 三(一)');
  });

  it('passes 决策层 in an SME', () => {
    expectEligible(judge(HUBEI, { aboveSize: false }));
  });

  it('fails 中层 in an SME only softly (中小微企业可结合实际): attention', () => {
    const v = evaluateEligibility(HUBEI, { ...person({ aboveSize: false }), positionLevel: '中层' }, AS_OF);
    const r = expectOnlyFailure(v, 'position', 'attention', '004 三(一)');
    expect(r.severity).toBe('soft');
    expect(r.expected).toContain('中小微企业');
    expect(r.expected).toContain('柔性');
  });
});

describe('chongqing-2024 003 4.1 宜设置在企业决策层或由企业高层副职及以上层级领导兼任', () => {
  it('passes 高层副职', () => {
    expectEligible(judge(CHONGQING, { positionLevel: '高层副职' }));
  });

  it('flags 中层 in a 规上 enterprise for attention only (宜 is soft)', () => {
    const r = expectOnlyFailure(judge(CHONGQING, { positionLevel: '中层' }), 'position', 'attention', '003 4.1');
    expect(r.actual).toBe('中层');
  });
});

describe.each([
  ['hunan-2024', HUNAN],
  ['zhejiang', ZHEJIANG],
] as const)('%s sets no position level', (_name, profile) => {
  it('finds a 中层 CQO eligible', () => {
    expectEligible(judge(profile, { positionLevel: '中层' }));
  });
});

// ---------------------------------------------------------------------------------------------
// Initial training

describe('hubei-2021 004 三(一)(二) 任职培训合格后聘任；任职培训不少于 21 学时', () => {
  it('passes 21 学时 completed on the appointment date', () => {
    const v = judge(HUBEI, { initialTraining: { hours: 21, completedOn: '2023-03-01' } });
    expectEligible(v);
    expect(ruleOf(v, 'initial-training').actual).toBe('21 学时，2023-03-01 完成');
  });

  it('passes training completed the day before the appointment', () => {
    expectEligible(judge(HUBEI, { initialTraining: { completedOn: '2023-02-28' } }));
  });

  it('fails 20.5 学时: ineligible, showing 21 expected and 20.5 actual', () => {
    const r = expectOnlyFailure(judge(HUBEI, { initialTraining: { hours: 20.5 } }), 'initial-training', 'ineligible', '004 三(一)(二)');
    expect(r.expected).toContain('21 学时');
    expect(r.actual).toContain('20.5 学时');
  });

  it('fails training completed the day after the appointment', () => {
    const r = expectOnlyFailure(judge(HUBEI, { initialTraining: { completedOn: '2023-03-02' } }), 'initial-training', 'ineligible', '004 三(一)(二)');
    expect(r.actual).toContain('2023-03-02');
    expect(r.actual).toContain('晚于聘任日期');
  });

  it('fails when no 任职培训 hours are recorded', () => {
    const r = expectOnlyFailure(judge(HUBEI, { initialTraining: { hours: null } }), 'initial-training', 'ineligible', '004 三(一)(二)');
    expect(r.actual).toBe('未记录任职培训');
  });

  it('fails 21 学时 without a completion date', () => {
    const r = expectOnlyFailure(judge(HUBEI, { initialTraining: { completedOn: null } }), 'initial-training', 'ineligible', '004 三(一)(二)');
    expect(r.actual).toContain('完成日期未填');
  });

  it('does not accept a certificate instead of the hours', () => {
    expectOnlyFailure(judge(HUBEI, { initialTraining: { hours: 0 } }), 'initial-training', 'ineligible', '004 三(一)(二)');
  });
});

describe('chongqing-2024 003 5.1.3 宜取得相关培训合格证书或企业主要负责人的任命授权书', () => {
  it('flags neither a certificate nor a letter for attention (soft)', () => {
    const v = judge(CHONGQING, { initialTraining: { certificateNo: null }, authorisationCertNo: null });
    const r = expectOnlyFailure(v, 'initial-training', 'attention', '003 5.1.3');
    expect(r.actual).toBe('均未填写');
  });

  it('passes the 聘任授权证书 alone', () => {
    const v = judge(CHONGQING, { initialTraining: { certificateNo: null } });
    expectEligible(v);
    expect(ruleOf(v, 'initial-training').actual).toContain('SQ-2023-0001');
  });

  it('passes the training certificate alone', () => {
    const v = judge(CHONGQING, { authorisationCertNo: null });
    expectEligible(v);
    expect(ruleOf(v, 'initial-training').actual).toContain('PX-2023-0001');
  });

  it('does not count hours: 0 学时 with a certificate passes', () => {
    expectEligible(judge(CHONGQING, { initialTraining: { hours: 0 } }));
  });
});

describe('hunan-2024 001 5.1.4 接受首席质量官培训并获得合格证书', () => {
  it('fails without a training certificate: ineligible', () => {
    const r = expectOnlyFailure(judge(HUNAN, { initialTraining: { certificateNo: null } }), 'initial-training', 'ineligible', '001 5.1.4');
    expect(r.actual).toBe('未填写培训证书编号');
  });

  it('does not accept the 聘任授权证书 instead', () => {
    expectOnlyFailure(judge(HUNAN, { initialTraining: { certificateNo: null }, authorisationCertNo: 'SQ-1' }), 'initial-training', 'ineligible', '001 5.1.4');
  });
});

describe('zhejiang 000 4.1 c) 任职培训要求 (default: certificate)', () => {
  it('fails without a training certificate', () => {
    expectOnlyFailure(judge(ZHEJIANG, { initialTraining: { certificateNo: null } }), 'initial-training', 'ineligible', '000 4.1 c)');
  });
});

// ---------------------------------------------------------------------------------------------
// Annual continuing education (SPEC §3: a verdict on D judges Y = year(D) − 1, for CQOs appointed before 1 Jan Y)

describe('hubei-2021 004 三(二) 继续教育培训不少于 14 学时；第二类每年不少于 30 学时', () => {
  it('passes 14 第一类 and 30 第二类 in the last completed year', () => {
    const v = judge(HUBEI, ledger(Y, { firstCategory: 14, secondCategory: 30 }));
    expectEligible(v);
    expect(ruleOf(v, 'annual-training').expected).toBe('2024 年：第一类不少于 14 学时，第二类不少于 30 学时');
  });

  it('flags 13.5 第一类 学时 for attention (soft)', () => {
    const r = expectOnlyFailure(judge(HUBEI, ledger(Y, { firstCategory: 13.5 })), 'annual-training', 'attention', '004 三(二)');
    expect(r.actual).toContain('第一类 13.5 学时');
    expect(r.expected).toContain('14 学时');
  });

  it('flags 29.5 第二类 学时 for attention', () => {
    const r = expectOnlyFailure(judge(HUBEI, ledger(Y, { secondCategory: 29.5 })), 'annual-training', 'attention', '004 三(二)');
    expect(r.actual).toContain('第二类 29.5 学时');
    expect(r.expected).toContain('30 学时');
  });

  it('does not let 第二类 hours make up for 第一类', () => {
    expectOnlyFailure(judge(HUBEI, ledger(Y, { firstCategory: 13.5, secondCategory: 60 })), 'annual-training', 'attention', '004 三(二)');
  });

  it('counts a year without ledger records as none', () => {
    const rest = { ...EVERY_YEAR };
    delete rest[Y];
    const r = expectOnlyFailure(judge(HUBEI, { trainingByYear: rest }), 'annual-training', 'attention', '004 三(二)');
    expect(r.actual).toContain('第一类 0 学时');
  });

  it('judges only the last completed year: a short current year or an earlier year do not count', () => {
    expectEligible(judge(HUBEI, ledger(2025, { firstCategory: 0, secondCategory: 0 })));
    expectEligible(judge(HUBEI, ledger(2023, { firstCategory: 0, secondCategory: 0 })));
  });

  it('judges 2025 on 1 January 2026', () => {
    const v = judge(HUBEI, ledger(2025, { firstCategory: 0 }), '2026-01-01');
    expectOnlyFailure(v, 'annual-training', 'attention', '004 三(二)');
    expect(ruleOf(v, 'annual-training').expected).toContain('2025 年');
  });

  it('does not apply to a CQO appointed during the year judged (pass, applicable false)', () => {
    const v = evaluateEligibility(HUBEI, { ...person({ appointedOn: '2024-01-01' }), trainingByYear: {} }, AS_OF);
    const r = ruleOf(v, 'annual-training');
    expect(r.applicable).toBe(false);
    expect(r.pass).toBe(true);
    expect(r.actual).toContain('2024 年度不考核');
    expect(v.verdict).toBe('eligible');
  });

  it('applies to a CQO appointed on 31 December of the year before', () => {
    const v = evaluateEligibility(HUBEI, { ...person({ appointedOn: '2023-12-31' }), trainingByYear: {} }, AS_OF);
    expectOnlyFailure(v, 'annual-training', 'attention', '004 三(二)');
  });

  it('does not apply to a CQO whose term ended before 31 December of the year judged (the term rule fails instead)', () => {
    const v = evaluateEligibility(HUBEI, { ...person({ appointedOn: '2019-07-01', termEnd: '2024-06-30', initialTraining: { completedOn: '2019-06-01' } }), trainingByYear: {} }, AS_OF);
    const r = ruleOf(v, 'annual-training');
    expect(r.applicable).toBe(false);
    expect(r.pass).toBe(true);
    expect(r.actual).toContain('2024-06-30');
    expect(failing(v)).toEqual(['term']);
  });
});

describe('hunan-2024 001 9.4.1.2 每年质量专业学习不少于 10 学时，组织质量专业培训活动不少于 1 次', () => {
  it('passes exactly 10 学时 in total (第一类 + 第二类) and 1 activity', () => {
    const v = judge(HUNAN, ledger(Y, { firstCategory: 4, secondCategory: 6, activities: 1 }));
    expectEligible(v);
    expect(ruleOf(v, 'annual-training').expected).toBe('2024 年：合计不少于 10 学时，组织培训活动不少于 1 次');
  });

  it('flags 9.5 学时 in total for attention', () => {
    const r = expectOnlyFailure(judge(HUNAN, ledger(Y, { firstCategory: 4, secondCategory: 5.5 })), 'annual-training', 'attention', '001 9.4.1.2');
    expect(r.actual).toContain('第一类 4 学时');
    expect(r.actual).toContain('第二类 5.5 学时');
  });

  it('flags zero training activities organised for attention', () => {
    const r = expectOnlyFailure(judge(HUNAN, ledger(Y, { activities: 0 })), 'annual-training', 'attention', '001 9.4.1.2');
    expect(r.actual).toContain('组织培训活动 0 次');
  });

  it('does not apply to a CQO appointed during the year judged', () => {
    const v = evaluateEligibility(HUNAN, { ...person({ appointedOn: '2024-07-01' }), trainingByYear: {} }, AS_OF);
    expectEligible(v);
    expect(ruleOf(v, 'annual-training').applicable).toBe(false);
  });
});

describe('zhejiang 000 7.6 获证人员每年应参与继续教育 (default 10 学时)', () => {
  it('passes 10 学时 in total', () => {
    expectEligible(judge(ZHEJIANG, ledger(Y, { firstCategory: 10, secondCategory: 0 })));
  });

  it('flags 9.5 学时 for attention, without asking for activities', () => {
    const r = expectOnlyFailure(judge(ZHEJIANG, ledger(Y, { firstCategory: 9.5, secondCategory: 0, activities: 0 })), 'annual-training', 'attention', '000 7.6');
    expect(r.expected).not.toContain('组织培训活动');
  });
});

describe('chongqing-2024 003 sets no annual continuing education', () => {
  it('finds a CQO with no training ledger eligible', () => {
    expectEligible(judge(CHONGQING, { trainingByYear: {} }));
  });
});

// ---------------------------------------------------------------------------------------------
// Term

describe('hubei-2021 004 三(一) 首席质量官任期一般为5年', () => {
  // Appointed 2023-03-01: the term runs to 2028-02-29.
  it('passes on the last day of the term', () => {
    const v = judge(HUBEI, {}, '2028-02-29');
    expectEligible(v);
    expect(ruleOf(v, 'term').actual).toBe('2023-03-01 至 2028-02-29');
  });

  it('fails the day after the term ends: ineligible, naming the end date', () => {
    const r = expectOnlyFailure(judge(HUBEI, {}, '2028-03-01'), 'term', 'ineligible', '004 三(一)');
    expect(r.actual).toBe('任期已于 2028-02-29 届满');
  });

  it('004 三(一): a term one day longer than 5 years is accepted with an attention hit naming the clause and the usual end', () => {
    const v = judge(HUBEI, { termEnd: '2028-03-01' });
    const r = expectOnlyFailure(v, 'term', 'attention', '004 三(一)');
    expect(v.disqualified).toBe(false);
    expect(r.expected).toBe('任期一般为 5 年（至 2028-02-29），且在任期内');
    expect(r.actual).toBe('2023-03-01 至 2028-03-01；任期至 2028-03-01，长于一般任期 5 年（至 2028-02-29）（004 三(一)：任期一般为5年）');
  });

  it('004 三(一): a 6-year term is accepted with an attention hit, and still ends with its own end date', () => {
    expectOnlyFailure(judge(HUBEI, { termEnd: '2029-02-28' }, '2029-02-28'), 'term', 'attention', '004 三(一)');
    const ended = expectOnlyFailure(judge(HUBEI, { termEnd: '2029-02-28' }, '2029-03-01'), 'term', 'ineligible', '004 三(一)');
    expect(ended.actual).toBe('任期已于 2029-02-28 届满');
  });

  it('passes a filed term end of exactly 5 years', () => {
    expectEligible(judge(HUBEI, { termEnd: '2028-02-29' }));
  });

  it('judges a shorter filed term by its own end', () => {
    expectEligible(judge(HUBEI, { termEnd: '2025-06-30' }));
    const r = expectOnlyFailure(judge(HUBEI, { termEnd: '2025-06-29' }), 'term', 'ineligible', '004 三(一)');
    expect(r.actual).toBe('任期已于 2025-06-29 届满');
  });
});

describe.each([
  ['chongqing-2024', CHONGQING],
  ['hunan-2024', HUNAN],
  ['zhejiang', ZHEJIANG],
] as const)('%s sets no term', (_name, profile) => {
  it('has no default term end', () => {
    expect(defaultTermEnd(profile, '2023-03-01')).toBeNull();
  });

  it('still finds a CQO eligible more than 5 years after the appointment', () => {
    expectEligible(judge(profile, {}, '2031-06-30'));
  });
});

describe('defaultTermEnd: appointedOn + the profile term − 1 day', () => {
  it.each([
    ['2021-03-01', '2026-02-28'],
    ['2023-03-01', '2028-02-29'],
    ['2024-01-01', '2028-12-31'],
    ['2024-02-29', '2029-02-28'],
    ['2024-03-01', '2029-02-28'],
  ])('hubei-2021: appointed %s → term ends %s', (appointedOn, end) => {
    expect(defaultTermEnd(HUBEI, appointedOn)).toBe(end);
  });
});

describe('termEndsWithin: the 90-day expiry warning', () => {
  it('warns 90 days before the end, not 91', () => {
    expect(termEndsWithin('2028-02-29', '2027-12-01', 90)).toBe(true);
    expect(termEndsWithin('2028-02-29', '2027-11-30', 90)).toBe(false);
  });

  it('warns on the last day but not after it, nor without an end', () => {
    expect(termEndsWithin('2028-02-29', '2028-02-29', 90)).toBe(true);
    expect(termEndsWithin('2028-02-29', '2028-03-01', 90)).toBe(false);
    expect(termEndsWithin(null, '2028-01-01', 90)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Declarations (承诺): a missing declaration is a hard failure (SPEC §3)

describe.each(BUILT_IN_PROFILES.map((p) => [p.name, p] as const))('%s declarations', (_name, profile) => {
  it.each(declarationsOf(profile).map((d) => [d.clause, d.title, d] as const))('%s %s missing → ineligible citing its clause', (clause, _title, d) => {
    const v = judge(profile, withoutDeclaration(d.declaration));
    const r = expectOnlyFailure(v, d.id, 'ineligible', clause);
    expect(r.clauseText).toBe(d.clauseText);
    expect(r.actual).toBe('未承诺');
    expect(r.expected).toBe(`已承诺：${d.statement}`);
    expect(v.disqualified).toBe(false);
  });
});

describe('declaration clauses per profile', () => {
  it.each([
    ['hubei-2021', HUBEI, { 'love-quality': '004 二(二)', ethics: '004 二(二)', competence: '004 二(二)', 'no-disqualification': '004 二(二)' }],
    ['chongqing-2024', CHONGQING, { 'love-quality': '003 5.1.1', competence: '003 5.1.2', 'no-disqualification': '003 5.1.4' }],
    ['hunan-2024', HUNAN, { background: '001 5.1.2', competence: '001 5.1.3', ethics: '001 5.1.5', 'no-disqualification': '001 5.1.5' }],
    ['zhejiang', ZHEJIANG, { ethics: '000 4.2', 'love-quality': '000 4.3.1' }],
  ] as const)('%s asks for its declarations, each citing its clause', (_name, profile, clauses) => {
    expect(Object.fromEntries(declarationsOf(profile).map((d) => [d.declaration, d.clause]))).toEqual(clauses);
  });
});

// ---------------------------------------------------------------------------------------------
// Disqualifications (SPEC §5): which violation type disqualifies under which profile

// The violation types that disqualify, by profile, and the rule each fails; every type not
// listed for a profile must leave the CQO eligible.
const M = 'disqualification.misconduct';
const DISQUALIFYING: Record<string, Partial<Record<ViolationType, string>>> = {
  'hubei-2021': { 重大失误受处分: M, 刑事处分: M, 谋取不正当利益: 'disqualification.improper-gain', 较大以上质量安全事故: 'disqualification.major-accident' },
  'chongqing-2024': { 重大失误受处分: M, 刑事处分: M, 谋取不正当利益: 'disqualification.improper-gain', 泄露商业秘密: 'disqualification.secrets', 损害合法权益: 'disqualification.secrets' },
  'hunan-2024': { 重大失误受处分: M, 刑事处分: M, 谋取不正当利益: M, 泄露商业秘密: 'disqualification.secrets', 损害合法权益: 'disqualification.harm' },
  zhejiang: {},
};

const CLAUSE_OF_RULE: Record<string, string> = {
  'hubei-2021 disqualification.misconduct': '004 二(二)',
  'hubei-2021 disqualification.improper-gain': '004 二(二)',
  'hubei-2021 disqualification.major-accident': '004 二(二)',
  'chongqing-2024 disqualification.misconduct': '003 5.1.4',
  'chongqing-2024 disqualification.improper-gain': '003 5.1.4',
  'chongqing-2024 disqualification.secrets': '003 5.1.4',
  'hunan-2024 disqualification.misconduct': '001 5.1.5 a)',
  'hunan-2024 disqualification.secrets': '001 5.1.5 b)',
  'hunan-2024 disqualification.harm': '001 5.1.5 c)',
};

describe.each(BUILT_IN_PROFILES.map((p) => [p.name, p] as const))('%s disqualifications by violation type', (name, profile) => {
  const cases = VIOLATION_TYPES.map((type) => [type, DISQUALIFYING[name][type] ?? null] as const);

  const disqualifying = cases.filter(([, id]) => id !== null);
  if (disqualifying.length > 0) {
    it.each(disqualifying)('%s disqualifies (%s): ineligible, disqualified, naming date and source document', (type, id) => {
      const v = judge(profile, { violations: [violation(type)] });
      const r = expectOnlyFailure(v, id!, 'ineligible', CLAUSE_OF_RULE[`${name} ${id}`]);
      expect(v.disqualified).toBe(true);
      expect(r.actual).toContain('2024-05-10');
      expect(r.actual).toContain(type);
      expect(r.actual).toContain('鄂市监处罚〔2024〕12号');
      expect(r.expected).toContain(type);
    });
  } else {
    it('has no disqualification rule at all', () => {
      expect(profile.rules.filter((r) => r.kind === 'disqualification')).toEqual([]);
    });
  }

  const harmless = cases.filter(([, id]) => id === null);
  if (harmless.length > 0) {
    it.each(harmless)('%s does not disqualify', (type) => {
      expectEligible(judge(profile, { violations: [violation(type)] }));
    });
  }
});

describe('hubei-2021 004 二(二) 发生较大以上质量安全事故并负有责任的', () => {
  it.each(['较大', '重大', '特别重大'] as const)('disqualifies a %s accident', (level) => {
    const v = judge(HUBEI, { violations: [violation('较大以上质量安全事故', { accidentLevel: level })] });
    const r = expectOnlyFailure(v, 'disqualification.major-accident', 'ineligible', '004 二(二)');
    expect(r.actual).toContain(`（${level}）`);
    expect(r.expected).toContain('较大及以上');
    expect(v.disqualified).toBe(true);
  });

  it('does not disqualify a 一般 accident', () => {
    expectEligible(judge(HUBEI, { violations: [violation('较大以上质量安全事故', { accidentLevel: '一般' })] }));
  });
});

describe('hubei-2021 004 二(二) 泄露商业秘密 is not a disqualification there', () => {
  it('keeps the CQO eligible under hubei but not under chongqing (003 5.1.4) or hunan (001 5.1.5 b))', () => {
    const facts = { violations: [violation('泄露商业秘密')] };
    expectEligible(judge(HUBEI, facts));
    expect(judge(CHONGQING, facts).disqualified).toBe(true);
    expect(judge(HUNAN, facts).disqualified).toBe(true);
  });
});

describe('hunan-2024 001 5.1.5 a) 违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事处分的', () => {
  it.each(['open', 'rectified', 'closed'] as const)('001 5.1.5 a): a plain 违法违规 record (%s) does not disqualify: it names no 重大失误, 谋利 or 刑事处分', (status) => {
    expectEligible(judge(HUNAN, { violations: [violation('违法违规', { status })] }));
  });

  it.each([
    ['重大失误受处分', 'closed'],
    ['谋取不正当利益', 'rectified'],
    ['刑事处分', 'closed'],
  ] as const)('001 5.1.5 a): %s disqualifies, even when %s', (type, status) => {
    const v = judge(HUNAN, { violations: [violation(type, { status })] });
    expectOnlyFailure(v, 'disqualification.misconduct', 'ineligible', '001 5.1.5 a)');
    expect(v.disqualified).toBe(true);
  });

  it('001 5.1.5 a): reads as narrowly as 004 二(二) and 003 5.1.4 for a plain 违法违规', () => {
    const facts = { violations: [violation('违法违规')] };
    for (const profile of [HUBEI, CHONGQING, HUNAN]) expect(judge(profile, facts).disqualified).toBe(false);
  });
});

describe('disqualifications in time', () => {
  it('does not count a violation dated after the day judged', () => {
    expectEligible(judge(HUBEI, { violations: [violation('刑事处分', { occurredOn: '2025-07-01' })] }));
  });

  it('counts a violation dated on the day judged', () => {
    const v = judge(HUBEI, { violations: [violation('刑事处分', { occurredOn: AS_OF })] });
    expect(v.disqualified).toBe(true);
    expect(ruleOf(v, 'disqualification.misconduct').actual).toContain(AS_OF);
  });

  it('counts a violation from before the appointment (受过 … 处分)', () => {
    expect(judge(HUBEI, { violations: [violation('刑事处分', { occurredOn: '2015-01-01' })] }).disqualified).toBe(true);
  });

  it('names every hit of the rule', () => {
    const v = judge(HUBEI, { violations: [violation('刑事处分', { occurredOn: '2020-01-02' }), violation('重大失误受处分', { occurredOn: '2022-03-04' })] });
    const r = expectOnlyFailure(v, 'disqualification.misconduct', 'ineligible', '004 二(二)');
    expect(r.actual).toContain('2020-01-02 刑事处分');
    expect(r.actual).toContain('2022-03-04 重大失误受处分');
  });
});

describe('the disqualified flag', () => {
  it('is false when only a non-disqualification hard rule fails', () => {
    const v = judge(HUBEI, { education: '大专' });
    expect(v.verdict).toBe('ineligible');
    expect(v.disqualified).toBe(false);
  });

  it('is false when the no-disqualification declaration is missing but no violation is recorded', () => {
    const v = judge(HUBEI, withoutDeclaration('no-disqualification'));
    expect(v.verdict).toBe('ineligible');
    expect(v.disqualified).toBe(false);
  });

  it('shows 无 on a disqualification rule with no hits', () => {
    expect(ruleOf(judge(HUBEI), 'disqualification.misconduct').actual).toBe('无');
  });
});

// ---------------------------------------------------------------------------------------------

describe('SPEC §3 statistics for a past year use the profile in force then', () => {
  // A province lowered the years to 3 from 2025 with a new version; 2024 is still judged under @1.
  const hubeiV2: PolicyProfile = {
    ...HUBEI,
    version: 2,
    basedOn: 'hubei-2021@1',
    builtIn: false,
    effectiveFrom: '2025-01-01',
    rules: HUBEI.rules.map((r) => (r.kind === 'experience' ? { ...r, minYears: 3, clauseText: '从事质量管理工作3年以上' } : r)),
  };
  const available = [...BUILT_IN_PROFILES, hubeiV2];
  const schedule = [
    { from: '2025-01-01', profile: 'hubei-2021@2' },
    { from: '2021-01-01', profile: 'hubei-2021@1' },
  ];
  const verdictOn = (date: string) => {
    const profile = parseProfileRef(profileInForce(schedule, date, 'hubei-2021@1'), available)!;
    return evaluateEligibility(profile, person({ yearsInQuality: 4 }), date);
  };

  it('judges 31 December 2024 under hubei-2021@1: 4 years fails', () => {
    const v = verdictOn('2024-12-31');
    expect(v.profile).toBe('hubei-2021@1');
    expectOnlyFailure(v, 'experience', 'ineligible', '004 二(二)');
  });

  it('judges 1 January 2025 under hubei-2021@2: 4 years passes', () => {
    const v = verdictOn('2025-01-01');
    expect(v.profile).toBe('hubei-2021@2');
    expectEligible(v);
  });
});
