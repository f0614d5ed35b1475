import type { ApiErrorDetail, AttachmentExportParams, RegionStats, Verdict } from '@cqo/contracts';
import { INDUSTRY_SECTION_NAMES } from '@cqo/contracts';
import { isIsoDate } from '@cqo/policy';
import columns from './attachment-columns.json';

/**
 * The layout of the statutory attachment table (SPEC §7, seed `004 三(二)` 附件) as data: sheet
 * names, titles, column groups and columns, and the pure helpers that turn a database row into
 * cell values. The workbook writer only places what this file describes.
 */

export const TITLE = '企业首席质量官基本情况统计表';
export const SUMMARY_TITLE = '企业首席质量官基本情况汇总表';
export const SHEET_DETAIL = '基本情况';
export const SHEET_SUMMARY = '汇总';

/** How a column's cells are written: the type decides the cell value and its number format. */
export type CellKind = 'index' | 'text' | 'int' | 'hours' | 'date' | 'month' | 'rate';

export interface ColumnDef {
  header: string;
  /** Excel column width in characters (a CJK character counts about 2). */
  width: number;
  kind: CellKind;
}

/** The two sheets' columns are the seed form's, kept as data in attachment-columns.json. */
function columnsOf(rows: (string | number)[][]): ColumnDef[] {
  return rows.map(([header, width, kind]) => ({ header: String(header), width: Number(width), kind: kind as CellKind }));
}

/** One value per column, in column order; null leaves the cell empty. */
export type CellValue = string | number | Date | null;

export const NUM_FMT: Record<CellKind, string | undefined> = {
  index: '0',
  text: undefined,
  int: '0',
  hours: '0.0',
  date: 'yyyy-mm-dd',
  month: 'yyyy-mm',
  rate: '0.0%',
};

/** Sheet 基本情况: the 24 columns of the seed's form, in order. */
export const DETAIL_COLUMNS: readonly ColumnDef[] = columnsOf(columns.detail);

/**
 * The top header row's groups over DETAIL_COLUMNS (1-based, inclusive). Columns outside every
 * group (序号, 任职资格结论, 联系电话, 备注) are merged vertically over both header rows.
 */
export const DETAIL_GROUPS: readonly { title: string; from: number; to: number }[] = [
  { title: '企业基本情况', from: 2, to: 8 },
  { title: '首席质量官基本情况', from: 9, to: 18 },
  { title: '培训情况', from: 19, to: 21 },
];

/** 1-based columns of the hours the 合计 row sums. */
export const HOURS_COLUMNS = [19, 20, 21] as const;

/** Sheet 1 row numbers: title, 填报单位 line, two header rows; data from row 5. */
export const DETAIL_HEADER_ROWS = { title: 1, info: 2, groups: 3, names: 4, firstData: 5 } as const;

/** Sheet 汇总: one row per child region, then the region's own total. */
export const SUMMARY_COLUMNS: readonly ColumnDef[] = columnsOf(columns.summary);

export const SUMMARY_HEADER_ROWS = { title: 1, info: 2, names: 3, firstData: 4 } as const;

/** Excel column letters of a 1-based index (1 → A, 27 → AA). */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * True for text a spreadsheet program would take as the start of a formula (or of a DDE
 * payload) if typed in: `= + - @`, tab, CR. Such text is still written as a plain string cell
 * (never a formula), and also gets the text number format so editing the cell keeps it text.
 */
export function isFormulaLike(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}


export const VERDICT_LABELS: Record<Verdict, string> = { eligible: '符合', attention: '需关注', ineligible: '不符合' };

/** One enterprise with its active appointment, as the repository's cursor yields it. */
export interface AttachmentRow {
  name: string;
  credit_code: string;
  county: string;
  industry: string | null;
  above_size: boolean;
  ownership: string | null;
  awards: string | null;
  cqo_name: string;
  gender: string;
  birth_month: string;
  position_title: string;
  education: string;
  qualification_type: string;
  qualification_level: string | null;
  years_in_quality: number;
  appointed_on: string;
  term_end: string | null;
  authorisation_cert_no: string | null;
  initial_hours: number | string | null;
  first_hours: number | string;
  second_hours: number | string;
  verdict: Verdict | null;
  phone: string;
  disqualified: boolean;
  late_filing: boolean;
}

