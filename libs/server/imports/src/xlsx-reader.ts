import { Readable, Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { ApiErrorDetail } from '@cqo/contracts';
import { AppException } from '@cqo/server-common';
import { MIB, XLSX_LIMITS, type XlsxCaps } from './xlsx-limits';

/** A cell value as the row rules read it (rich text, formulas, links reduced to their text). */
export type SheetCell = string | number | boolean | Date | null;

export interface SheetRow {
  number: number;
  /** 1-based column → value (empty cells left out). */
  cells: Map<number, SheetCell>;
}

/** A workbook to read: a path on disk (the worker) or bytes in memory (the CLI, tests). */
export type XlsxSource = string | Buffer;

/** A cap exceeded or an unreadable file: the upload's field error, as the user sees it. */
export function fileError(code: string, message: string): AppException {
  const detail: ApiErrorDetail = { field: 'file', code, message };
  return AppException.validation([detail]);
}

const corrupt = () => fileError('corrupt', '文件已损坏或不是有效的 Excel 工作簿');

/** A cell value reduced to what the row rules read. */
export function plainCell(v: ExcelJS.CellValue): SheetCell {
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

/** Counts the bytes one zip entry actually inflates, against the entry's own cap and the whole file's. */
class InflateCounter extends Transform {
  private bytes = 0;

  constructor(
    private readonly name: string,
    private readonly declared: number,
    private readonly partCap: number,
    private readonly budget: { inflated: number; cap: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.budget.inflated += chunk.length;
    if (this.budget.inflated > this.budget.cap) {
      return done(fileError('inflated', `文件解压后超过 ${this.budget.cap / MIB} MiB（按实际解压的字节计），已停止读取（可能是压缩炸弹）`));
    }
    if (this.bytes > this.declared) {
      return done(fileError('inflated', `文件部件 ${this.name} 实际解压的大小超过其声明的大小，已停止读取（文件被篡改或是压缩炸弹）`));
    }
    if (this.bytes > this.partCap) {
      return done(fileError('inflated', `文件部件 ${this.name} 解压后超过 ${Math.floor(this.partCap / MIB)} MiB，已停止读取`));
    }
    done(null, chunk);
  }
}

/** Characters of one tag with its attributes (namespace declarations make the root's a few hundred). */
const MAX_TAG_LENGTH = 65_536;
const LT = 0x3c;
const GT = 0x3e;
const BANG = 0x21;
const QUESTION = 0x3f;
const DASH = 0x2d;
const BRACKET = 0x5d;
const isDelimiter = (b: number) => b === 0x20 || b === 0x3e || b === 0x2f || b === 0x09 || b === 0x0a || b === 0x0d;
/** Element names the scanner counts, packed as their bytes: `c`, `row`, `si`. */
const NAME_C = 0x63;
const NAME_ROW = 0x726f77;
const NAME_SI = 0x7369;

/**
 * Scans the inflated XML of a worksheet or the shared strings as it streams by, before exceljs
 * parses it, and stops at the first cap exceeded: rows, cells in one row, shared strings, and the
 * characters between two tags (a cell's text). exceljs builds a whole row, and a whole text node,
 * before handing either over, so these have to be counted on the bytes. Unprefixed names only:
 * exceljs ignores `<x:c>` and the like, so they cost it nothing. Comments, CDATA sections and
 * processing instructions (`<!…>`, `<?…?>`), which the XML parser holds whole however many `<`
 * they contain, count as one run up to their end and may not pass MAX_TAG_LENGTH.
 */
class XmlScanner {
  rows = 0;
  private cells = 0;
  private strings = 0;
  /** Characters of the current tag, or of the text since the last tag. */
  private run = 0;
  private inTag = false;
  private naming = false;
  private name = 0;
  private nameLen = 0;
  /** Inside `<!…` (comment, CDATA, DOCTYPE) or `<?…?>`: only their own end closes them. */
  private special: 0 | typeof BANG | typeof QUESTION = 0;
  private prev1 = 0;
  private prev2 = 0;

  constructor(
    private readonly caps: XlsxCaps,
    private readonly part: 'sheet' | 'sharedStrings',
  ) {}

  scan(chunk: Buffer): void {
    const { maxStringLength } = this.caps;
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i];
      if (this.special) {
        const end = b === GT && (this.special === QUESTION ? this.prev1 === QUESTION : (this.prev1 === DASH && this.prev2 === DASH) || (this.prev1 === BRACKET && this.prev2 === BRACKET));
        this.prev2 = this.prev1;
        this.prev1 = b;
        if (end) {
          this.special = 0;
          this.inTag = false;
          this.run = 0;
        } else if (++this.run > MAX_TAG_LENGTH) {
          throw fileError('stringLength', `文件中有超过 ${MAX_TAG_LENGTH} 个字符的 XML 注释或标记，不是正常的 Excel 工作簿，已停止读取`);
        }
        continue;
      }
      if (b === LT) {
        this.run = 0;
        this.inTag = true;
        this.naming = true;
        this.name = 0;
        this.nameLen = 0;
        continue;
      }
      if (b === GT && this.inTag) {
        // The text after a tag starts here (a `>` inside text is text, and counts).
        this.inTag = false;
        this.run = 0;
        if (this.naming) {
          this.naming = false;
          this.element();
        }
        continue;
      }
      // Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start one.
      if ((b & 0xc0) !== 0x80 && ++this.run > (this.inTag ? MAX_TAG_LENGTH : maxStringLength)) {
        throw this.inTag
          ? fileError('stringLength', `文件中有超过 ${MAX_TAG_LENGTH} 个字符的 XML 标记，不是正常的 Excel 工作簿，已停止读取`)
          : fileError('stringLength', `单元格文本超过 ${maxStringLength} 个字符（Excel 单元格的上限），已停止读取`);
      }
      if (!this.naming) continue;
      if (this.nameLen === 0 && (b === BANG || b === QUESTION)) {
        this.naming = false;
        this.special = b;
        this.prev1 = this.prev2 = 0;
        continue;
      }
      if (isDelimiter(b)) {
        this.naming = false;
        this.element();
      } else if (this.nameLen === 3) {
        this.naming = false; // a longer name: none of ours
      } else {
        this.name = this.name * 256 + b;
        this.nameLen += 1;
      }
    }
  }

  private element(): void {
    const { caps } = this;
    if (this.part === 'sheet') {
      if (this.nameLen === 3 && this.name === NAME_ROW) {
        this.rows += 1;
        this.cells = 0;
        // The header row plus maxRows data rows.
        if (this.rows > caps.maxRows + 1) throw fileError('rows', `一次最多导入 ${caps.maxRows} 行，已停止读取`);
      } else if (this.nameLen === 1 && this.name === NAME_C && ++this.cells > caps.maxCellsPerRow) {
        throw fileError('cells', `第 ${this.rows} 行超过 ${caps.maxCellsPerRow} 个单元格，已停止读取`);
      }
    } else if (this.nameLen === 2 && this.name === NAME_SI && ++this.strings > caps.maxSharedStrings) {
      throw fileError('sharedStrings', `文件中的不同文本超过 ${caps.maxSharedStrings} 个，已停止读取`);
    }
  }
}

async function* scanned(source: AsyncIterable<Buffer>, scanner: XmlScanner): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    scanner.scan(chunk);
    yield chunk;
  }
}

