import ExcelJS from 'exceljs';
import { ROSTER_COLUMNS, ROSTER_REQUIRED_COLUMNS, type RosterColumn } from '@cqo/policy';

export type RosterRow = Partial<Record<RosterColumn, string | number | Date | null>>;

/** A roster workbook with the template's header (required columns starred, as the template has them) and `rows`. */
export async function rosterWorkbook(rows: RosterRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业名册');
  ws.addRow(ROSTER_COLUMNS.map((c) => (ROSTER_REQUIRED_COLUMNS.includes(c) ? `${c}*` : c)));
  for (const r of rows) ws.addRow(ROSTER_COLUMNS.map((c) => r[c] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
