import {
  automaticViolationStep,
  certificateNumber,
  certificateYearCompliance,
  certificateValidUntil,
  CERTIFICATE_NUMBER_PATTERN,
  escalate,
  maskName,
  reapplicationDate,
  reapplicationLockedUntil,
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

describe('re-application wait (001 §11, 9.4.1.3; 000 7.7.1)', () => {
  const cert = (status: 'valid' | 'suspended' | 'terminated' | 'revoked' | 'expired', scheme: 'hunan' | 'zhejiang' = 'hunan') => ({ scheme, status, statusChangedOn: '2026-05-20' });

  it('001 §11: a revoked hunan certificate bars a hunan application until the same day a year later', () => {
    expect(reapplicationLockedUntil('hunan', cert('revoked'), '2026-05-20')).toBe('2027-05-20');
    expect(reapplicationLockedUntil('hunan', cert('revoked'), '2027-05-19')).toBe('2027-05-20');
    expect(reapplicationLockedUntil('hunan', cert('revoked'), '2027-05-20')).toBeNull();
  });

  it('001 9.4.1.3 and §11: expiry, suspension and termination put no wait on re-applying', () => {
    for (const s of ['expired', 'suspended', 'terminated', 'valid'] as const) {
      expect(reapplicationLockedUntil('hunan', cert(s), '2026-05-21')).toBeNull();
    }
  });

  it('000 7.7.1: zhejiang has no wait, and a hunan revocation does not bar a zhejiang evaluation', () => {
    expect(reapplicationLockedUntil('zhejiang', cert('revoked', 'zhejiang'), '2026-05-21')).toBeNull();
    expect(reapplicationLockedUntil('zhejiang', cert('revoked', 'hunan'), '2026-05-21')).toBeNull();
    expect(reapplicationLockedUntil('hunan', cert('revoked', 'zhejiang'), '2026-05-21')).toBeNull();
  });
});

describe('holders\' continuing education by the issuing scheme (001 9.4.1.2, 000 7.6)', () => {
  const cert = { issuedOn: '2024-06-01', validUntil: '2027-05-31' };
  const hours = (first: number, second: number, activities: number) => ({ firstCategory: first, secondCategory: second, activities });

  it('001 9.4.1.2: 10 学时 and 1 组织培训活动 pass; 9.5 学时 or no activity fall short', () => {
    expect(certificateYearCompliance('hunan', cert, 2025, hours(6, 4, 1))).toMatchObject({ applicable: true, compliant: true, clause: '001 9.4.1.2' });
    expect(certificateYearCompliance('hunan', cert, 2025, hours(6, 3.5, 1))).toMatchObject({ compliant: false, shortHours: 0.5, shortActivities: 0 });
    const noActivity = certificateYearCompliance('hunan', cert, 2025, hours(40, 40, 0));
    expect(noActivity).toMatchObject({ compliant: false, shortHours: 0, shortActivities: 1 });
    expect(noActivity.note).toContain('001 9.4.1.2');
  });

  it('001 9.4.1.2, not hubei 004 三(二): 10 学时 with an activity is enough, though hubei asks 14 + 30', () => {
    expect(certificateYearCompliance('hunan', cert, 2025, hours(10, 0, 1)).compliant).toBe(true);
  });

  it('000 7.6: zhejiang asks participation in continuing education each year, no activity needed', () => {
    expect(certificateYearCompliance('zhejiang', cert, 2025, hours(0.5, 0, 0))).toMatchObject({ applicable: true, compliant: true, clause: '000 7.6' });
    const none = certificateYearCompliance('zhejiang', cert, 2025, hours(0, 0, 3));
    expect(none).toMatchObject({ compliant: false, shortActivities: 0 });
    expect(none.note).toContain('000 7.6');
  });

  it('the year of issue and a year past validity are not judged', () => {
    expect(certificateYearCompliance('hunan', cert, 2024, hours(0, 0, 0))).toMatchObject({ applicable: false, compliant: null });
    expect(certificateYearCompliance('hunan', cert, 2027, hours(0, 0, 0))).toMatchObject({ applicable: false, compliant: null });
    expect(certificateYearCompliance('hunan', { issuedOn: '2024-01-01', validUntil: '2026-12-31' }, 2024, hours(0, 0, 0)).applicable).toBe(false);
    expect(certificateYearCompliance('hunan', { issuedOn: '2023-12-31', validUntil: '2026-12-30' }, 2024, hours(0, 0, 0)).applicable).toBe(true);
  });
});

describe('what a violation does by itself (001 §11)', () => {
  it('001 §11: 暂停或中止 is automatic; 声明证书作废 waits for an officer (suspended, revocation pending)', () => {
    expect(automaticViolationStep(violationCertificateEffect('违法违规', null))).toEqual({ status: 'suspended', pendingRevocation: false });
    expect(automaticViolationStep(violationCertificateEffect('重大失误受处分', null))).toEqual({ status: 'terminated', pendingRevocation: false });
    expect(automaticViolationStep(violationCertificateEffect('刑事处分', null))).toEqual({ status: 'suspended', pendingRevocation: true });
  });
});
