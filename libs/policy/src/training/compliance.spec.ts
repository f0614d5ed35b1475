import type { PolicyProfile, TrainingYearHours, YearlyCompliance } from '@cqo/contracts';
import { builtInProfile } from '../eligibility/profiles';
import { annualTrainingRule, emptyYearHours, initialTrainingRequired, yearlyCompliance } from './compliance';

const HUBEI = builtInProfile('hubei-2021');
const CHONGQING = builtInProfile('chongqing-2024');
const HUNAN = builtInProfile('hunan-2024');
const ZHEJIANG = builtInProfile('zhejiang');

const Y = 2025;
/** In post since before 2025, open-ended. */
const CQO = { appointedOn: '2020-03-01', termEnd: null };
const year = (h: Partial<TrainingYearHours>): TrainingYearHours => ({ ...emptyYearHours(), ...h });
const partOf = (c: YearlyCompliance, key: string) => {
  const p = c.parts.find((x) => x.key === key);
  if (!p) throw new Error(`no part ${key}`);
  return p;
};

describe('annualTrainingRule / initialTrainingRequired', () => {
  it('reads the thresholds of each built-in profile', () => {
    expect(annualTrainingRule(HUBEI)).toMatchObject({ clause: '004 三(二)', minFirstCategory: 14, minSecondCategory: 30, minTotal: null, minActivities: null });
    expect(annualTrainingRule(HUNAN)).toMatchObject({ minTotal: 10, minActivities: 1 });
    expect(annualTrainingRule(CHONGQING)).toBeNull();
    expect(initialTrainingRequired(HUBEI)).toBe(21);
    expect(initialTrainingRequired(HUNAN)).toBeNull();
    expect(initialTrainingRequired(CHONGQING)).toBeNull();
  });

  it('starts a year at zero', () => {
    expect(emptyYearHours()).toEqual({ initial: 0, firstCategory: 0, secondCategory: 0, activities: 0 });
  });
});

describe('hubei-2021 004 三(二): 第一类 ≥ 14 学时 and 第二类 ≥ 30 学时 a year', () => {
  it('finds 13.5 + 30 not compliant, 0.5 学时 short on 第一类', () => {
    const c = yearlyCompliance(HUBEI, CQO, Y, year({ firstCategory: 13.5, secondCategory: 30 }));
    expect(c).toMatchObject({ year: 2025, profile: 'hubei-2021@1', clause: '004 三(二)', applicable: true, reason: null, compliant: false, shortHours: 0.5, shortActivities: 0 });
    expect(partOf(c, 'firstCategory')).toEqual({ key: 'firstCategory', label: '继续教育(第一类)', required: 14, actual: 13.5, short: 0.5, unit: '学时' });
    expect(partOf(c, 'secondCategory').short).toBe(0);
  });

  it('finds 14 + 30 compliant', () => {
    const c = yearlyCompliance(HUBEI, CQO, Y, year({ firstCategory: 14, secondCategory: 30 }));
    expect(c).toMatchObject({ applicable: true, compliant: true, shortHours: 0, shortActivities: 0 });
    expect(c.parts.map((p) => [p.key, p.label])).toEqual([
      ['firstCategory', '继续教育(第一类)'],
      ['secondCategory', '第二类'],
    ]);
  });

  it('finds 14 + 29.5 not compliant, 0.5 学时 short on 第二类', () => {
    const c = yearlyCompliance(HUBEI, CQO, Y, year({ firstCategory: 14, secondCategory: 29.5 }));
    expect(c.compliant).toBe(false);
    expect(c.shortHours).toBe(0.5);
    expect(partOf(c, 'secondCategory')).toMatchObject({ required: 30, actual: 29.5, short: 0.5 });
    expect(partOf(c, 'firstCategory').short).toBe(0);
  });

  it('does not let 第二类 hours make up for 第一类, and adds both shortfalls', () => {
    expect(yearlyCompliance(HUBEI, CQO, Y, year({ firstCategory: 10, secondCategory: 60 }))).toMatchObject({ compliant: false, shortHours: 4 });
    expect(yearlyCompliance(HUBEI, CQO, Y, emptyYearHours())).toMatchObject({ compliant: false, shortHours: 44 });
  });

  it('does not apply to a CQO appointed on 1 January of the year', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2025-01-01', termEnd: null }, Y, emptyYearHours());
    expect(c).toMatchObject({ applicable: false, compliant: null, shortHours: 0, shortActivities: 0, clause: '004 三(二)' });
    expect(c.reason).toBe('2025-01-01 聘任，2025 年度仅考核任职培训');
    // Progress is still shown.
    expect(partOf(c, 'firstCategory')).toMatchObject({ required: 14, actual: 0, short: 14 });
  });

  it('does not apply to a CQO appointed on 31 December of the year: still appointed during it', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2025-12-31', termEnd: null }, Y, year({ firstCategory: 0, secondCategory: 0 }));
    expect(c).toMatchObject({ applicable: false, compliant: null, shortHours: 0 });
    expect(c.reason).toBe('2025-12-31 聘任，2025 年度仅考核任职培训');
  });

  it('applies to a CQO appointed on 31 December of the year before', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2024-12-31', termEnd: null }, Y, emptyYearHours());
    expect(c).toMatchObject({ applicable: true, reason: null, compliant: false, shortHours: 44 });
  });

  it('does not apply to a CQO appointed after the year', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2026-02-01', termEnd: null }, Y, emptyYearHours());
    expect(c.applicable).toBe(false);
    expect(c.reason).toContain('2026-02-01 聘任');
  });

  it('does not apply when the term ends before 31 December (2025-06-30)', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2020-07-01', termEnd: '2025-06-30' }, Y, emptyYearHours());
    expect(c).toMatchObject({ applicable: false, compliant: null, shortHours: 0 });
    expect(c.reason).toContain('2025-06-30');
  });

  it('applies when the term ends on 31 December itself', () => {
    const c = yearlyCompliance(HUBEI, { appointedOn: '2021-01-01', termEnd: '2025-12-31' }, Y, year({ firstCategory: 14, secondCategory: 30 }));
    expect(c).toMatchObject({ applicable: true, compliant: true });
  });
});

