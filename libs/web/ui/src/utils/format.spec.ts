import { EMPTY_VALUE, formatDateTime, formatNumber } from './format';

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
