import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSheet, readHeader, readSheet, scanOutcome, type SheetCell, type SheetRow } from './xlsx-reader';
import { XLSX_LIMITS, type XlsxCaps } from './xlsx-limits';

async function workbook(rows: unknown[][], sharedStrings = true): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  wb.addWorksheet('填写说明').addRow(['说明']);
  const buf = Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings: sharedStrings } as ExcelJS.XlsxWriteOptions));
  return buf;
}

async function all(source: Buffer, caps: Partial<XlsxCaps> = {}): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of readSheet(source, { ...XLSX_LIMITS, ...caps })) out.push(r);
  return out;
}

/** The field error a read stopped with (or null when it did not). */
async function refusal(source: Buffer, caps: Partial<XlsxCaps> = {}): Promise<{ field: string; code: string; message: string } | null> {
  try {
    await all(source, caps);
    return null;
  } catch (err) {
    return (err as { details?: { field: string; code: string; message: string }[] }).details?.[0] ?? null;
  }
}

/** Rewrites one part of a zip (deflated), then sets the size its central directory declares. */
async function withPart(source: Buffer, name: string, content: Buffer | string, declared?: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(source);
  zip.file(name, content);
  const out = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  if (declared !== undefined) declare(out, name, declared);
  return out;
}

/** Sets the uncompressed size the central directory (and the local header) declare for `name`. */
function declare(zip: Buffer, name: string, size: number): void {
  const central = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = zip.indexOf(central); at >= 0; at = zip.indexOf(central, at + 4)) {
    const nameLen = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) !== name) continue;
    zip.writeUInt32LE(size, at + 24);
    zip.writeUInt32LE(size, zip.readUInt32LE(at + 42) + 22);
  }
}

