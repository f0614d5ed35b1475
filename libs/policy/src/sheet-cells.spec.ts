import { parseSheetDate, sheetCellText } from './sheet-cells';

describe('parseSheetDate: the one reading of a date cell (roster and training imports, SPEC §9)', () => {
  it('reads a date cell, an Excel serial number and the usual typed forms', () => {
    expect(parseSheetDate(new Date('2024-03-01T00:00:00Z'))).toBe('2024-03-01');
    expect(parseSheetDate(45352)).toBe('2024-03-01');
    expect(parseSheetDate('2024-03-01')).toBe('2024-03-01');
    expect(parseSheetDate('2024/3/1')).toBe('2024-03-01');
    expect(parseSheetDate('2024.3.1')).toBe('2024-03-01');
    expect(parseSheetDate('2024年3月1日')).toBe('2024-03-01');
    expect(parseSheetDate(' 2024 年 3 月 1 日 ')).toBe('2024-03-01');
  });

  it('refuses a day that does not exist, a number outside the serial range, words and blanks', () => {
    expect(parseSheetDate('2026-02-30')).toBeNull();
    expect(parseSheetDate(12)).toBeNull();
    expect(parseSheetDate(90_000)).toBeNull();
    expect(parseSheetDate('下月')).toBeNull();
    expect(parseSheetDate(null)).toBeNull();
    expect(parseSheetDate(new Date('x'))).toBeNull();
  });

  it('sheetCellText shows a cell as a person sees it', () => {
    expect(sheetCellText(new Date('2024-03-01T00:00:00Z'))).toBe('2024-03-01');
    expect(sheetCellText(true)).toBe('是');
    expect(sheetCellText('  x ')).toBe('x');
    expect(sheetCellText(undefined)).toBe('');
  });
});
