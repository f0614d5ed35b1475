import yauzl from 'yauzl';
import type { ApiErrorDetail } from '@cqo/contracts';
import { AppException } from '@cqo/server-common';
import { MIB, XLSX_LIMITS } from './xlsx-limits';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The checks the api makes on an upload before storing it, none of which inflates anything: the
 * size, the name and magic bytes, and the zip's central directory (entry count, declared sizes,
 * the workbook part present). A zip can lie in its central directory; the worker's reader
 * (xlsx-reader.ts) counts what it actually inflates. Returns field errors for `file` ([] when fine).
 */
export async function checkXlsx(buffer: Buffer, fileName: string): Promise<ApiErrorDetail[]> {
  const fail = (code: string, message: string): ApiErrorDetail[] => [{ field: 'file', code, message }];
  if (!buffer.length) return fail('empty', '上传的文件是空的');
  if (buffer.length > XLSX_LIMITS.maxFileBytes) return fail('tooLarge', `文件不能超过 ${XLSX_LIMITS.maxFileBytes / MIB} MiB`);
  if (!/\.xlsx$/i.test(fileName) || !buffer.subarray(0, 4).equals(ZIP_MAGIC)) {
    return fail('type', '只接受 Excel 工作簿（.xlsx）文件；.xls、.csv 请先在 Excel 中另存为 .xlsx');
  }
  try {
    const { entries, uncompressed, hasWorkbook } = await centralDirectory(buffer);
    if (entries > XLSX_LIMITS.maxEntries) return fail('entries', `文件包含的部件过多（${entries} 个），不是正常的 Excel 工作簿`);
    if (uncompressed > XLSX_LIMITS.maxInflatedBytes) return fail('inflated', '文件解压后过大，已拒绝（可能是压缩炸弹）');
    if (!hasWorkbook) return fail('type', '文件不是有效的 Excel 工作簿（缺少 xl/workbook.xml）');
  } catch {
    return fail('corrupt', '文件已损坏或不是有效的 Excel 工作簿');
  }
  return [];
}

/** checkXlsx, throwing the 400 (field `file`) when it fails. */
export async function assertXlsx(buffer: Buffer, fileName: string): Promise<void> {
  const errors = await checkXlsx(buffer, fileName);
  if (errors.length) throw AppException.validation(errors);
}

function centralDirectory(buffer: Buffer): Promise<{ entries: number; uncompressed: number; hasWorkbook: boolean }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      let entries = 0;
      let uncompressed = 0;
      let hasWorkbook = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        entries += 1;
        uncompressed += entry.uncompressedSize;
        if (entry.fileName === 'xl/workbook.xml') hasWorkbook = true;
        if (entries > XLSX_LIMITS.maxEntries || uncompressed > XLSX_LIMITS.maxInflatedBytes) {
          zip.close();
          return resolve({ entries, uncompressed, hasWorkbook });
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve({ entries, uncompressed, hasWorkbook }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
