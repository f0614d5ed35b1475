import type { PolicyProfile, RuleDefinition } from '@cqo/contracts';
import { BUILT_IN_PROFILES } from './profiles';
import { validateProfile, type ProfileFieldError } from './validate-profile';

// Each test takes a copy of hubei-2021 as a province would through the form (a new version) and
// breaks exactly one field.

const HUBEI = BUILT_IN_PROFILES.find((p) => p.name === 'hubei-2021')!;

function newVersion(): PolicyProfile {
  return { ...structuredClone(HUBEI), version: 2, basedOn: 'hubei-2021@1', builtIn: false };
}

/** hubei-2021 with the rule `id` changed by `patch` (any value, as the form would send it). */
function withRule(id: string, patch: Record<string, unknown>): { profile: PolicyProfile; index: number } {
  const profile = newVersion();
  const index = profile.rules.findIndex((r) => r.id === id);
  if (index < 0) throw new Error(`no rule ${id}`);
  profile.rules[index] = { ...profile.rules[index], ...patch } as RuleDefinition;
  return { profile, index };
}

function errorsOf(profile: PolicyProfile): ProfileFieldError[] {
  return validateProfile(profile);
}

/** Exactly one error, on `field`, in Chinese. */
function expectOneError(profile: PolicyProfile, field: string): string {
  const errors = errorsOf(profile);
  expect(errors.map((e) => e.field)).toEqual([field]);
  expect(errors[0].message).toMatch(/[\u4e00-\u9fff]/);
  return errors[0].message;
}

