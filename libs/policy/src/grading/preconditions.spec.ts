import { applicationPreconditions, type ApplicantFacts } from './preconditions';

const facts = (over: Partial<ApplicantFacts> = {}): ApplicantFacts => ({
  education: '大学本科',
  qualificationType: '专业技术职称',
  qualificationLevel: '中级',
  filedExperienceYears: 5,
  declaredExperienceYears: 5,
  declaredCertificate: true,
  certificateOnFile: true,
  initialTrainingHours: 24,
  violations: [],
  ...over,
});
const clauses = (scheme: 'hunan' | 'zhejiang', applied: 'AAA' | 'AAAA' | 'AAAAA', over: Partial<ApplicantFacts> = {}) =>
  applicationPreconditions(scheme, applied, facts(over)).map((f) => f.clause);

describe('application preconditions (001 9.1 → 5.x; 000 7.2 → 4.1)', () => {
  it('001 9.1: an applicant meeting 5.1 and 5.2.2 may apply for AAAA', () => {
    expect(clauses('hunan', 'AAAA')).toEqual([]);
  });

  it('001 5.2.2: without the 5.1.4 certificate no grade can be applied for', () => {
    for (const g of ['AAA', 'AAAA', 'AAAAA'] as const) expect(clauses('hunan', g, { declaredCertificate: false, filedExperienceYears: 10 })).toEqual(['001 5.1.4']);
  });

  it('001 5.1.4: a certificate declared but no number on file is refused with how to fix it', () => {
    const [f] = applicationPreconditions('hunan', 'AAA', facts({ certificateOnFile: false }));
    expect(f).toMatchObject({ field: 'hasCertificate', clause: '001 5.1.4' });
    expect(f.message).toContain('证书编号');
  });

  it.each([
    ['AAA', 1, '001 5.2.1'],
    ['AAA', 2, null],
    ['AAAA', 3, '001 5.2.2'],
    ['AAAA', 4, null],
    ['AAAAA', 7, '001 5.2.3'],
    ['AAAAA', 8, null],
  ] as const)('001 5.2 experience boundary: %s with %s filed years → %s', (applied, years, clause) => {
    expect(clauses('hunan', applied, { filedExperienceYears: years, declaredExperienceYears: 20 })).toEqual(clause ? [clause] : []);
  });

  it('001 5.2: the filed appointment history wins over the stated years; the statement counts when nothing is filed', () => {
    const [f] = applicationPreconditions('hunan', 'AAAA', facts({ filedExperienceYears: 3, declaredExperienceYears: 6 }));
    expect(f.message).toContain('按备案的聘任记录为 3 年');
    expect(clauses('hunan', 'AAAA', { filedExperienceYears: null, declaredExperienceYears: 4 })).toEqual([]);
    expect(clauses('hunan', 'AAAA', { filedExperienceYears: null, declaredExperienceYears: 3 })).toEqual(['001 5.2.2']);
  });

  it('001 5.1.1: 中专 does not meet 大专（含）以上', () => {
    expect(clauses('hunan', 'AAA', { education: '中专' })).toEqual(['001 5.1.1']);
    expect(clauses('hunan', 'AAA', { education: '大专' })).toEqual([]);
  });

  it('001 5.1.5: a criminal penalty, leaked secrets or harm bar the application; a plain 违法违规 does not', () => {
    expect(clauses('hunan', 'AAA', { violations: [{ type: '刑事处分', occurredOn: '2025-01-01' }] })).toEqual(['001 5.1.5 a)']);
    expect(clauses('hunan', 'AAA', { violations: [{ type: '泄露商业秘密', occurredOn: '2025-01-01' }] })).toEqual(['001 5.1.5 b)']);
    expect(clauses('hunan', 'AAA', { violations: [{ type: '损害合法权益', occurredOn: '2025-01-01' }] })).toEqual(['001 5.1.5 c)']);
    expect(clauses('hunan', 'AAA', { violations: [{ type: '违法违规', occurredOn: '2025-01-01' }] })).toEqual([]);
  });

  it('000 7.2: zhejiang checks 4.1 only — no 5.2 certificate or grade gates (1 year is a 4.1 b) matter)', () => {
    expect(clauses('zhejiang', 'AAAAA', { declaredCertificate: false, filedExperienceYears: 3 })).toEqual([]);
    expect(clauses('zhejiang', 'AAA', { filedExperienceYears: 2 })).toEqual(['000 4.1 b)']);
  });

  it('000 4.1 a): 学历或技术职称 — either one is enough', () => {
    expect(clauses('zhejiang', 'AAA', { education: '中专', qualificationType: '专业技术职称', qualificationLevel: '中级' })).toEqual([]);
    expect(clauses('zhejiang', 'AAA', { education: '大专', qualificationType: '无', qualificationLevel: null })).toEqual([]);
    expect(clauses('zhejiang', 'AAA', { education: '中专', qualificationType: '无', qualificationLevel: null })).toEqual(['000 4.1 a)']);
  });

  it('000 4.1 c): 任职培训 on file — a certificate number or recorded hours', () => {
    expect(clauses('zhejiang', 'AAA', { certificateOnFile: false, initialTrainingHours: 0 })).toEqual(['000 4.1 c)']);
    expect(clauses('zhejiang', 'AAA', { certificateOnFile: false, initialTrainingHours: 21 })).toEqual([]);
  });
});
