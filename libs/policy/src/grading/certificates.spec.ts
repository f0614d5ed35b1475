import {
  certificateNumber,
  certificateValidUntil,
  CERTIFICATE_NUMBER_PATTERN,
  escalate,
  maskName,
  reapplicationDate,
  validateBands,
  violationCertificateEffect,
  withBands,
} from './certificates';
import { gradeSheet } from './grade';
import { SCORING_SCHEMES } from './schemes';

describe('evaluation certificates', () => {
  it('maps violation types to suspension, termination or revocation (001 §11)', () => {
    expect(violationCertificateEffect('违法违规', null)).toBe('suspended');
    expect(violationCertificateEffect('失信', null)).toBe('suspended');
    expect(violationCertificateEffect('较大以上质量安全事故', '较大')).toBe('suspended');
    expect(violationCertificateEffect('较大以上质量安全事故', '重大')).toBe('terminated');
    expect(violationCertificateEffect('重大失误受处分', null)).toBe('terminated');
    expect(violationCertificateEffect('刑事处分', null)).toBe('revoked');
    expect(violationCertificateEffect('谋取不正当利益', null)).toBe('revoked');
    expect(violationCertificateEffect('知情不报或虚假报告', null)).toBe('revoked');
  });

  it('only ever escalates; revoked and expired are final', () => {
    expect(escalate('valid', 'suspended')).toBe('suspended');
    expect(escalate('suspended', 'suspended')).toBeNull();
    expect(escalate('suspended', 'revoked')).toBe('revoked');
    expect(escalate('terminated', 'suspended')).toBeNull();
    expect(escalate('revoked', 'revoked')).toBeNull();
    expect(escalate('expired', 'revoked')).toBeNull();
  });

  it('numbers are CQO-<body>-<year>-<6 digits>', () => {
    expect(certificateNumber('420000', 2026, 123)).toBe('CQO-420000-2026-000123');
    expect(CERTIFICATE_NUMBER_PATTERN.test('CQO-420000-2026-000123')).toBe(true);
    expect(CERTIFICATE_NUMBER_PATTERN.test('CQO-420000-2026-123')).toBe(false);
  });

  it('validity, the re-application date and the masked name', () => {
    expect(certificateValidUntil('2026-03-01', 3)).toBe('2029-02-28');
    expect(reapplicationDate('2026-05-20')).toBe('2027-05-20');
    expect(reapplicationDate('2024-02-29')).toBe('2025-02-28');
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
  });

  it('zhejiang bands are settings: a changed band changes the grade; bad bands are refused', () => {
    const bands = [
      { grade: 'AAA' as const, minTotal: 350, maxTotal: 650 },
      { grade: 'AAAA' as const, minTotal: 650, maxTotal: 850 },
      { grade: 'AAAAA' as const, minTotal: 850, maxTotal: null },
    ];
    expect(validateBands(bands, 300)).toEqual([]);
    const scheme = withBands(SCORING_SCHEMES.zhejiang, bands);
    const scores = { '6.6.1a': 50, '6.6.1b': 50, '6.6.1c': 50, '6.6.3a': 50, '6.6.3b': 50, '6.2.1': 20, '6.2.2': 20, '6.4.4.1': 20, '6.4.4.2': 20 };
    expect(gradeSheet(SCORING_SCHEMES.zhejiang, { scores }).grade).toBe('AAA');
    expect(gradeSheet(scheme, { scores }).grade).toBeNull();
    expect(SCORING_SCHEMES.zhejiang.bands[0].minTotal).toBe(300);
    expect(validateBands([{ ...bands[0], maxTotal: 600 }, bands[1], bands[2]], 300)).toHaveLength(1);
    expect(validateBands([{ ...bands[0], minTotal: 200 }, bands[1], bands[2]], 300)).toEqual(['AAA 最低分不能低于 300 分']);
  });
});