interface ReaderInternals {
  sharedStrings?: unknown[];
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { id: number; name: string; rId: string }[] };
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

function openZip(source: XlsxSource): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: false };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error('not a zip')) : resolve(zip));
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
}

/** The central directory's entries, stopping past maxEntries (nothing is inflated). */
function listEntries(zip: yauzl.ZipFile, caps: XlsxCaps): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, yauzl.Entry>();
    let n = 0;
    zip.on('entry', (e: yauzl.Entry) => {
      n += 1;
      if (n > caps.maxEntries) return reject(fileError('entries', `文件包含的部件超过 ${caps.maxEntries} 个，不是正常的 Excel 工作簿`));
      if (!out.has(e.fileName)) out.set(e.fileName, e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
}

interface OpenedWorkbook {
  /** The reader whose part parsers are driven here (relationships and workbook already parsed). */
  reader: ReaderInternals;
  /** A part's inflated bytes, counted against its own cap and the file's; null when absent. */
  open(name: string, partCap: number): Promise<Readable | null>;
  /** The first worksheet in the workbook's order, through its relationship. */
  sheetPath: string;
  sheetNo: string;
  close(): void;
}

/**
 * The zip through yauzl and its central directory (entries capped), with the small parts that
 * say where the first sheet is (relationships, workbook) already parsed.
 */
async function openWorkbook(source: XlsxSource, caps: XlsxCaps): Promise<OpenedWorkbook> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source);
  } catch {
    throw corrupt();
  }
  try {
    const entries = await listEntries(zip, caps).catch((err) => {
      throw err instanceof AppException ? err : corrupt();
    });
    const budget = { inflated: 0, cap: caps.maxInflatedBytes };
    const open = async (name: string, partCap: number): Promise<Readable | null> => {
      const entry = entries.get(name);
      if (!entry) return null;
      const raw = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err || !s ? reject(err ?? corrupt()) : resolve(s))));
      const counted = new InflateCounter(name, entry.uncompressedSize, partCap, budget);
      raw.on('error', (err) => counted.destroy(err instanceof AppException ? err : corrupt()));
      // A reader that stops early (a cap, the header only) leaves nothing reading the file.
      counted.on('close', () => raw.destroy());
      return raw.pipe(counted);
    };
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
      entries: 'ignore',
    }) as unknown as ReaderInternals;
    const rels = await open('xl/_rels/workbook.xml.rels', caps.maxSmallPartBytes);
    if (rels) await parsePart(() => reader._parseRels(rels));
    const workbook = await open('xl/workbook.xml', caps.maxSmallPartBytes);
    if (!workbook) throw fileError('type', '文件不是有效的 Excel 工作簿（缺少 xl/workbook.xml）');
    await parsePart(() => reader._parseWorkbook(workbook));
    const first = reader.model?.sheets?.[0];
    const target = first ? reader.workbookRels?.find((rel) => rel.Id === first.rId)?.Target : undefined;
    const sheetPath = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target}`) : 'xl/worksheets/sheet1.xml';
    const sheetNo = /sheet(\d+)\.xml$/.exec(sheetPath)?.[1] ?? '1';
    return { reader, open, sheetPath, sheetNo, close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}

async function parsePart(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    throw err instanceof AppException ? err : corrupt();
  }
}

/**
 * The first pass over an upload: the shared strings and the first sheet are inflated and scanned
 * (every byte-level cap: inflated bytes, rows, cells per row, string length, shared strings) and
 * nothing is parsed or kept, so a file past a cap is refused in constant memory before any row is
 * built. Returns the number of `<row>` elements of the sheet (the header included).
 */
export async function scanSheet(source: XlsxSource, caps: XlsxCaps = XLSX_LIMITS): Promise<{ rows: number }> {
  const wb = await openWorkbook(source, caps);
  try {
    const drain = async (stream: Readable, scanner: XmlScanner) => {
      try {
        for await (const chunk of stream) scanner.scan(chunk as Buffer);
      } catch (err) {
        throw err instanceof AppException ? err : corrupt();
      } finally {
        stream.destroy();
      }
    };
    const shared = await wb.open('xl/sharedStrings.xml', caps.maxSharedStringsBytes);
    if (shared) await drain(shared, new XmlScanner(caps, 'sharedStrings'));
    const sheet = await wb.open(wb.sheetPath, caps.maxInflatedBytes);
    if (!sheet) throw fileError('emptySheet', '工作簿中没有工作表');
    const scanner = new XmlScanner(caps, 'sheet');
    await drain(sheet, scanner);
    return { rows: scanner.rows };
  } finally {
    wb.close();
  }
}

/** A scan run elsewhere (a thread of the CLI): the sheet's `<row>` count, or the field error it stopped at. */
export type ScanOutcome = { rows: number } | { error: ApiErrorDetail };

/** scanSheet's outcome as data (for a thread to post), never a rejection. */
export function scanOutcome(source: XlsxSource, caps: XlsxCaps = XLSX_LIMITS): Promise<ScanOutcome> {
  return scanSheet(source, caps).catch((err: unknown) => ({ error: (err instanceof AppException && err.details[0]) || corrupt().details[0] }));
}

/**
 * The rows of a workbook's first worksheet, streamed under the caps (XLSX_LIMITS unless given),
 * with the cap exceeded thrown as a field error on `file` the moment it is (AppException 400).
 *
 * exceljs's streaming reader (`stream.xlsx.WorkbookReader`) parses each part, but the zip is read
 * here, through yauzl and the central directory, not by exceljs's own unzipper: each part the
 * reader needs is opened in the order it needs them (relationships, workbook, shared strings,
 * styles, then the sheet — no temp files, no reordering copy), every inflated byte is counted
 * (`maxInflatedBytes`, and no part may inflate past the size it declares), and the other parts
 * (media, the other sheets, anything a crafted file adds) are never inflated at all.
 */
export function readSheet(source: XlsxSource, caps: XlsxCaps = XLSX_LIMITS): AsyncGenerator<SheetRow> {
  return parseSheet(source, caps, true);
}

/**
 * readSheet's pass. `scan` false only for openSheet, whose scanSheet has just checked these same
 * bytes under the same caps: the byte-level caps are not counted a second time (the inflated bytes
 * still are, by the part streams).
 */
async function* parseSheet(source: XlsxSource, caps: XlsxCaps, scan: boolean): AsyncGenerator<SheetRow> {
  const wb = await openWorkbook(source, caps);
  const scannedBy = (stream: Readable, part: 'sheet' | 'sharedStrings') => (scan ? scanned(stream, new XmlScanner(caps, part)) : stream);
  try {
    const r = wb.reader;
    const shared = await wb.open('xl/sharedStrings.xml', caps.maxSharedStringsBytes);
    if (shared) {
      await parsePart(async () => {
        for await (const _ of r._parseSharedStrings(Readable.from(utf8Chunks(scannedBy(shared, 'sharedStrings'))))) void _;
      });
    }
    r.sharedStrings ??= [];
    const styles = await wb.open('xl/styles.xml', caps.maxSmallPartBytes);
    if (styles) await parsePart(() => r._parseStyles(styles));
    const sheet = await wb.open(wb.sheetPath, caps.maxInflatedBytes);
    if (!sheet) throw fileError('emptySheet', '工作簿中没有工作表');
    for (const { value: ws } of r._parseWorksheet(utf8Chunks(scannedBy(sheet, 'sheet')), wb.sheetNo)) {
      try {
        for await (const row of ws) {
          const cells = new Map<number, SheetCell>();
          row.eachCell({ includeEmpty: false }, (cell, col) => {
            const v = plainCell(cell.value);
            if (v !== null && v !== '') cells.set(col, v);
          });
          yield { number: row.number, cells };
        }
      } catch (err) {
        throw err instanceof AppException ? err : corrupt();
      }
    }
  } finally {
    wb.close();
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

/** Row 1 of the first worksheet only (the sheet's other rows are not read). */
export async function readHeader(source: XlsxSource, caps: XlsxCaps = XLSX_LIMITS): Promise<Map<string, number>> {
  const rows = readSheet(source, caps);
  try {
    const { value } = await rows.next();
    return headerColumns(value ?? undefined);
  } finally {
    await rows.return(undefined);
  }
}

/**
 * The one header check of every import: the columns `required` must all be in row 1, or the
 * upload is refused naming the missing ones (field `file`, code `columns`).
 */
export function requireColumns(columns: Map<string, number>, required: readonly string[], template: string): void {
  const missing = required.filter((c) => !columns.has(c));
  if (missing.length) throw fileError('columns', `第 1 行缺少列：${missing.join('、')}（请下载并使用${template}）`);
}

/** An upload that passed the scan and has the columns asked for, ready to be read row by row. */
export interface CheckedSheet {
  /** Header text → column number. */
  columns: Map<string, number>;
  /** `<row>` elements of the sheet, the header included (an upper bound of the data rows + 1, for progress). */
  rows: number;
  /**
   * The rows after the header, streamed on from where the header check stopped (the shared strings
   * are parsed once). Call it once, straight away: the workbook stays open until it is read or
   * returned.
   */
  read(): AsyncGenerator<SheetRow>;
}

/**
 * The one way an import opens a stored upload: the scan under every cap (constant memory), then
 * one parsing pass whose first row is the header, checked for the `required` columns, and whose
 * other rows `read()` streams. Throws the field error on `file`. `scanned`: the scan of this file
 * under the same caps, already started elsewhere (the CLI runs it on a thread while it loads,
 * docs/roster-import.md); null when that could not run, and the scan is made here.
 */
export async function openSheet(
  source: XlsxSource,
  required: readonly string[],
  template: string,
  caps: XlsxCaps = XLSX_LIMITS,
  scanned?: Promise<ScanOutcome | null>,
): Promise<CheckedSheet> {
  const outcome = scanned ? await scanned : null;
  if (outcome && 'error' in outcome) throw fileError(outcome.error.code ?? 'corrupt', outcome.error.message);
  const { rows } = outcome ?? (await scanSheet(source, caps));
  const sheet = parseSheet(source, caps, false);
  let columns: Map<string, number>;
  try {
    const first = await sheet.next();
    columns = headerColumns(first.done ? undefined : first.value);
    requireColumns(columns, required, template);
  } catch (err) {
    await sheet.return(undefined);
    throw err;
  }
  return { columns, rows, read: () => sheet };
}
