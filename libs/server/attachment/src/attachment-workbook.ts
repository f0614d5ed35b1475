import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  columnLetter,
  DETAIL_COLUMNS,
  DETAIL_GROUPS,
  DETAIL_HEADER_ROWS,
  isFormulaLike,
  NUM_FMT,
  SHEET_DETAIL,
  SHEET_SUMMARY,
  SUMMARY_COLUMNS,
  SUMMARY_HEADER_ROWS,
  SUMMARY_TITLE,
  TITLE,
  type CellValue,
  type ColumnDef,
} from './attachment-layout';

/**
 * Where the figures come from, written into the workbook's properties and page footers. Nothing
 * about the export itself (when, by whom): the same region, year and as-of date give the same
 * bytes on every export, before a backup and after its restore (issue 21) — the audit log records
 * who exported when.
 */
export interface Provenance {
  regionCode: string;
  regionName: string;
  year: number;
  asOf: string;
  snapshotRunId: number | null;
  snapshotBuiltAt: string | null;
}

export function provenanceText(p: Provenance): string {
  const source = p.snapshotRunId === null ? '实时计算（无统计快照）' : `统计快照 #${p.snapshotRunId}，快照时间 ${p.snapshotBuiltAt}`;
  return `数据来源：${source}；统计截止日期 ${p.asOf}`;
}

/**
 * The moment the figures stand for, the workbook's created / modified / last-printed time and the
 * date of every zip entry: the snapshot's build time, or (figures computed live) the as-of day at
 * 00:00 UTC, as the sheets write dates.
 */
export function figuresTime(p: Pick<Provenance, 'asOf' | 'snapshotBuiltAt'>): Date {
  return p.snapshotBuiltAt ? new Date(p.snapshotBuiltAt) : new Date(`${p.asOf}T00:00:00Z`);
}

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = { name: '宋体', size: 10 };
const BOLD = { ...FONT, bold: true };

// Style objects are shared by every cell that uses them: exceljs caches a style's id by object
// identity, so a million rows cost one lookup per cell instead of serialising a style each time.
const TITLE_STYLE: Partial<ExcelJS.Style> = { font: { name: '黑体', size: 16, bold: true }, alignment: { horizontal: 'center', vertical: 'middle' } };
const INFO_STYLE: Partial<ExcelJS.Style> = { font: FONT, alignment: { horizontal: 'left', vertical: 'middle' } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: BOLD,
  border: BORDER,
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
};

interface ColumnStyles {
  value: Partial<ExcelJS.Style>;
  /** Formula-like text and the "—" of an empty rate: text format, so Excel keeps it text when edited. */
  text: Partial<ExcelJS.Style>;
}

function columnStyles(c: ColumnDef, bold = false): ColumnStyles {
  const horizontal: ExcelJS.Alignment['horizontal'] = c.kind === 'text' ? 'left' : c.kind === 'index' ? 'center' : 'right';
  // Text wraps inside its column (所属行业, 获奖情况, 职务 … are longer than any sensible width):
  // printed, a cut-off cell loses words; a wrapped one only grows its row.
  const wrapText = c.kind === 'text';
  const base: Partial<ExcelJS.Style> = { font: bold ? BOLD : FONT, border: BORDER, alignment: { horizontal, vertical: 'middle', wrapText } };
  const numFmt = NUM_FMT[c.kind];
  return {
    value: numFmt ? { ...base, numFmt } : base,
    text: { ...base, numFmt: '@', alignment: { horizontal: c.kind === 'text' ? 'left' : 'center', vertical: 'middle', wrapText } },
  };
}

/** Points per printed line of the 10-point body font. */
const LINE_HEIGHT = 13.5;

/**
 * How many lines `text` takes in a column `width` characters wide: a CJK or full-width character
 * is about 1.5 widths of the 10-point 宋体 (measured on LibreOffice's print of the 统计表: 16 of them
 * fill a column of 26, 13 plus "I " one of 20).
 */
export function wrappedLines(text: string, width: number): number {
  let units = 0;
  for (const ch of text) units += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/.test(ch) ? 1.5 : 1;
  return Math.max(1, Math.ceil(units / Math.max(1, width - 0.5)));
}

/** Writes one cell; a string is always a plain string value, never a formula. */
function put(row: ExcelJS.Row, col: number, value: CellValue, styles: ColumnStyles): void {
  const cell = row.getCell(col);
  if (value === null) {
    cell.style = styles.value;
    return;
  }
  cell.value = value;
  cell.style = typeof value === 'string' && (isFormulaLike(value) || value === '—') ? styles.text : styles.value;
}

type ZipAppend = (source: unknown, data: { name: string; date?: Date }) => unknown;

/**
 * exceljs' streaming writer whose zip entries carry the workbook's `created` time instead of the
 * wall clock. exceljs appends every part to its archiver zip without a date, and archiver stamps
 * such an entry with `new Date()` (written in UTC, 2-second resolution): two exports a few seconds
 * apart would differ in every entry header. The writer's constructor makes the zip and then at once
 * appends the theme and the package rels through `addThemes()` — the first moment the zip exists,
 * so the dating of `append` is put in there, before the first entry.
 */