describe('readSheet: the streamed first sheet under hard caps (issue 18 item 1, ASVS V12.1.2)', () => {
  it('reads the first sheet only, with Chinese text, numbers and dates as written', async () => {
    const rows = await all(await workbook([['姓名', '学时', '日期'], ['名册测试一号', 8, new Date('2026-03-01T00:00:00Z')]]));
    expect(rows.map((r) => r.number)).toEqual([1, 2]);
    expect(rows[1].cells.get(1)).toBe('名册测试一号');
    expect(rows[1].cells.get(2)).toBe(8);
    expect((rows[1].cells.get(3) as Date).toISOString().slice(0, 10)).toBe('2026-03-01');
    expect([...(await readHeader(await workbook([['证书编号*', ' 姓名 ']])))]).toEqual([
      ['证书编号', 1],
      ['姓名', 2],
    ]);
  });

  it('stops at the row past maxRows (the header not counted), naming the cap', async () => {
    const file = await workbook([['h'], ...Array.from({ length: 6 }, (_, i) => [`r${i}`])]);
    expect(await refusal(file, { maxRows: 6 })).toBeNull();
    expect(await refusal(file, { maxRows: 5 })).toEqual({ field: 'file', code: 'rows', message: expect.stringContaining('一次最多导入 5 行') });
  });

  it('stops at a row with more cells than maxCellsPerRow', async () => {
    const file = await workbook([['a', 'b', 'c'], Array.from({ length: 10 }, (_, i) => i)]);
    expect(await refusal(file, { maxCellsPerRow: 10 })).toBeNull();
    expect(await refusal(file, { maxCellsPerRow: 9 })).toMatchObject({ field: 'file', code: 'cells', message: expect.stringContaining('第 2 行超过 9 个单元格') });
  });

  it('stops at a text longer than maxStringLength characters (counted as characters, not UTF-8 bytes)', async () => {
    for (const shared of [true, false]) {
      const file = await workbook([['h'], ['质'.repeat(100)]], shared);
      expect(await refusal(file, { maxStringLength: 100 })).toBeNull();
      expect(await refusal(file, { maxStringLength: 99 })).toMatchObject({ field: 'file', code: 'stringLength' });
    }
  });

  it('counts a comment or CDATA section as one run to its end, whatever `<` and `>` it holds (the XML parser keeps it whole)', async () => {
    const sheet = (inner: string) =>
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${inner}<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row></sheetData></worksheet>`;
    const filler = 'a<b>'.repeat(5000); // 20,000 characters, a tag-like pair every 4
    const base = await workbook([['h']]);
    expect(await refusal(await withPart(base, 'xl/worksheets/sheet1.xml', sheet(`<!-- ${filler} -->`)))).toBeNull();
    expect(await refusal(await withPart(base, 'xl/worksheets/sheet1.xml', sheet(`<!-- ${filler.repeat(4)} -->`)))).toMatchObject({ field: 'file', code: 'stringLength' });
    expect(await refusal(await withPart(base, 'xl/worksheets/sheet1.xml', sheet(`<![CDATA[${filler.repeat(4)}]]>`)))).toMatchObject({ field: 'file', code: 'stringLength' });
    expect(await refusal(await withPart(base, 'xl/worksheets/sheet1.xml', sheet(`<?pi ${filler.repeat(4)}?>`)))).toMatchObject({ field: 'file', code: 'stringLength' });
  });

  it('stops at more shared strings than maxSharedStrings', async () => {
    const file = await workbook([['h'], ...Array.from({ length: 20 }, (_, i) => [`s${i}`])]);
    // h, s0…s19 and the second sheet's 说明.
    expect(await refusal(file, { maxSharedStrings: 22 })).toBeNull();
    expect(await refusal(file, { maxSharedStrings: 21 })).toMatchObject({ field: 'file', code: 'sharedStrings' });
  });

  it('stops at more zip entries than maxEntries', async () => {
    let file = await workbook([['h']]);
    const zip = await JSZip.loadAsync(file);
    for (let i = 0; i < 30; i += 1) zip.file(`xl/media/pad${i}.bin`, 'x');
    file = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(await refusal(file, { maxEntries: 100 })).toBeNull();
    expect(await refusal(file, { maxEntries: 30 })).toMatchObject({ field: 'file', code: 'entries' });
  });

  it('counts the bytes it actually inflates: honest sizes past maxInflatedBytes stop the read', async () => {
    // 3 MiB of rows the scanner lets through (short elements, no long text).
    const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${'<x/>'.repeat(786_432)}<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row></sheetData></worksheet>`;
    const file = await withPart(await workbook([['h']]), 'xl/worksheets/sheet1.xml', sheet);
    expect(await refusal(file, { maxInflatedBytes: 8 * 1024 * 1024 })).toBeNull();
    expect(await refusal(file, { maxInflatedBytes: 2 * 1024 * 1024 })).toMatchObject({ field: 'file', code: 'inflated', message: expect.stringContaining('实际解压') });
  });

  it('a part whose central directory under-declares its size stops at the declared size (zip bomb)', async () => {
    const started = Date.now();
    const file = await withPart(await workbook([['h']]), 'xl/worksheets/sheet1.xml', ' '.repeat(64 * 1024 * 1024), 1000);
    expect(file.length).toBeLessThan(1024 * 1024);
    expect(await refusal(file)).toMatchObject({ field: 'file', code: 'inflated', message: expect.stringContaining('压缩炸弹') });
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000); // building the 64 MiB part took over jest's default 5 s on a busy CI machine; the bound above is the test's own

  it('never inflates a part it does not read (a bomb in xl/media is left alone)', async () => {
    const file = await withPart(await workbook([['h'], ['v']]), 'xl/media/bomb.bin', Buffer.alloc(64 * 1024 * 1024), 10);
    const rows = await all(file, { maxInflatedBytes: 1024 * 1024 });
    expect(rows).toHaveLength(2);
  }, 30_000);

  it('refuses what is not a workbook with a field error, not a crash', async () => {
    expect(await refusal(Buffer.from('PK\u0003\u0004 not a zip'))).toMatchObject({ field: 'file', code: 'corrupt' });
    const noBook = await JSZip.loadAsync(await workbook([['h']]));
    noBook.remove('xl/workbook.xml');
    expect(await refusal(await noBook.generateAsync({ type: 'nodebuffer' }))).toMatchObject({ field: 'file', code: 'type' });
  });
});

describe('openSheet: the scan, then one parsing pass that checks the header and streams the rest', () => {
  it('gives the columns and then the data rows from row 2, each once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cqo-opensheet-'));
    const path = join(dir, 'a.xlsx');
    await writeFile(path, await workbook([['姓名*', '学时'], ['名册测试一号', 8], ['名册测试二号', 6]]));
    const sheet = await openSheet(path, ['姓名', '学时'], '培训学时导入模板');
    expect([...sheet.columns]).toEqual([['姓名', 1], ['学时', 2]]);
    expect(sheet.rows).toBe(3);
    const read: [number, SheetCell | undefined][] = [];
    for await (const r of sheet.read()) read.push([r.number, r.cells.get(1)]);
    expect(read).toEqual([[2, '名册测试一号'], [3, '名册测试二号']]);
    await rm(dir, { recursive: true });
  });

  it('takes a scan made elsewhere (the CLI thread): its field error is thrown as the scan error; null means scan here', async () => {
    const wide = await workbook([['姓名', '学时'], Array.from({ length: 300 }, (_, i) => `格${i}`)]);
    // The outcome as the thread posts it, for a row past the cells cap.
    const posted = await scanOutcome(wide, { ...XLSX_LIMITS, maxCellsPerRow: 256 });
    expect(posted).toEqual({ error: { field: 'file', code: 'cells', message: '第 2 行超过 256 个单元格，已停止读取' } });
    const fromThread = await openSheet(wide, ['姓名'], '培训学时导入模板', XLSX_LIMITS, Promise.resolve(posted)).catch((e: { details: unknown[] }) => e.details[0]);
    expect(fromThread).toEqual({ field: 'file', code: 'cells', message: '第 2 行超过 256 个单元格，已停止读取' });
    // A thread that died (null): the scan is made here and finds the same.
    const here = await openSheet(wide, ['姓名'], '培训学时导入模板', XLSX_LIMITS, Promise.resolve(null)).catch((e: { details: unknown[] }) => e.details[0]);
    expect(here).toEqual(fromThread);
    // A clean file's outcome is its row count, which openSheet passes on.
    const ok = await workbook([['姓名', '学时'], ['名册测试一号', 8]]);
    expect(await scanOutcome(ok)).toEqual({ rows: 2 });
    expect((await openSheet(ok, ['姓名'], '培训学时导入模板', XLSX_LIMITS, Promise.resolve({ rows: 2 }))).rows).toBe(2);
  });

  it('refuses a header without a required column, naming it and the template', async () => {
    const err = await openSheet(await workbook([['姓名'], ['名册测试一号']]), ['姓名', '学时'], '培训学时导入模板').catch((e: { details: unknown[] }) => e.details[0]);
    expect(err).toMatchObject({ field: 'file', code: 'columns', message: '第 1 行缺少列：学时（请下载并使用培训学时导入模板）' });
  });
});
