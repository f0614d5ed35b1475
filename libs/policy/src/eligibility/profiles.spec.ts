import type { PolicyProfile, RuleDefinition, RuleKind } from '@cqo/contracts';
import { allDeclarationIds, BUILT_IN_PROFILES, builtInProfile, DEFAULT_PROFILE, declarationsOf, defaultProfileFor, parseProfileRef, PROFILE_NAME_PATTERN, PROFILE_REF_PATTERN, profileInForce, profileRef, termYearsOf } from './profiles';
import { validateProfile } from './validate-profile';

const HUBEI = builtInProfile('hubei-2021');
const CHONGQING = builtInProfile('chongqing-2024');
const HUNAN = builtInProfile('hunan-2024');
const ZHEJIANG = builtInProfile('zhejiang');

function ruleOf<K extends RuleKind>(p: PolicyProfile, kind: K): Extract<RuleDefinition, { kind: K }> {
  const r = p.rules.find((x): x is Extract<RuleDefinition, { kind: K }> => x.kind === kind);
  if (!r) throw new Error(`${p.name} has no ${kind} rule`);
  return r;
}

describe('SPEC §3 built-in policy profiles', () => {
  it('ships hubei-2021, chongqing-2024, hunan-2024 and zhejiang, each at version 1', () => {
    expect(BUILT_IN_PROFILES.map(profileRef)).toEqual(['hubei-2021@1', 'chongqing-2024@1', 'hunan-2024@1', 'zhejiang@1']);
  });

  describe.each(BUILT_IN_PROFILES.map((p) => [p.name, p] as const))('%s', (_name, profile) => {
    it('passes validateProfile', () => {
      expect(validateProfile(profile)).toEqual([]);
    });

    it('has unique rule ids', () => {
      const ids = profile.rules.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('is a built-in with no parent', () => {
      expect(profile.builtIn).toBe(true);
      expect(profile.basedOn).toBeNull();
    });

    it('cites only clauses of its own seed document', () => {
      const seed = profile.source.slice(0, 3);
      expect(seed).toMatch(/^00\d$/);
      for (const r of profile.rules) expect(r.clause.startsWith(`${seed} `)).toBe(true);
    });

    it('quotes clause text on every rule', () => {
      for (const r of profile.rules) expect(r.clauseText.trim().length).toBeGreaterThan(0);
    });
  });

  it('writes each built-in for its province (GB/T 2260)', () => {
    expect(BUILT_IN_PROFILES.map((p) => [p.name, p.province])).toEqual([
      ['hubei-2021', '420000'],
      ['chongqing-2024', '500000'],
      ['hunan-2024', '430000'],
      ['zhejiang', '330000'],
    ]);
  });
});

describe('hubei-2021 thresholds (004 二(二), 三(一), 三(二))', () => {
  it('004 二(二): 大学本科, 5 years, 中级 质量资格 or 相关专业 副高级 职称', () => {
    expect(ruleOf(HUBEI, 'education')).toMatchObject({ min: '大学本科', severity: 'hard', clause: '004 二(二)' });
    expect(ruleOf(HUBEI, 'experience')).toMatchObject({ minYears: 5, severity: 'hard', clause: '004 二(二)' });
    expect(ruleOf(HUBEI, 'qualification').anyOf).toEqual([
      { kind: 'quality-certificate', minLevel: '中级' },
      { kind: 'title', minLevel: '副高级', qualityRelated: true, countQualityCertificate: false },
    ]);
  });

  it('004 三(一)(二): 任职培训 at least 21 学时 before appointment (hard)', () => {
    expect(ruleOf(HUBEI, 'initial-training')).toMatchObject({ evidence: 'hours', minHours: 21, severity: 'hard' });
  });

  it('004 三(二): 第一类 14 and 第二类 30 学时 a year (soft)', () => {
    expect(ruleOf(HUBEI, 'annual-training')).toMatchObject({ minFirstCategory: 14, minSecondCategory: 30, minTotal: null, minActivities: null, severity: 'soft', clause: '004 三(二)' });
  });

  it('004 三(一): 决策层 or 高层副职, hard for 规上 and soft for SMEs; a 5-year term', () => {
    expect(ruleOf(HUBEI, 'position')).toMatchObject({ levels: ['决策层', '高层副职'], severity: 'hard', smeSeverity: 'soft', clause: '004 三(一)' });
    expect(ruleOf(HUBEI, 'term')).toMatchObject({ years: 5, severity: 'hard', clause: '004 三(一)' });
  });
});

describe('chongqing-2024 thresholds (003 4.1, 5.1)', () => {
  it('003 5.1.2: 大专, 3 years, 中级 职称 counting a 质量资格', () => {
    expect(ruleOf(CHONGQING, 'education').min).toBe('大专');
    expect(ruleOf(CHONGQING, 'experience').minYears).toBe(3);
    expect(ruleOf(CHONGQING, 'qualification').anyOf).toEqual([{ kind: 'title', minLevel: '中级', qualityRelated: false, countQualityCertificate: true }]);
  });

  it('003 5.1.3 and 4.1 are 宜: soft', () => {
    expect(ruleOf(CHONGQING, 'initial-training')).toMatchObject({ evidence: 'certificate-or-letter', severity: 'soft', clause: '003 5.1.3' });
    expect(ruleOf(CHONGQING, 'position')).toMatchObject({ severity: 'soft', smeSeverity: 'soft', clause: '003 4.1' });
  });

  it('sets no annual continuing education and no term', () => {
    expect(CHONGQING.rules.some((r) => r.kind === 'annual-training' || r.kind === 'term')).toBe(false);
  });

  it('003 DB50/T 1696—2024 is in force from 2024-11-08 (实施), not before', () => {
    expect(CHONGQING.effectiveFrom).toBe('2024-11-08');
  });
});

describe('hunan-2024 thresholds (001 5.1, 9.4.1.2)', () => {
  it('001 5.1.1: 大专, 中级 职称 or declared equivalent experience', () => {
    expect(ruleOf(HUNAN, 'education').min).toBe('大专');
    expect(ruleOf(HUNAN, 'qualification').anyOf).toContainEqual({ kind: 'equivalent-experience' });
  });

  it('001 5.1.4: a training certificate (hard)', () => {
    expect(ruleOf(HUNAN, 'initial-training')).toMatchObject({ evidence: 'certificate', severity: 'hard' });
  });

  it('001 9.4.1.2: 10 学时 and 1 activity a year (soft)', () => {
    expect(ruleOf(HUNAN, 'annual-training')).toMatchObject({ minTotal: 10, minActivities: 1, severity: 'soft' });
  });

  it('sets no years, position or term', () => {
    expect(HUNAN.rules.some((r) => r.kind === 'experience' || r.kind === 'position' || r.kind === 'term')).toBe(false);
  });
});

describe('zhejiang defaults (000 4.1, 7.6)', () => {
  it('000 4.1: 大专, 中级 职称, 3 years, a training certificate', () => {
    expect(ruleOf(ZHEJIANG, 'education').min).toBe('大专');
    expect(ruleOf(ZHEJIANG, 'experience')).toMatchObject({ minYears: 3, clause: '000 4.1 b)' });
    expect(ruleOf(ZHEJIANG, 'initial-training')).toMatchObject({ evidence: 'certificate', clause: '000 4.1 c)' });
  });

  it('000 7.6: yearly continuing education, 10 学时 by default', () => {
    expect(ruleOf(ZHEJIANG, 'annual-training')).toMatchObject({ minTotal: 10, clause: '000 7.6', severity: 'soft' });
  });

  it('has no disqualification rule', () => {
    expect(ZHEJIANG.rules.some((r) => r.kind === 'disqualification')).toBe(false);
  });
});

describe('declarationsOf: the 承诺 a filer ticks', () => {
  it.each([
    ['hubei-2021', HUBEI, ['love-quality', 'ethics', 'competence', 'no-disqualification']],
    ['chongqing-2024', CHONGQING, ['love-quality', 'competence', 'no-disqualification']],
    ['hunan-2024', HUNAN, ['background', 'competence', 'ethics', 'no-disqualification']],
    ['zhejiang', ZHEJIANG, ['ethics', 'love-quality']],
  ] as const)('%s', (_name, profile, ids) => {
    expect(declarationsOf(profile).map((d) => d.declaration)).toEqual(ids);
  });
});

describe('allDeclarationIds: what 任职承诺 = 是 ticks (SPEC §8)', () => {
  it('SPEC §8 任职承诺: covers every declaration of every built-in, including 001 5.1.2 background (hunan-2024)', () => {
    const all = allDeclarationIds(BUILT_IN_PROFILES);
    expect(all).toEqual(['background', 'competence', 'ethics', 'love-quality', 'no-disqualification']);
    for (const p of BUILT_IN_PROFILES) for (const d of declarationsOf(p)) expect(all).toContain(d.declaration);
    expect(all).not.toContain('equivalent-experience');
  });

  it('SPEC §8 任职承诺: takes in a declaration a province adds in its own version', () => {
    const own: PolicyProfile = {
      ...HUBEI,
      version: 2,
      builtIn: false,
      basedOn: 'hubei-2021@1',
      rules: [...HUBEI.rules, { id: 'declaration.x', kind: 'declaration', title: '承诺', clause: '004 二(二)', clauseText: 'x', severity: 'hard', declaration: 'x', statement: 'x' }],
    };
    expect(allDeclarationIds([...BUILT_IN_PROFILES, own])).toContain('x');
  });
});

describe('termYearsOf', () => {
  it('is 5 under hubei-2021 (004 三(一)) and null where no term is set', () => {
    expect(termYearsOf(HUBEI)).toBe(5);
    expect(termYearsOf(CHONGQING)).toBeNull();
    expect(termYearsOf(HUNAN)).toBeNull();
    expect(termYearsOf(ZHEJIANG)).toBeNull();
  });
});

describe('profileRef / parseProfileRef', () => {
  const hubeiV2: PolicyProfile = { ...HUBEI, version: 2, basedOn: 'hubei-2021@1', builtIn: false };
  const withV2 = [...BUILT_IN_PROFILES, hubeiV2];

  it('writes name@version', () => {
    expect(profileRef(HUBEI)).toBe('hubei-2021@1');
    expect(profileRef(hubeiV2)).toBe('hubei-2021@2');
  });

  it('finds name@version', () => {
    expect(parseProfileRef('chongqing-2024@1', BUILT_IN_PROFILES)).toBe(CHONGQING);
    expect(parseProfileRef('hubei-2021@1', withV2)).toBe(HUBEI);
    expect(parseProfileRef('hubei-2021@2', withV2)).toBe(hubeiV2);
  });

  it('takes the latest version when none is named', () => {
    expect(parseProfileRef('hubei-2021', BUILT_IN_PROFILES)).toBe(HUBEI);
    expect(parseProfileRef('hubei-2021', withV2)).toBe(hubeiV2);
    expect(parseProfileRef('zhejiang', BUILT_IN_PROFILES)).toBe(ZHEJIANG);
  });

  it('ignores surrounding spaces', () => {
    expect(parseProfileRef(' hunan-2024@1 ', BUILT_IN_PROFILES)).toBe(HUNAN);
  });

  it.each(['shanghai-2025', 'shanghai-2025@1', 'hubei-2021@2', 'hubei-2021@', 'Hubei-2021@1', 'hubei_2021', '', '@1', 'hubei-2021@1@2'])('returns null for %p', (ref) => {
    expect(parseProfileRef(ref, BUILT_IN_PROFILES)).toBeNull();
  });
});

describe('profileInForce: SPEC §3 a past year is judged under the version in force then', () => {
  const schedule = [
    { from: '2025-01-01', profile: 'hubei-2021@2' },
    { from: '2021-01-01', profile: 'hubei-2021@1' },
    { from: '2026-07-01', profile: 'hubei-2021@3' },
  ];

  it('picks the latest entry on or before the date, in any order', () => {
    expect(profileInForce(schedule, '2024-12-31', 'x')).toBe('hubei-2021@1');
    expect(profileInForce(schedule, '2025-01-01', 'x')).toBe('hubei-2021@2');
    expect(profileInForce(schedule, '2026-06-30', 'x')).toBe('hubei-2021@2');
    expect(profileInForce(schedule, '2026-07-01', 'x')).toBe('hubei-2021@3');
    expect(profileInForce(schedule, '2030-01-01', 'x')).toBe('hubei-2021@3');
  });

  it('falls back before the first entry and with no schedule', () => {
    expect(profileInForce(schedule, '2020-12-31', DEFAULT_PROFILE)).toBe('hubei-2021@1');
    expect(profileInForce([], '2025-01-01', 'zhejiang@1')).toBe('zhejiang@1');
  });
});

describe('defaultProfileFor', () => {
  it.each([
    ['500000', 'chongqing-2024@1'],
    ['420000', 'hubei-2021@1'],
    ['430000', 'hunan-2024@1'],
    ['330000', 'zhejiang@1'],
  ])('gives province %s its own built-in %s', (code, ref) => {
    expect(defaultProfileFor(code)).toBe(ref);
  });

  it('gives any other province hubei-2021@1', () => {
    expect(defaultProfileFor('110000')).toBe('hubei-2021@1');
    expect(defaultProfileFor('')).toBe('hubei-2021@1');
    expect(DEFAULT_PROFILE).toBe('hubei-2021@1');
  });
});

describe('profile names and references (the policy form, the DTOs and parseProfileRef share them)', () => {
  it('a name is lower-case letters, digits and hyphens, 2–47 long, not starting with a hyphen', () => {
    expect(['hubei-2021', 'zj', 'a'.repeat(47)].every((n) => PROFILE_NAME_PATTERN.test(n))).toBe(true);
    expect(['Hubei-2021', '-hubei', 'h', 'a'.repeat(48), 'hubei_2021', 'hubei-2021@2'].some((n) => PROFILE_NAME_PATTERN.test(n))).toBe(false);
  });

  it('a reference is a name, optionally @version', () => {
    expect(PROFILE_REF_PATTERN.exec('hubei-2021@2')?.slice(1)).toEqual(['hubei-2021', '2']);
    expect(PROFILE_REF_PATTERN.exec('hubei-2021')?.slice(1)).toEqual(['hubei-2021', undefined]);
    expect(PROFILE_REF_PATTERN.test('hubei-2021@')).toBe(false);
  });
});
