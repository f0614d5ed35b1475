import { isIsoDate } from './eligibility/dates';

// Spreadsheet cells as every import reads them (the roster import and the training import, SPEC §9):
// one reading of a date cell, an Excel serial number or a date typed as text.

/** A cell as a spreadsheet reader hands it over (rich text, formulas and links already reduced). */
export type SheetCellValue = string | number | boolean | Date | null | undefined;

/** Excel's serial day of 1970-01-01 (the 1900 date system, with its phantom 29 Feb 1900). */
const EXCEL_UNIX_EPOCH = 25_569;
/** Serial numbers taken as dates: 1954-10-03 to 2119-01-09; other numbers are not dates. */
const SERIAL_MIN = 20_000;
const SERIAL_MAX = 80_000;

/** A cell as the text a person sees in it (a date cell as YYYY-MM-DD; exceljs reads dates as UTC midnight). */
export function sheetCellText(v: SheetCellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'boolean') return v ? '是' : '否';
  return String(v).trim();
}

/** A date cell, an Excel serial number or text (2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日) → YYYY-MM-DD; null when none or no such day. */
export function parseSheetDate(v: SheetCellValue): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'number') {
    if (v < SERIAL_MIN || v > SERIAL_MAX) return null;
    return new Date(Math.round((v - EXCEL_UNIX_EPOCH) * 86_400_000)).toISOString().slice(0, 10);
  }
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(sheetCellText(v));
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}
