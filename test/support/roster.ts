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

/** The CQO columns of a roster row: an eligible-looking 副总经理 appointed on 2024-03-01; `tag` keeps numbers unique. */
export function rosterCqo(i: number, tag = ''): RosterRow {
  return {
    首席质量官姓名: `名册${tag}${i}号`,
    性别: i % 3 ? '男' : '女',
    出生年月: '1978-09',
    职务: '副总经理',
    职务层级: '高层副职',
    学历: '大学本科',
    职称或职业资格类别: '质量专业技术人员职业资格',
    职称或职业资格级别: '中级',
    是否质量相关专业: '是',
    从事质量管理工作年限: 10,
    聘任日期: new Date('2024-03-01T00:00:00Z'),
    任期届满日期: '',
    聘任授权证书编号: `SQ-${tag}${i}`,
    任职培训学时: 24,
    任职培训证书编号: `PX-${tag}${i}`,
    任职承诺: '是',
    联系电话: `137${String(i).padStart(8, '0')}`,
  };
}
