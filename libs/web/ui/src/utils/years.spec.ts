import { clampYear, FIRST_YEAR, yearRange } from './years';

describe('yearRange', () => {
  it('lists years newest first, both ends included', () => {
    expect(yearRange(2021, 2024)).toEqual([2024, 2023, 2022, 2021]);
  });

  it('has one year when first equals last and none when first is later', () => {
    expect(yearRange(2021, 2021)).toEqual([2021]);
    expect(yearRange(2025, 2021)).toEqual([]);
  });

  it('starts the platform at 2021', () => {
    expect(FIRST_YEAR).toBe(2021);
  });
});

describe('clampYear', () => {
  it('keeps a year inside the range', () => {
    expect(clampYear(2019, 2021, 2025)).toBe(2021);
    expect(clampYear(2030, 2021, 2025)).toBe(2025);
    expect(clampYear(2023, 2021, 2025)).toBe(2023);
  });

  it('falls back to the last year for a non-integer', () => {
    expect(clampYear(Number.NaN, 2021, 2025)).toBe(2025);
    expect(clampYear(2022.5, 2021, 2025)).toBe(2025);
  });
});
