import { parseSheetDate, sheetCellText } from './sheet-cells';

describe('parseSheetDate: the one reading of a date cell (roster and training imports, SPEC §9)', () => {
  it('reads a date cell, an Excel serial number and the usual typed forms', () => {
    const cells = [new Date('2024-03-01T00:00:00Z'), 45352, '2024-03-01', '2024/3/1', '2024.3.1', '2024年3月1日', ' 2024 年 3 月 1 日 '];
    expect(cells.map(parseSheetDate)).toEqual(cells.map(() => '2024-03-01'));
  });

  it('refuses a day that does not exist, a number outside the serial range, words and blanks', () => {
    const cells = ['2026-02-30', 12, 90_000, '下月', null, new Date('x')];
    expect(cells.map(parseSheetDate)).toEqual(cells.map(() => null));
  });

  it('sheetCellText shows a cell as a person sees it', () => {
    expect(sheetCellText(new Date('2024-03-01T00:00:00Z'))).toBe('2024-03-01');
    expect(sheetCellText(true)).toBe('是');
    expect(sheetCellText('  x ')).toBe('x');
    expect(sheetCellText(undefined)).toBe('');
  });
});
