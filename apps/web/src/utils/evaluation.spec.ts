import type { SchemeView } from '@cqo/contracts';
import { SCORING_SCHEMES } from '@cqo/policy';
import {
  applicationStatusTagType,
  certificateStatusTagType,
  compactScores,
  previewGrade,
  scoreFieldErrors,
  verifyUrl,
} from './evaluation';

// The API's scheme view has the policy scheme's shape (GET /evaluation/schemes).
const hunan: SchemeView = SCORING_SCHEMES.hunan;

/** A hunan sheet: 意识 120, 诚信 60, 知识 60, 能力 200, 业绩 260 = 700. */
const GOOD = { '8.1.1': 80, '8.1.2': 40, '8.2': 60, '8.3': 60, '8.4.1': 60, '8.4.2': 80, '8.4.3': 40, '8.4.4': 20, '8.5.1': 100, '8.5.2': 40, '8.5.3': 60, '8.5.4': 30, '8.5.5': 30 };

describe('previewGrade', () => {
  it('grades by the policy function: 700 meeting the minimums is AAAA', () => {
    expect(previewGrade(hunan, GOOD)).toMatchObject({ total: 700, grade: 'AAAA' });
  });

  it('gives no grade when a dimension is under its minimum, whatever the total', () => {
    const result = previewGrade(hunan, { ...GOOD, '8.1.1': 0, '8.1.2': 39, '8.5.1': 150, '8.5.3': 100 });
    expect(result?.grade).toBeNull();
    expect(result?.reasons.join()).toContain('意识');
  });

  it('applies the applicant’s grade and experience cap (001 5.2)', () => {
    const full = Object.fromEntries(hunan.dimensions.flatMap((d) => d.indicators.map((i) => [i.id, i.max])));
    expect(previewGrade(hunan, full, { applied: 'AAAAA', experienceYears: 6, hasCertificate: true })?.grade).toBe('AAAA');
  });

  it('uses the bands of the scheme view (settings)', () => {
    const raised: SchemeView = { ...hunan, bands: [{ grade: 'AAA', minTotal: 300, maxTotal: 750 }, { grade: 'AAAA', minTotal: 750, maxTotal: 900 }, { grade: 'AAAAA', minTotal: 900, maxTotal: null }] };
    expect(previewGrade(raised, GOOD)?.grade).toBe('AAA');
  });

  it('is null while a score is above its maximum', () => {
    expect(previewGrade(hunan, { ...GOOD, '8.2': 81 })).toBeNull();
  });
});

describe('compactScores / scoreFieldErrors', () => {
  it('drops empty fields', () => {
    expect(compactScores({ a: 1, b: null, c: undefined, d: 0 })).toEqual({ a: 1, d: 0 });
  });

  it('maps scores.<dotted id> to the indicator, first message wins, other fields ignored', () => {
    expect(
      scoreFieldErrors([
        { field: 'scores.6.1.1.1', code: 'above_max', message: '得分不能超过该指标满分 30 分' },
        { field: 'scores.6.1.1.1', code: 'x', message: 'second' },
        { field: 'scores.8.2', code: 'negative', message: '得分不能为负数' },
        { field: 'comment', code: 'x', message: 'ignored' },
      ]),
    ).toEqual({ '6.1.1.1': '得分不能超过该指标满分 30 分', '8.2': '得分不能为负数' });
  });
});

describe('status tags', () => {
  it('colours application states', () => {
    expect(applicationStatusTagType('submitted')).toBe('primary');
    expect(applicationStatusTagType('returned')).toBe('danger');
    expect(applicationStatusTagType('scoring')).toBe('warning');
    expect(applicationStatusTagType('certified')).toBe('success');
    expect(applicationStatusTagType('withdrawn')).toBe('info');
  });

  it('shows only a valid certificate in green', () => {
    expect(certificateStatusTagType('valid')).toBe('success');
    expect(certificateStatusTagType('suspended')).toBe('warning');
    expect(certificateStatusTagType('terminated')).toBe('danger');
    expect(certificateStatusTagType('revoked')).toBe('danger');
    expect(certificateStatusTagType('expired')).toBe('info');
  });
});

describe('verifyUrl', () => {
  it('joins the origin and the verify path', () => {
    expect(verifyUrl('https://cqo.example.cn/', '/verify/cqo/CQO-420000-2026-000001')).toBe('https://cqo.example.cn/verify/cqo/CQO-420000-2026-000001');
  });
});