describe('hunan-2024 001 9.4.1.2: 质量专业学习 ≥ 10 学时 and ≥ 1 training activity a year', () => {
  it('finds 10 学时 without an activity not compliant: one activity short, no hours short', () => {
    const c = yearlyCompliance(HUNAN, CQO, Y, year({ firstCategory: 4, secondCategory: 6, activities: 0 }));
    expect(c).toMatchObject({ profile: 'hunan-2024@1', clause: '001 9.4.1.2', applicable: true, compliant: false, shortHours: 0, shortActivities: 1 });
    expect(partOf(c, 'activities')).toEqual({ key: 'activities', label: '组织培训活动', required: 1, actual: 0, short: 1, unit: '次' });
  });

  it('finds 10 学时 with one activity compliant', () => {
    const c = yearlyCompliance(HUNAN, CQO, Y, year({ firstCategory: 4, secondCategory: 6, activities: 1 }));
    expect(c).toMatchObject({ compliant: true, shortHours: 0, shortActivities: 0 });
    expect(c.parts.map((p) => p.key)).toEqual(['total', 'activities']);
    expect(partOf(c, 'total')).toMatchObject({ label: '质量专业学习（第一类+第二类）', required: 10, actual: 10, short: 0, unit: '学时' });
  });

  it('finds 9.5 学时 with one activity 0.5 学时 short', () => {
    const c = yearlyCompliance(HUNAN, CQO, Y, year({ firstCategory: 9.5, activities: 1 }));
    expect(c).toMatchObject({ compliant: false, shortHours: 0.5, shortActivities: 0 });
    expect(partOf(c, 'total').short).toBe(0.5);
  });

  it('does not count 任职培训 hours toward the year', () => {
    expect(yearlyCompliance(HUNAN, CQO, Y, year({ initial: 24, activities: 1 }))).toMatchObject({ compliant: false, shortHours: 10 });
  });
});

describe('zhejiang 000 7.6 (default 10 学时, no activities)', () => {
  it('asks for hours only', () => {
    const c = yearlyCompliance(ZHEJIANG, CQO, Y, year({ secondCategory: 10 }));
    expect(c).toMatchObject({ applicable: true, compliant: true, shortActivities: 0 });
    expect(c.parts.map((p) => p.key)).toEqual(['total']);
  });
});

describe('chongqing-2024 sets no annual continuing education', () => {
  it('is not applicable, with no parts', () => {
    const c = yearlyCompliance(CHONGQING, CQO, Y, emptyYearHours());
    expect(c).toEqual({
      year: 2025,
      profile: 'chongqing-2024@1',
      clause: null,
      applicable: false,
      reason: '现行政策未规定年度继续教育学时',
      compliant: null,
      parts: [],
      shortHours: 0,
      shortActivities: 0,
    });
  });
});

describe('a profile with both per-category and total thresholds', () => {
  const rule = { ...annualTrainingRule(HUBEI)!, minFirstCategory: 10, minSecondCategory: 10, minTotal: 30 };
  const both: PolicyProfile = { ...HUBEI, name: 'hubei-custom', version: 2, rules: [rule] };

  it('reports the real number of hours still missing: the larger of the category sum and the total', () => {
    // Categories short 2 + 0 = 2, total short 30 − 18 = 12: 12 hours are really missing.
    expect(yearlyCompliance(both, CQO, Y, year({ firstCategory: 8, secondCategory: 10 })).shortHours).toBe(12);
    // Categories short 10 + 0 = 10, total short 30 − 25 = 5: 10 hours are really missing.
    expect(yearlyCompliance(both, CQO, Y, year({ firstCategory: 0, secondCategory: 25 })).shortHours).toBe(10);
    expect(yearlyCompliance(both, CQO, Y, year({ firstCategory: 15, secondCategory: 15 }))).toMatchObject({ compliant: true, shortHours: 0 });
  });

  it('shows no float noise in actual or short', () => {
    const c = yearlyCompliance(both, CQO, Y, year({ firstCategory: 0.1 + 0.2, secondCategory: 10 }));
    expect(partOf(c, 'firstCategory')).toMatchObject({ actual: 0.3, short: 9.7 });
    expect(partOf(c, 'total')).toMatchObject({ actual: 10.3, short: 19.7 });
    expect(c.shortHours).toBe(19.7);
  });
});