/** A calendar date (YYYY-MM-DD or YYYY-MM) as the UTC midnight exceljs turns into that serial day. */
export function excelDate(iso: string | null): Date | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d || 1));
}

const num = (v: number | string | null): number | null => (v === null || v === undefined ? null : Number(v));

/** The cells of one data row of sheet 基本情况, in DETAIL_COLUMNS order. */
export function detailCells(index: number, r: AttachmentRow): CellValue[] {
  const remarks: string[] = [];
  if (r.disqualified) remarks.push('因违规不得担任首席质量官，仍在岗');
  if (r.late_filing) remarks.push('逾期备案');
  return [
    index,
    r.name,
    r.credit_code,
    r.county,
    r.industry ? (INDUSTRY_SECTION_NAMES[r.industry] ? `${r.industry} ${INDUSTRY_SECTION_NAMES[r.industry]}` : r.industry) : null,
    r.above_size ? '是' : '否',
    r.ownership,
    r.awards,
    r.cqo_name,
    r.gender,
    excelDate(r.birth_month),
    r.position_title,
    r.education,
    r.qualification_type === '无' || !r.qualification_level ? r.qualification_type : `${r.qualification_type}（${r.qualification_level}）`,
    num(r.years_in_quality),
    excelDate(r.appointed_on),
    excelDate(r.term_end),
    r.authorisation_cert_no,
    num(r.initial_hours),
    num(r.first_hours) ?? 0,
    num(r.second_hours) ?? 0,
    r.verdict ? VERDICT_LABELS[r.verdict] : '未判定',
    r.phone,
    remarks.length ? remarks.join('；') : null,
  ];
}

/** The cells of one 汇总 row from `cqo stats`' figures of a region, in SUMMARY_COLUMNS order. */
export function summaryCells(label: string, s: RegionStats): CellValue[] {
  return [
    label,
    s.enterprises.total,
    s.enterprises.aboveSize,
    s.appointed.total,
    s.appointed.aboveSize,
    s.rates.aboveSize,
    s.rates.sme,
    s.rates.award,
    s.eligible.count,
    s.training.compliant,
    s.filings.rate,
    s.violations.total,
  ];
}

/** Running sums for the 合计 row. */
export class DetailTotals {
  rows = 0;
  readonly hours = HOURS_COLUMNS.map(() => 0);

  add(cells: CellValue[]): void {
    this.rows++;
    HOURS_COLUMNS.forEach((col, i) => {
      const v = cells[col - 1];
      if (typeof v === 'number') this.hours[i] += v;
    });
  }

  /** Hours are kept to one decimal (numeric(5,1) in the ledger); sums of floats are rounded back. */
  cells(): CellValue[] {
    const out: CellValue[] = DETAIL_COLUMNS.map(() => null);
    out[0] = '合计';
    out[1] = this.rows;
    HOURS_COLUMNS.forEach((col, i) => (out[col - 1] = Math.round(this.hours[i] * 10) / 10));
    return out;
  }
}

/** `武汉市-2026-企业首席质量官基本情况统计表.xlsx`. */
export function attachmentFileName(regionName: string, year: number): string {
  return `${regionName}-${year}-${TITLE}.xlsx`;
}

/** Field errors (Chinese) of export parameters; empty when valid. */
export function validateParams(p: Partial<AttachmentExportParams>): ApiErrorDetail[] {
  const errors: ApiErrorDetail[] = [];
  if (typeof p.region !== 'string' || !/^\d{6}$/.test(p.region)) errors.push({ field: 'region', code: 'matches', message: '地区代码应为6位数字' });
  if (!(typeof p.year === 'number' && Number.isInteger(p.year) && p.year >= 2000 && p.year <= 2100)) {
    errors.push({ field: 'year', code: 'isInt', message: '年度应为2000至2100之间的整数' });
  }
  if (p.asOf !== undefined && p.asOf !== null && !isIsoDate(p.asOf)) errors.push({ field: 'asOf', code: 'isDateString', message: '统计截止日期应为YYYY-MM-DD格式的有效日期' });
  return errors;
}