class DatedWorkbookWriter extends ExcelJS.stream.xlsx.WorkbookWriter {
  constructor(options: Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions> & { created: Date }) {
    super(options);
  }

  override addThemes(): Promise<void> {
    const self = this as unknown as { zip: { append: ZipAppend }; created: Date };
    const append = self.zip.append.bind(self.zip);
    const date = self.created;
    self.zip.append = (source, data) => append(source, { ...data, date });
    return super.addThemes();
  }
}

/**
 * The attachment workbook on exceljs' streaming writer: sheet 基本情况 row by row (each row is
 * committed at once, so memory does not grow with the rows), then sheet 汇总.
 */
export class AttachmentWorkbook {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private detail: ExcelJS.Worksheet | null = null;
  private nextRow: number = DETAIL_HEADER_ROWS.firstData;
  private readonly detailStyles = DETAIL_COLUMNS.map((c) => columnStyles(c));
  private readonly detailTotalStyles = DETAIL_COLUMNS.map((c) => columnStyles(c, true));

  constructor(
    out: Writable,
    private readonly p: Provenance,
  ) {
    const at = figuresTime(p);
    this.wb = new DatedWorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true, created: at });
    const source = p.snapshotRunId === null ? 'live' : `snapshotRunId=${p.snapshotRunId}; snapshotBuiltAt=${p.snapshotBuiltAt}`;
    this.wb.creator = '企业首席质量官制度监管平台';
    this.wb.lastModifiedBy = '企业首席质量官制度监管平台';
    this.wb.created = at;
    this.wb.modified = at;
    this.wb.lastPrinted = at;
    this.wb.title = `${p.regionName}${p.year}年${TITLE}`;
    this.wb.subject = `${TITLE}（${p.regionName}，${p.year}年，统计截止日期 ${p.asOf}）`;
    this.wb.keywords = `region=${p.regionCode}; year=${p.year}; asOf=${p.asOf}; ${source}`;
    this.wb.description = provenanceText(p);
    this.wb.category = '附件';
  }

  /** `paperSize`: 9 = A4, 8 = A3 (the 24 columns of 基本情况 at the width of an A4 page print too small to read). */
  private sheet(name: string, columns: readonly ColumnDef[], frozenRows: number, frozenCols: number, titleRows: string, paperSize: 8 | 9 = 9): ExcelJS.Worksheet {
    // Footer text is a format string: a literal "&" is written "&&".
    const footer = `&L&8${provenanceText(this.p).replace(/&/g, '&&')}&R&8第 &P 页，共 &N 页`;
    const ws = this.wb.addWorksheet(name, {
      views: [{ state: 'frozen', xSplit: frozenCols, ySplit: frozenRows, topLeftCell: `${columnLetter(frozenCols + 1)}${frozenRows + 1}` }],
      pageSetup: {
        // exceljs' PaperSize names A4 but not A3 (Excel's code 8).
        paperSize: paperSize as number as ExcelJS.PaperSize,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: titleRows,
        horizontalCentered: true,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: footer, evenFooter: footer },
    });
    ws.columns = columns.map((c) => ({ width: c.width }));
    return ws;
  }

  private titleRows(ws: ExcelJS.Worksheet, title: string, columns: number, infoRow: number): void {
    const last = columnLetter(columns);
    const t = ws.getRow(1);
    t.height = 30;
    t.getCell(1).value = title;
    t.getCell(1).style = TITLE_STYLE;
    ws.mergeCells(`A1:${last}1`);
    const half = Math.ceil(columns / 2);
    const info = ws.getRow(infoRow);
    info.height = 20;
    info.getCell(1).value = `填报单位：${this.p.regionName}`;
    info.getCell(1).style = INFO_STYLE;
    info.getCell(half + 1).value = `统计截止日期：${this.p.asOf}`;
    info.getCell(half + 1).style = INFO_STYLE;
    ws.mergeCells(`A${infoRow}:${columnLetter(half)}${infoRow}`);
    ws.mergeCells(`${columnLetter(half + 1)}${infoRow}:${last}${infoRow}`);
    t.commit();
    info.commit();
  }

  /** Title, 填报单位 line and the two header rows of sheet 基本情况. */
  startDetail(): void {
    const ws = this.sheet(SHEET_DETAIL, DETAIL_COLUMNS, DETAIL_HEADER_ROWS.names, 2, `${DETAIL_HEADER_ROWS.groups}:${DETAIL_HEADER_ROWS.names}`, 8);
    this.detail = ws;
    this.titleRows(ws, TITLE, DETAIL_COLUMNS.length, DETAIL_HEADER_ROWS.info);
    const g = DETAIL_HEADER_ROWS.groups;
    const n = DETAIL_HEADER_ROWS.names;
    const top = ws.getRow(g);
    const names = ws.getRow(n);
    top.height = 22;
    names.height = 42;
    DETAIL_COLUMNS.forEach((c, i) => {
      const col = i + 1;
      const group = DETAIL_GROUPS.find((x) => col >= x.from && col <= x.to);
      top.getCell(col).style = HEADER_STYLE;
      names.getCell(col).style = HEADER_STYLE;
      if (group) {
        if (col === group.from) top.getCell(col).value = group.title;
        names.getCell(col).value = c.header;
      } else {
        // Not in a group: the name stands in the top row, merged down over both header rows.
        top.getCell(col).value = c.header;
      }
    });
    for (const x of DETAIL_GROUPS) ws.mergeCells(`${columnLetter(x.from)}${g}:${columnLetter(x.to)}${g}`);
    DETAIL_COLUMNS.forEach((_, i) => {
      if (!DETAIL_GROUPS.some((x) => i + 1 >= x.from && i + 1 <= x.to)) ws.mergeCells(`${columnLetter(i + 1)}${g}:${columnLetter(i + 1)}${n}`);
    });
    top.commit();
    names.commit();
  }

  addDetail(cells: CellValue[]): void {
    const row = this.detail!.getRow(this.nextRow++);
    for (let i = 0; i < cells.length; i++) put(row, i + 1, cells[i], this.detailStyles[i]);
    // Spreadsheet programs do not grow a row for wrapped text on their own (LibreOffice prints the
    // second line over the next row): the row is as tall as its longest wrapped cell.
    const lines = Math.max(1, ...cells.map((v, i) => (typeof v === 'string' && DETAIL_COLUMNS[i].kind === 'text' ? wrappedLines(v, DETAIL_COLUMNS[i].width) : 1)));
    if (lines > 1) row.height = LINE_HEIGHT * lines + 2;
    row.commit();
  }

  /** The 合计 row, then the 填表人 / 联系电话 / 填报日期 line; commits the sheet. */
  finishDetail(totals: CellValue[]): void {
    const ws = this.detail!;
    const total = ws.getRow(this.nextRow++);
    totals.forEach((v, i) => put(total, i + 1, v, this.detailTotalStyles[i]));
    total.getCell(2).style = { ...this.detailTotalStyles[1].value, numFmt: '0"家"', alignment: { horizontal: 'left', vertical: 'middle' } };
    total.commit();
    this.nextRow++;
    const sign = ws.getRow(this.nextRow++);
    sign.height = 22;
    const at = (col: number, text: string) => {
      sign.getCell(col).value = text;
      sign.getCell(col).style = INFO_STYLE;
    };
    at(2, '填表人：');
    at(9, '联系电话：');
    at(16, '填报日期：');
    sign.commit();
    ws.commit();
  }

  /** Sheet 汇总: one row per child region, then the region's own total (`合计`). */
  writeSummary(rows: CellValue[][], total: CellValue[]): void {
    const ws = this.sheet(SHEET_SUMMARY, SUMMARY_COLUMNS, SUMMARY_HEADER_ROWS.names, 1, `${SUMMARY_HEADER_ROWS.names}:${SUMMARY_HEADER_ROWS.names}`);
    this.titleRows(ws, SUMMARY_TITLE, SUMMARY_COLUMNS.length, SUMMARY_HEADER_ROWS.info);
    const header = ws.getRow(SUMMARY_HEADER_ROWS.names);
    header.height = 36;
    SUMMARY_COLUMNS.forEach((c, i) => {
      header.getCell(i + 1).value = c.header;
      header.getCell(i + 1).style = HEADER_STYLE;
    });
    header.commit();
    const styles = SUMMARY_COLUMNS.map((c) => columnStyles(c));
    const bold = SUMMARY_COLUMNS.map((c) => columnStyles(c, true));
    let n = SUMMARY_HEADER_ROWS.firstData;
    const write = (cells: CellValue[], s: ColumnStyles[]) => {
      const row = ws.getRow(n++);
      // A rate with no denominator is shown as "—" (text), like the dashboards.
      cells.forEach((v, i) => put(row, i + 1, v === null && SUMMARY_COLUMNS[i].kind === 'rate' ? '—' : v, s[i]));
      row.commit();
    };
    for (const r of rows) write(r, styles);
    write(total, bold);
    ws.commit();
  }

  /**
   * Waits until the zip has taken what the sheet wrote so far. exceljs' sheet stream pushes into
   * the zip's deflate stream without heeding backpressure, so a producer faster than deflate
   * (a database cursor is) would pile the sheet's XML up in memory; call this every few hundred rows.
   */
  async drain(): Promise<void> {
    // The zip's entry stream is a readable-stream v2 PassThrough: no `writableNeedDrain`, only its state.
    type Pipe = Writable & { _writableState?: { needDrain?: boolean } };
    const pipes = (this.detail as unknown as { stream?: { pipes?: Pipe[] } } | null)?.stream?.pipes ?? [];
    for (const p of pipes) if (p.writableNeedDrain || p._writableState?.needDrain) await once(p, 'drain');
  }

  /** Stops the zip stream after a failure (the caller removes the file). */
  abort(): void {
    (this.wb as unknown as { zip?: { abort(): void } }).zip?.abort();
  }

  /** Writes the remaining parts and waits until the output stream has finished. */
  async commit(): Promise<void> {
    await this.wb.commit();
  }
}
