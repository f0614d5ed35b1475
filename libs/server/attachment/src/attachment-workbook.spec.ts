import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { DETAIL_COLUMNS, SUMMARY_COLUMNS } from './attachment-layout';
import { AttachmentWorkbook, figuresTime, type Provenance } from './attachment-workbook';

const SNAPSHOT: Provenance = { regionCode: '420100', regionName: '武汉市', year: 2025, asOf: '2025-12-31', snapshotRunId: 7, snapshotBuiltAt: '2026-01-02T03:04:06.000Z' };
const LIVE: Provenance = { ...SNAPSHOT, snapshotRunId: null, snapshotBuiltAt: null };

/** The workbook's bytes, written while the process' clock reads `now`. */
async function bytesAt(now: string, p: Provenance): Promise<Buffer> {
  jest.setSystemTime(new Date(now));
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const book = new AttachmentWorkbook(out, p);
  book.startDetail();
  book.addDetail(DETAIL_COLUMNS.map((c, i) => (c.kind === 'text' ? `文本${i}` : i)));
  book.finishDetail(DETAIL_COLUMNS.map(() => null));
  book.writeSummary([SUMMARY_COLUMNS.map((_, i) => (i === 0 ? '江岸区' : 1))], SUMMARY_COLUMNS.map((_, i) => (i === 0 ? '合计' : 1)));
  await book.commit();
  await finished(out);
  return Buffer.concat(chunks);
}

/** Each zip entry's name and DOS date/time (central directory), read from the bytes. */
function entryDates(zip: Buffer): { name: string; dos: number }[] {
  const out: { name: string; dos: number }[] = [];
  for (let i = zip.indexOf(Buffer.from([0x50, 0x4b, 1, 2])); i >= 0; i = zip.indexOf(Buffer.from([0x50, 0x4b, 1, 2]), i + 4)) {
    const nameLength = zip.readUInt16LE(i + 28);
    out.push({ name: zip.subarray(i + 46, i + 46 + nameLength).toString(), dos: zip.readUInt32LE(i + 12) });
  }
  return out;
}

/** 2026-01-02 03:04:06 as a DOS date/time (UTC, 2-second resolution). */
const DOS = ((2026 - 1980) << 25) | (1 << 21) | (2 << 16) | (3 << 11) | (4 << 5) | (6 >> 1);

describe('the 统计表 workbook: the same figures give the same bytes (issue 21 item 1, issue 17)', () => {
  beforeEach(() => {
    // Only the Date is faked: streams and timers run as they do in production.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
  });
  afterEach(() => jest.useRealTimers());

  it('written a year apart by the wall clock: identical bytes (snapshot figures and live figures)', async () => {
    for (const p of [SNAPSHOT, LIVE]) {
      const a = await bytesAt('2026-01-05T08:00:00Z', p);
      const b = await bytesAt('2027-03-09T17:31:27Z', p);
      expect(a.equals(b)).toBe(true);
    }
  });

  it('every zip entry is dated at the snapshot build time, not the moment of writing', async () => {
    const entries = entryDates(await bytesAt('2027-03-09T17:31:27Z', SNAPSHOT));
    expect(entries.map((e) => e.name)).toContain('xl/theme/theme1.xml');
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const e of entries) expect({ name: e.name, dos: e.dos }).toEqual({ name: e.name, dos: DOS });
  });

  it('created / modified / last printed are the figures’ time; the footer names the snapshot and the as-of date, no export time', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bytesAt('2027-03-09T17:31:27Z', SNAPSHOT)) as unknown as ExcelJS.Buffer);
    const at = new Date('2026-01-02T03:04:06.000Z');
    expect([wb.created, wb.modified, wb.lastPrinted]).toEqual([at, at, at]);
    expect(wb.lastModifiedBy).toBe('企业首席质量官制度监管平台');
    const footer = wb.getWorksheet('基本情况')!.headerFooter.oddFooter;
    expect(footer).toContain('统计快照 #7，快照时间 2026-01-02T03:04:06.000Z；统计截止日期 2025-12-31');
    expect(footer).not.toMatch(/导出|2027/);
  });

  it('figures computed live are dated at the as-of day, 00:00 UTC', () => {
    expect(figuresTime(LIVE)).toEqual(new Date('2025-12-31T00:00:00Z'));
    expect(figuresTime(SNAPSHOT)).toEqual(new Date('2026-01-02T03:04:06.000Z'));
  });
});
