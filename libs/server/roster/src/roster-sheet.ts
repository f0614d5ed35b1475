import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { ImportRowError } from '@cqo/contracts';
import type { RosterCell } from '@cqo/policy';

const BAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
/** Parts exceljs's streaming reader must meet before the worksheets, or it parks them in temp files. */
const FIRST_PARTS = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'];

/**
 * The same zip with the workbook, relationships, shared strings and styles moved ahead of the
 * worksheets. exceljs's streaming reader parses entries in file order and, when a worksheet comes
 * first (as Excel writes them), copies it to a temp file until the shared strings arrive. The
 * local entries are copied byte for byte (nothing is inflated); the reader does not use the
 * central directory, so the original one is appended unchanged.
 */
export async function streamOrder(buffer: Buffer): Promise<Buffer> {
  const entries = await localEntries(buffer);
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return buffer;
  const centralStart = buffer.readUInt32LE(eocd + 16);
  entries.sort((a, b) => a.offset - b.offset);
  const spans = entries.map((e, i) => ({ name: e.name, start: e.offset, end: i + 1 < entries.length ? entries[i + 1].offset : centralStart }));
  const rank = (name: string) => {
    const i = FIRST_PARTS.indexOf(name);
    return i < 0 ? FIRST_PARTS.length : i;
  };
  const ordered = [...spans].sort((a, b) => rank(a.name) - rank(b.name) || a.start - b.start);
  return Buffer.concat([...ordered.map((s) => buffer.subarray(s.start, s.end)), buffer.subarray(centralStart)]);
}

function localEntries(buffer: Buffer): Promise<{ name: string; offset: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const out: { name: string; offset: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({ name: e.fileName, offset: e.relativeOffsetOfLocalHeader });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A cell value reduced to what the row rules read (rich text, formulas, links to their text). */
export function plainCell(v: ExcelJS.CellValue): RosterCell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return plainCell((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return null;
}

export interface SheetRow {
  number: number;
  /** 1-based column → value. */
  cells: Map<number, RosterCell>;
}

/**
 * Re-chunks a byte stream so no chunk ends inside a UTF-8 character. exceljs's streaming reader
 * decodes each inflated chunk on its own (utils/parse-sax.js), which turns a Chinese character
 * split across two chunks into U+FFFD — names came back as “名���测试”.
 */
export async function* utf8Chunks(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, Buffer.from(chunk)]) : Buffer.from(chunk);
    let cut = buf.length;
    // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
    let i = buf.length - 1;
    while (i >= 0 && i >= buf.length - 4 && (buf[i] & 0xc0) === 0x80) i -= 1;
    if (i >= 0 && buf[i] >= 0xc0) {
      const need = buf[i] >= 0xf0 ? 4 : buf[i] >= 0xe0 ? 3 : 2;
      if (i + need > buf.length) cut = i;
    }
    carry = buf.subarray(cut);
    if (cut > 0) yield buf.subarray(0, cut);
  }
  if (carry.length) yield carry;
}

interface ReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<unknown>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
}

function reader(buffer: Buffer): ExcelJS.stream.xlsx.WorkbookReader {
  const r = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  // The two parts that hold the text go through utf8Chunks (see there). Private methods of exceljs 4.4.
  const internals = r as unknown as ReaderInternals;
  const worksheet = internals._parseWorksheet.bind(r);
  const sharedStrings = internals._parseSharedStrings.bind(r);
  internals._parseWorksheet = (iterator, sheetNo) => worksheet(utf8Chunks(iterator), sheetNo);
  internals._parseSharedStrings = (entry) => sharedStrings(Readable.from(utf8Chunks(entry as unknown as AsyncIterable<Buffer>)));
  return r;
}

/**
 * The rows of the first worksheet, streamed (the other sheets, e.g. 填写说明, are skipped).
 * `buffer` must be in stream order (see streamOrder).
 */
export async function* sheetRows(buffer: Buffer): AsyncGenerator<SheetRow> {
  let first = true;
  for await (const ws of reader(buffer)) {
    if (!first) {
      // Drain the other sheets without looking at them.
      for await (const _ of ws) void _;
      continue;
    }
    first = false;
    for await (const row of ws) {
      const cells = new Map<number, RosterCell>();
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const v = plainCell(cell.value);
        if (v !== null && v !== '') cells.set(col, v);
      });
      yield { number: row.number, cells };
    }
  }
}

/** Header text of row 1 (without `*` and spaces) → column number. */
export function headerColumns(row: SheetRow | undefined): Map<string, number> {
  const map = new Map<string, number>();
  if (!row || row.number !== 1) return map;
  for (const [col, v] of row.cells) {
    const name = String(v instanceof Date ? '' : v).replace(/[*＊\s]/g, '');
    if (name && !map.has(name)) map.set(name, col);
  }
  return map;
}

/** Row 1 of the first worksheet only (the rest of the file is not read). */
export async function readHeader(buffer: Buffer): Promise<Map<string, number>> {
  const rows = sheetRows(buffer);
  try {
    const { value } = await rows.next();
    return headerColumns(value ?? undefined);
  } finally {
    await rows.return(undefined);
  }
}

/**
 * The uploaded first sheet copied cell by cell (streamed, so a large sheet stays cheap), each bad
 * cell filled red with the reason as a note, and a 错误原因 column at the end.
 */
export async function errorReport(buffer: Buffer, columns: Map<string, number>, errors: ImportRowError[]): Promise<Buffer> {
  const byRow = new Map<number, ImportRowError[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  const out = wb.addWorksheet('错误报告', { views: [{ state: 'frozen', ySplit: 1 }] });
  let reasonCol = Math.max(0, ...columns.values()) + 1;
  let headerDone = false;
  for await (const row of sheetRows(buffer)) {
    if (!headerDone) reasonCol = Math.max(reasonCol, ...[...row.cells.keys()].map((c) => c + 1));
    const target = out.getRow(row.number);
    for (const [col, v] of row.cells) {
      const cell = target.getCell(col);
      cell.value = v ?? null;
      if (v instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    }
    if (row.number === 1) {
      const head = target.getCell(reasonCol);
      head.value = '错误原因';
      head.font = { bold: true, color: { argb: 'FFC00000' } };
      out.getColumn(reasonCol).width = 60;
      headerDone = true;
    }
    const list = byRow.get(row.number);
    if (list) {
      for (const e of list) {
        const cell = target.getCell(columns.get(e.column) ?? 1);
        cell.fill = BAD_FILL;
        cell.note = e.reason;
      }
      target.getCell(reasonCol).value = list.map((e) => `${e.column}：${e.reason}`).join('；');
    }
    target.commit();
  }
  out.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
