import { EMPTY_VALUE, formatDateTime, formatNumber, formatRate } from './format';

describe('formatNumber', () => {
  it('adds thousands separators', () => {
    expect(formatNumber(6012)).toBe('6,012');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0)).toBe('0');
  });

  it('shows a dash for missing or non-finite values', () => {
    expect(formatNumber(null)).toBe(EMPTY_VALUE);
    expect(formatNumber(undefined)).toBe(EMPTY_VALUE);
    expect(formatNumber(Number.NaN)).toBe(EMPTY_VALUE);
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe(EMPTY_VALUE);
  });
});

describe('formatRate', () => {
  it('formats a percentage with one decimal by default', () => {
    expect(formatRate(1, 3)).toBe('33.3%');
    expect(formatRate(3, 3)).toBe('100.0%');
    expect(formatRate(0, 5)).toBe('0.0%');
    expect(formatRate(1, 8, 2)).toBe('12.50%');
  });

  it('shows a dash for 0/0 and never NaN or Infinity', () => {
    expect(formatRate(0, 0)).toBe('—');
    expect(formatRate(5, 0)).toBe('—');
    expect(formatRate(null, 10)).toBe('—');
    expect(formatRate(1, undefined)).toBe('—');
    expect(formatRate(Number.NaN, 10)).toBe('—');
    for (const text of [formatRate(0, 0), formatRate(1, 0), formatRate(Number.NaN, Number.NaN)]) {
      expect(text).not.toMatch(/NaN|Infinity/);
    }
  });
});

describe('formatDateTime', () => {
  it('formats an ISO time as local YYYY-MM-DD HH:mm', () => {
    const iso = new Date(2024, 2, 5, 9, 7, 30).toISOString();
    expect(formatDateTime(iso)).toBe('2024-03-05 09:07');
  });

  it('returns null for missing or invalid input', () => {
    expect(formatDateTime(null)).toBeNull();
    expect(formatDateTime('')).toBeNull();
    expect(formatDateTime('not a date')).toBeNull();
  });
});