describe('validateProfile: a province version written through the form', () => {
  it('accepts an unchanged copy of hubei-2021 as version 2', () => {
    expect(errorsOf(newVersion())).toEqual([]);
  });

  it.each(BUILT_IN_PROFILES.map((p) => [p.name, p] as const))('accepts the built-in %s', (_name, p) => {
    expect(errorsOf(p)).toEqual([]);
  });

  describe('name', () => {
    it.each(['Hubei-2021', 'hubei_2021', 'h', '-hubei', '湖北', `a${'b'.repeat(47)}`])('refuses %p with a field error on name', (name) => {
      const message = expectOneError({ ...newVersion(), name }, 'name');
      expect(message).toContain('小写字母');
    });

    it('accepts a 2- and a 47-character name', () => {
      expect(errorsOf({ ...newVersion(), name: 'hb' })).toEqual([]);
      expect(errorsOf({ ...newVersion(), name: `a${'b'.repeat(46)}` })).toEqual([]);
    });
  });

  it.each([0, -1, 1.5])('refuses version %p', (version) => {
    expect(expectOneError({ ...newVersion(), version }, 'version')).toBe('版本号应为正整数');
  });

  it.each(['', '   ', 'x'.repeat(101)])('refuses title %p', (title) => {
    expectOneError({ ...newVersion(), title }, 'title');
  });

  it.each(['2025-02-29', '2025-1-1', '2025/01/01', ''])('refuses effectiveFrom %p', (effectiveFrom) => {
    expect(expectOneError({ ...newVersion(), effectiveFrom }, 'effectiveFrom')).toContain('YYYY-MM-DD');
  });

  it('refuses a profile without rules', () => {
    expect(errorsOf({ ...newVersion(), rules: [] })).toEqual([{ field: 'rules', message: '至少需要一条规则' }]);
  });

  describe('rule ids', () => {
    it('refuses a duplicate id, naming it on the second rule', () => {
      const { profile, index } = withRule('declaration.ethics', { id: 'declaration.love-quality' });
      expect(expectOneError(profile, `rules[${index}].id`)).toBe('规则编号 declaration.love-quality 重复');
    });

    it('refuses an id with capitals or spaces', () => {
      const { profile, index } = withRule('experience', { id: 'Experience years' });
      expectOneError(profile, `rules[${index}].id`);
    });

    it('refuses a second rule of the same kind', () => {
      const profile = newVersion();
      profile.rules.push({ ...profile.rules.find((r) => r.id === 'education')!, id: 'education-2' });
      expect(errorsOf(profile)).toEqual([{ field: 'rules', message: '同一类规则（education）只能有一条' }]);
    });
  });

  describe('common rule fields', () => {
    it.each([
      ['title', ''],
      ['clause', ' '],
      ['clauseText', ''],
      ['severity', 'medium'],
    ])('refuses %s = %p on the rule', (key, value) => {
      const { profile, index } = withRule('education', { [key]: value });
      expectOneError(profile, `rules[${index}].${key}`);
    });
  });

  describe('experience: 最低年限', () => {
    it.each([-1, 2.5, 41])('refuses minYears %p', (minYears) => {
      const { profile, index } = withRule('experience', { minYears });
      expect(expectOneError(profile, `rules[${index}].minYears`)).toBe('最低年限应为0–40的整数');
    });

    it.each([0, 3, 40])('accepts minYears %p', (minYears) => {
      expect(errorsOf(withRule('experience', { minYears }).profile)).toEqual([]);
    });
  });

  describe('education: 最低学历', () => {
    it('refuses a level that is not on the list', () => {
      const { profile, index } = withRule('education', { min: '本科' });
      expect(expectOneError(profile, `rules[${index}].min`)).toBe('最低学历应为高中及以下/中专/大专/大学本科/硕士研究生/博士研究生之一');
    });
  });

  describe('initial-training: 学时 in steps of 0.5', () => {
    it.each([20.3, 0, -21, 200.5])('refuses minHours %p', (minHours) => {
      const { profile, index } = withRule('initial-training', { minHours });
      expect(expectOneError(profile, `rules[${index}].minHours`)).toContain('0.5的整数倍');
    });

    it('refuses hours evidence without minHours', () => {
      const { profile, index } = withRule('initial-training', { minHours: null });
      expectOneError(profile, `rules[${index}].minHours`);
    });

    it.each([0.5, 20.5, 200])('accepts minHours %p', (minHours) => {
      expect(errorsOf(withRule('initial-training', { minHours }).profile)).toEqual([]);
    });

    it('refuses an unknown evidence', () => {
      const { profile, index } = withRule('initial-training', { evidence: 'photo', minHours: null });
      expect(expectOneError(profile, `rules[${index}].evidence`)).toBe('任职培训的认定方式无效');
    });
  });

  describe('annual-training: 学时 in steps of 0.5', () => {
    it.each(['minFirstCategory', 'minSecondCategory', 'minTotal'])('refuses %s = 13.3 and -1', (key) => {
      for (const value of [13.3, -1]) {
        const { profile, index } = withRule('annual-training', { [key]: value });
        expect(expectOneError(profile, `rules[${index}].${key}`)).toBe('学时应为0.5的整数倍，且在0–500之间');
      }
    });

    it('accepts 13.5', () => {
      expect(errorsOf(withRule('annual-training', { minFirstCategory: 13.5 }).profile)).toEqual([]);
    });

    it('refuses a non-integer number of activities', () => {
      const { profile, index } = withRule('annual-training', { minActivities: 1.5 });
      expect(expectOneError(profile, `rules[${index}].minActivities`)).toBe('组织培训活动次数应为0–50的整数');
    });

    it('refuses a rule that asks for nothing', () => {
      const { profile, index } = withRule('annual-training', { minFirstCategory: null, minSecondCategory: null, minTotal: null, minActivities: null });
      expect(expectOneError(profile, `rules[${index}].minTotal`)).toBe('至少设置一项年度继续教育要求');
    });
  });

  describe('qualification', () => {
    it('refuses an empty list of ways to qualify', () => {
      const { profile, index } = withRule('qualification', { anyOf: [] });
      expectOneError(profile, `rules[${index}].anyOf`);
    });

    it('refuses a level that is not on the list, naming the option', () => {
      const { profile, index } = withRule('qualification', { anyOf: [{ kind: 'quality-certificate', minLevel: '高级' }] });
      expect(expectOneError(profile, `rules[${index}].anyOf[0].minLevel`)).toBe('级别应为初级/中级/副高级/正高级之一');
    });

    it('refuses an unknown kind of qualification', () => {
      const { profile, index } = withRule('qualification', { anyOf: [{ kind: 'quality-certificate', minLevel: '中级' }, { kind: 'diploma' }] });
      expectOneError(profile, `rules[${index}].anyOf[1].kind`);
    });
  });

  describe('position, term, declaration, disqualification', () => {
    it('refuses a position level that is not on the list', () => {
      const { profile, index } = withRule('position', { levels: ['董事长'] });
      expect(expectOneError(profile, `rules[${index}].levels`)).toContain('决策层/高层副职/中层/其他');
    });

    it('refuses no position level', () => {
      const { profile, index } = withRule('position', { levels: [] });
      expectOneError(profile, `rules[${index}].levels`);
    });

    it.each([0, 11, 4.5])('refuses a term of %p years', (years) => {
      const { profile, index } = withRule('term', { years });
      expect(expectOneError(profile, `rules[${index}].years`)).toBe('任期应为1–10的整数年');
    });

    it('refuses a declaration id with capitals', () => {
      const { profile, index } = withRule('declaration.ethics', { declaration: 'Ethics' });
      expectOneError(profile, `rules[${index}].declaration`);
    });

    it('refuses an empty declaration statement', () => {
      const { profile, index } = withRule('declaration.ethics', { statement: '' });
      expectOneError(profile, `rules[${index}].statement`);
    });

    it('refuses a violation type that is not on the list', () => {
      const { profile, index } = withRule('disqualification.misconduct', { violationTypes: ['酒驾'] });
      expect(expectOneError(profile, `rules[${index}].violationTypes`)).toBe('违规类型应从规定的类型中选择');
    });

    it('refuses an accident level that is not on the list', () => {
      const { profile, index } = withRule('disqualification.major-accident', { minAccidentLevel: '小' });
      expect(expectOneError(profile, `rules[${index}].minAccidentLevel`)).toBe('事故等级应为一般/较大/重大/特别重大之一');
    });

    it('refuses an unknown rule kind', () => {
      const { profile, index } = withRule('education', { kind: 'age' });
      expect(expectOneError(profile, `rules[${index}].kind`)).toBe('未知的规则类型');
    });
  });

  it('reports every broken field at once', () => {
    const profile = { ...newVersion(), name: 'Bad Name', version: 0 };
    profile.rules = profile.rules.map((r) => (r.kind === 'experience' ? { ...r, minYears: -1 } : r));
    expect(errorsOf(profile).map((e) => e.field)).toEqual(['name', 'version', `rules[${profile.rules.findIndex((r) => r.kind === 'experience')}].minYears`]);
  });
});
