import type { AnnualReportData } from '@cqo/contracts';
import {
  canTransition,
  currentReportingYear,
  defaultFilingSettings,
  emptyReportData,
  explanationError,
  isLate,
  lockedReason,
  reasonError,
  reminderDue,
  softRuleHits,
  validateAnnualReport,
  validateFilingSettings,
} from './index';

const complete = (over: Partial<AnnualReportData> = {}): AnnualReportData => ({
  ...emptyReportData(),
  hasAppraisalSystem: true,
  appraisalResult: '称职',
  appraisalDecision: '留任',
  qualityFund: 12.5,
  dutiesNarrative: '组织质量例会 12 次',
  problemsAndPlans: '明年推进 QC 小组',
  ...over,
});
const fields = (errors: { field: string }[]) => errors.map((e) => e.field);

describe('annual report hard rules', () => {
  it('a complete report passes', () => {
    expect(validateAnnualReport(complete(), 'submit')).toEqual([]);
  });

  it('an empty draft saves, but cannot be submitted, naming each missing field', () => {
    expect(validateAnnualReport(emptyReportData(), 'draft')).toEqual([]);
    expect(fields(validateAnnualReport(emptyReportData(), 'submit'))).toEqual(['hasAppraisalSystem', 'qualityFund', 'dutiesNarrative', 'problemsAndPlans']);
  });

  it('a declared appraisal system needs its result and decision', () => {
    const errors = validateAnnualReport(complete({ appraisalResult: null, appraisalDecision: null }), 'submit');
    expect(fields(errors)).toEqual(['appraisalResult', 'appraisalDecision']);
    expect(errors[0].message).toContain('考核结果');
  });

  it('no appraisal system means no result', () => {
    expect(validateAnnualReport(complete({ hasAppraisalSystem: false }), 'submit')[0]).toMatchObject({ field: 'appraisalResult', code: 'noSystem' });
    expect(validateAnnualReport(complete({ hasAppraisalSystem: false, appraisalResult: null, appraisalDecision: null }), 'submit')).toEqual([]);
  });

  it('numbers must be ≥ 0, and drafts are checked for that too', () => {
    const bad = complete({ qualityFund: -1, accidents: { 一般: -2, 较大: 1.5, 重大: 0, 特别重大: 0 } });
    for (const mode of ['draft', 'submit'] as const) {
      expect(validateAnnualReport(bad, mode).map((e) => `${e.field}:${e.code}`)).toEqual(['qualityFund:negative', 'accidents.一般:negative', 'accidents.较大:notInteger']);
    }
    expect(validateAnnualReport(complete({ qualityFund: 1.234 }), 'submit')[0].code).toBe('tooPrecise');
    expect(validateAnnualReport(complete({ qualityFund: 0.1 + 0.2 }), 'submit')).toEqual([]);
  });
});

describe('annual report soft rules', () => {
  const none = { trainingShort: null, violationsInYear: 0 };

  it('a clean report has no hits', () => {
    expect(softRuleHits(complete(), none)).toEqual([]);
  });

  it('flags no appraisal system, a zero fund, short training and an accident without a violation', () => {
    const data = complete({ hasAppraisalSystem: false, appraisalResult: null, appraisalDecision: null, qualityFund: 0, accidents: { 一般: 1, 较大: 0, 重大: 0, 特别重大: 0 } });
    const hits = softRuleHits(data, { trainingShort: { shortHours: 6, shortActivities: 0 }, violationsInYear: 0 });
    expect(hits.map((h) => h.id)).toEqual(['no-appraisal-system', 'zero-fund', 'training-short', 'accident-no-violation']);
    expect(hits[2].message).toContain('差 6 学时');
  });

  it('an accident with a violation on record is not a hit', () => {
    const data = complete({ accidents: { 一般: 0, 较大: 1, 重大: 0, 特别重大: 0 } });
    expect(softRuleHits(data, { trainingShort: null, violationsInYear: 1 })).toEqual([]);
  });

  it('hits need an explanation, and none is needed without hits', () => {
    const hits = softRuleHits(complete({ qualityFund: 0 }), none);
    expect(explanationError(hits, '  ')).toMatchObject({ field: 'explanation', code: 'required' });
    expect(explanationError(hits, '今年经费并入技改项目')).toBeNull();
    expect(explanationError([], undefined)).toBeNull();
  });

  it('a return needs a reason; an acceptance does not', () => {
    expect(reasonError('', true)).toMatchObject({ field: 'reason', code: 'required' });
    expect(reasonError(undefined, false)).toBeNull();
  });
});

