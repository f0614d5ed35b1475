import { TRAINING_CATEGORIES } from '@cqo/contracts';
import { normaliseCertificateNo, validateTrainingRecord, type TrainingRecordInput } from './validate-record';

const TODAY = '2025-06-30';
const VALID: TrainingRecordInput = {
  category: '继续教育(第一类)',
  course: '质量管理体系内审员培训',
  provider: '湖北省质量协会',
  startDate: '2025-05-10',
  endDate: '2025-05-10',
  hours: 8,
  certificateNo: 'HBZX-2025-0001',
};

const check = (overrides: TrainingRecordInput) => validateTrainingRecord({ ...VALID, ...overrides }, TODAY);
const codes = (overrides: TrainingRecordInput) => check(overrides).map((e) => `${e.field}:${e.code}`);
const messageOf = (overrides: TrainingRecordInput, field: string) => check(overrides).find((e) => e.field === field)?.message;

describe('validateTrainingRecord', () => {
  it('accepts a valid record', () => {
    expect(check({})).toEqual([]);
  });

  it('accepts every training category and refuses another', () => {
    for (const category of TRAINING_CATEGORIES) expect(check({ category })).toEqual([]);
    expect(codes({ category: '继续教育' })).toEqual(['category:format']);
    expect(messageOf({ category: '继续教育' }, 'category')).toContain('继续教育(第一类)');
    expect(codes({ category: undefined })).toEqual(['category:required']);
  });

  describe('hours', () => {
    it('refuses 0 and −1: 学时应大于 0', () => {
      expect(check({ hours: 0 })).toEqual([{ field: 'hours', code: 'positive', message: '学时应大于 0' }]);
      expect(codes({ hours: -1 })).toEqual(['hours:positive']);
    });

    it('refuses 0.3: 学时应以 0.5 为单位', () => {
      expect(check({ hours: 0.3 })).toEqual([{ field: 'hours', code: 'step', message: '学时应以 0.5 为单位' }]);
    });

    it('accepts 7.5 and 0.5', () => {
      expect(check({ hours: 7.5 })).toEqual([]);
      expect(check({ hours: 0.5 })).toEqual([]);
    });

    it('accepts 8 on a one-day course and refuses 8.5', () => {
      expect(check({ hours: 8 })).toEqual([]);
      expect(check({ hours: 8.5 })).toEqual([{ field: 'hours', code: 'perDay', message: '学时不能超过每天 8 学时（该课程 1 天，最多 8 学时）' }]);
    });

    it('accepts 16 on a two-day course and refuses 16.5', () => {
      expect(check({ startDate: '2025-05-10', endDate: '2025-05-11', hours: 16 })).toEqual([]);
      expect(messageOf({ startDate: '2025-05-10', endDate: '2025-05-11', hours: 16.5 }, 'hours')).toBe('学时不能超过每天 8 学时（该课程 2 天，最多 16 学时）');
    });

    it('counts the days of a course across a month end', () => {
      expect(check({ startDate: '2025-01-30', endDate: '2025-02-02', hours: 32 })).toEqual([]);
      expect(codes({ startDate: '2025-01-30', endDate: '2025-02-02', hours: 32.5 })).toEqual(['hours:perDay']);
    });

    it('accepts numeric strings from providers’ sheets', () => {
      expect(check({ hours: '4.5' })).toEqual([]);
      expect(check({ hours: ' 7.5 ' })).toEqual([]);
      expect(codes({ hours: '0.3' })).toEqual(['hours:step']);
    });

    it('refuses a missing, blank or non-numeric value', () => {
      expect(codes({ hours: undefined })).toEqual(['hours:required']);
      expect(codes({ hours: '' })).toEqual(['hours:required']);
      expect(codes({ hours: NaN })).toEqual(['hours:format']);
      expect(codes({ hours: Infinity })).toEqual(['hours:format']);
      expect(codes({ hours: '4学时' })).toEqual(['hours:format']);
      expect(codes({ hours: true })).toEqual(['hours:format']);
    });
  });

  describe('dates', () => {
    it('refuses an end date before the start date', () => {
      expect(check({ startDate: '2025-05-10', endDate: '2025-05-09' })).toEqual([{ field: 'endDate', code: 'order', message: '结束日期不能早于开始日期' }]);
    });

    it('refuses dates after today, and accepts today', () => {
      expect(check({ startDate: TODAY, endDate: TODAY })).toEqual([]);
      expect(check({ startDate: '2025-07-01', endDate: '2025-07-01' })).toEqual([
        { field: 'startDate', code: 'future', message: '开始日期不能晚于今天' },
        { field: 'endDate', code: 'future', message: '结束日期不能晚于今天' },
      ]);
      expect(codes({ startDate: '2025-06-30', endDate: '2025-07-01' })).toEqual(['endDate:future']);
    });

    it('refuses missing and malformed dates', () => {
      expect(codes({ startDate: undefined })).toEqual(['startDate:required']);
      expect(codes({ endDate: '2025-02-30' })).toEqual(['endDate:format']);
      expect(codes({ startDate: '2025/05/10' })).toEqual(['startDate:format']);
    });
  });

  describe('course, provider and certificate number', () => {
    it('requires course and provider, up to 200 characters', () => {
      expect(check({ course: '  ', provider: null })).toEqual([
        { field: 'course', code: 'required', message: '请填写课程名称' },
        { field: 'provider', code: 'required', message: '请填写培训机构' },
      ]);
      expect(check({ course: '质'.repeat(200) })).toEqual([]);
      expect(codes({ course: '质'.repeat(201) })).toEqual(['course:length']);
      expect(codes({ provider: 42 })).toEqual(['provider:format']);
    });

    it('accepts no certificate number, and checks one that is given', () => {
      expect(check({ certificateNo: undefined })).toEqual([]);
      expect(check({ certificateNo: '' })).toEqual([]);
      expect(check({ certificateNo: 'hb/2025_01 a' })).toEqual([]);
      expect(codes({ certificateNo: 'A'.repeat(65) })).toEqual(['certificateNo:length']);
      expect(codes({ certificateNo: 'HB#2025' })).toEqual(['certificateNo:format']);
    });

    it('reports every bad field at once', () => {
      expect(validateTrainingRecord({}, TODAY).map((e) => e.field)).toEqual(['category', 'course', 'provider', 'startDate', 'endDate', 'hours']);
    });
  });
});

describe('normaliseCertificateNo', () => {
  it('trims and upper-cases, and turns blank into null', () => {
    expect(normaliseCertificateNo('  hbzx-2025-0001 ')).toBe('HBZX-2025-0001');
    expect(normaliseCertificateNo('')).toBeNull();
    expect(normaliseCertificateNo('   ')).toBeNull();
    expect(normaliseCertificateNo(null)).toBeNull();
    expect(normaliseCertificateNo(undefined)).toBeNull();
    expect(normaliseCertificateNo(20250001)).toBe('20250001');
  });
});
