import { defaultReportingYear, needsExplanation, parseDayList, reportStatusTagType, topLevelField, yearFromQuery } from './filings';

describe('defaultReportingYear', () => {
  it('is this year from 1 November, last year before', () => {
    expect(defaultReportingYear(new Date(2026, 10, 1))).toBe(2026);
    expect(defaultReportingYear(new Date(2026, 11, 31))).toBe(2026);
    expect(defaultReportingYear(new Date(2026, 9, 31))).toBe(2025);
    expect(defaultReportingYear(new Date(2027, 0, 10))).toBe(2026);
  });
});

describe('reportStatusTagType', () => {
  it('colours each state', () => {
    expect(reportStatusTagType('accepted')).toBe('success');
    expect(reportStatusTagType('submitted')).toBe('primary');
    expect(reportStatusTagType('returned')).toBe('danger');
    expect(reportStatusTagType('draft')).toBe('warning');
    expect(reportStatusTagType('not-started')).toBe('info');
  });
});

describe('yearFromQuery', () => {
  it('reads a year and keeps it in range', () => {
    expect(yearFromQuery('2025', 2026, 2021, 2026)).toBe(2025);
    expect(yearFromQuery('2030', 2026, 2021, 2026)).toBe(2026);
    expect(yearFromQuery('2000', 2026, 2021, 2026)).toBe(2021);
  });

  it('falls back when absent or malformed', () => {
    expect(yearFromQuery('', 2026, 2021, 2026)).toBe(2026);
    expect(yearFromQuery('abc', 2026, 2021, 2026)).toBe(2026);
    expect(yearFromQuery('20x5', 2026, 2021, 2026)).toBe(2026);
  });
});

describe('server error details', () => {
  it('maps nested fields to their form item', () => {
    expect(topLevelField('accidents.一般')).toBe('accidents');
    expect(topLevelField('reminderDaysBefore[0]')).toBe('reminderDaysBefore');
    expect(topLevelField('qualityFund')).toBe('qualityFund');
  });

  it('recognises a refusal for a missing 上报说明 only', () => {
    expect(needsExplanation([{ field: 'explanation', code: 'required', message: '须填写上报说明' }])).toBe(true);
    expect(needsExplanation([{ field: 'explanation', code: 'tooLong', message: '过长' }])).toBe(false);
    expect(needsExplanation([{ field: 'qualityFund', code: 'required', message: '请填写' }])).toBe(false);
  });
});

describe('parseDayList', () => {
  it('reads integers, drops repeats, largest first', () => {
    expect(parseDayList(['1', ' 7 ', '7'])).toEqual([7, 1]);
    expect(parseDayList([])).toEqual([]);
  });

  it('refuses anything but whole numbers', () => {
    expect(parseDayList(['7', 'x'])).toBeNull();
    expect(parseDayList(['1.5'])).toBeNull();
    expect(parseDayList(['-1'])).toBeNull();
  });
});