describe('report states', () => {
  it('only a submitted report can be accepted or returned, and only an unsubmitted one edited', () => {
    expect(canTransition('submitted', 'accept')).toBe(true);
    expect(canTransition('accepted', 'return')).toBe(false);
    expect(canTransition('returned', 'submit')).toBe(true);
    expect(canTransition('accepted', 'save')).toBe(false);
    expect(canTransition('submitted', 'save')).toBe(false);
  });

  it('says why a report is locked', () => {
    expect(lockedReason('accepted', '2026-12-20T02:00:00.000Z')).toBe('报告已于 2026-12-20 被受理，已锁定，不能再修改');
    expect(lockedReason('submitted', null)).toContain('等待审核');
    expect(lockedReason('returned', null)).toBeNull();
  });
});

describe('reporting calendar', () => {
  const s = defaultFilingSettings(2026);

  it('defaults to Nov 1, Dec 15 and Dec 31', () => {
    expect([s.windowOpens, s.enterpriseDeadline, s.cityDeadline]).toEqual(['2026-11-01', '2026-12-15', '2026-12-31']);
    expect(validateFilingSettings(2026, s)).toEqual([]);
  });

  it('refuses deadlines out of order, naming the field', () => {
    const errors = validateFilingSettings(2026, { ...s, enterpriseDeadline: '2026-10-01', cityDeadline: '2026-09-30' });
    expect(fields(errors)).toEqual(['enterpriseDeadline', 'cityDeadline']);
    expect(fields(validateFilingSettings(2026, { ...s, windowOpens: '2026-02-30' }))).toEqual(['windowOpens']);
    expect(fields(validateFilingSettings(2026, { ...s, reminderDaysBefore: [0], overdueEveryDays: -1 }))).toEqual(['reminderDaysBefore', 'overdueEveryDays']);
  });

  it('reminds 7 and 1 days before, never on the day, then weekly while overdue', () => {
    const due = (d: string) => reminderDue(s.enterpriseDeadline, s, d);
    expect(due('2026-12-08')).toEqual({ kind: 'deadline-approaching', daysLeft: 7 });
    expect(due('2026-12-09')).toBeNull();
    expect(due('2026-12-14')).toEqual({ kind: 'deadline-approaching', daysLeft: 1 });
    expect(due('2026-12-15')).toBeNull();
    expect(due('2026-12-16')).toEqual({ kind: 'overdue', daysOverdue: 1 });
    expect(due('2026-12-17')).toBeNull();
    expect(due('2026-12-23')).toEqual({ kind: 'overdue', daysOverdue: 8 });
    expect(reminderDue(s.enterpriseDeadline, { ...s, overdueEveryDays: 0 }, '2026-12-16')).toBeNull();
  });

  it('a submission on the deadline is on time, the day after is late', () => {
    expect(isLate('2026-12-15', s.enterpriseDeadline)).toBe(false);
    expect(isLate('2026-12-16', s.enterpriseDeadline)).toBe(true);
  });
});

describe('SPEC §2.3 (004 三(二) 每年要…书面报告): the year being reported on', () => {
  it('is this year from the day the window opens (1 November by default), the previous year before', () => {
    expect(currentReportingYear('2026-11-01')).toBe(2026);
    expect(currentReportingYear('2026-12-31')).toBe(2026);
    expect(currentReportingYear('2026-10-31')).toBe(2025);
    expect(currentReportingYear('2027-01-10')).toBe(2026);
  });

  it('follows a province window that opens on another day', () => {
    expect(currentReportingYear('2026-10-20', (y) => `${y}-10-15`)).toBe(2026);
    expect(currentReportingYear('2026-10-10', (y) => `${y}-10-15`)).toBe(2025);
  });
});
