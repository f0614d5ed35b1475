import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ImportRowError } from '@cqo/contracts';
import { readSheet, type XlsxSource } from './xlsx-reader';
import { XLSX_LIMITS, type XlsxCaps } from './xlsx-limits';

const BAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };

/**
 * The uploaded first sheet copied cell by cell (read and written streaming, under the same caps),
 * each bad cell filled red with the reason as a note, and a 错误原因 column at the end. The one
 * error workbook of every import.
 */
export async function errorWorkbook(source: XlsxSource, columns: Map<string, number>, errors: ImportRowError[], caps: XlsxCaps = XLSX_LIMITS): Promise<Buffer> {
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
  for await (const row of readSheet(source, caps)) {
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
