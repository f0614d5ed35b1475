import ExcelJS from 'exceljs';
import { AWARD_TYPES, EDUCATION_LEVELS, INDUSTRY_SECTION_NAMES, INDUSTRY_SECTIONS, OWNERSHIP_TYPES, POSITION_LEVELS, QUALIFICATION_LEVELS, QUALIFICATION_TYPES, SIZE_CLASSES } from '@cqo/contracts';
import { AWARD_FORMAT, ROSTER_CODED_VALUES, ROSTER_COLUMNS, ROSTER_CQO_REQUIRED_COLUMNS, ROSTER_REQUIRED_COLUMNS, type RosterColumn } from '@cqo/policy';

/** Rows of the template that carry the drop-downs and formats. */
const TEMPLATE_ROWS = 2000;


const NOTES: Record<RosterColumn, string> = {
  统一社会信用代码: '必填。18 位，按 GB 32100-2015 校验第 18 位校验码；同一代码在表中只能出现一次。已登记的企业按此代码更新',
  企业名称: '必填，不超过 100 字',
  所在地区代码: '必填。6 位 GB/T 2260 县级行政区划代码（区、县、县级市；省直管市填其代码），须在您的管辖范围内',
  是否规上: '必填。是 / 否（规模以上工业企业等）',
  企业规模: `选填。${SIZE_CLASSES.join(' / ')}`,
  企业类型: `选填。${OWNERSHIP_TYPES.join(' / ')}`,
  所属行业: `选填。GB/T 4754 门类代码 A–T：${INDUSTRY_SECTIONS.map((c) => `${c} ${INDUSTRY_SECTION_NAMES[c]}`).join('；')}`,
  获奖情况: `选填。${AWARD_FORMAT}。填写后替换该企业已登记的获奖情况`,
  首席质量官姓名: '企业无首席质量官时，本列及右侧各列全部留空；填写任一列即视为有首席质量官，带“*”说明的列须填写',
  性别: '有首席质量官时必填。男 / 女',
  出生年月: '有首席质量官时必填。YYYY-MM，如 1980-05；聘任时年龄应在 18–80 岁之间',
  职务: '有首席质量官时必填，不超过 32 字，如“副总经理”',
  职务层级: `有首席质量官时必填。${POSITION_LEVELS.join(' / ')}`,
  学历: `有首席质量官时必填。${[...EDUCATION_LEVELS].reverse().join(' / ')}`,
  职称或职业资格类别: `有首席质量官时必填。${QUALIFICATION_TYPES.join(' / ')}`,
  职称或职业资格级别: `类别不为“无”时必填。${QUALIFICATION_LEVELS.join(' / ')}（质量专业技术人员职业资格“高级”填“副高级”）；类别为“无”时留空`,
  是否质量相关专业: '类别为“专业技术职称”时必填（职称的专业是否与质量相关）。是 / 否；职业资格或“无”可留空',
  从事质量管理工作年限: '有首席质量官时必填。聘任时的整年数，0–60，且不超过年龄减 14',
  聘任日期: '有首席质量官时必填。YYYY-MM-DD（日期单元格或文本），不晚于今天',
  任期届满日期: '选填。YYYY-MM-DD，不早于聘任日期；留空按现行政策任期计算。长于政策一般任期的可以导入，任职资格结论中作为柔性问题提示（004 三(一)：任期一般为5年）。任期已届满的不能导入',
  聘任授权证书编号: '选填，不超过 64 字',
  任职培训学时: '选填。聘任前完成的任职培训学时，0–500，以 0.5 为单位',
  任职培训证书编号: '选填，不超过 64 字',
  任职承诺: '有首席质量官时必填。是 = 已作出任职条件中的全部承诺（各政策要求的热爱质量工作、职业道德、管理能力、技术与标准化经历、无不得担任情形等）；否 = 未承诺',
  联系电话: '有首席质量官时必填。11 位手机号码',
};

/** The roster template (SPEC §8): the columns, `*` on required ones, drop-downs for coded values and a 填写说明 sheet. */
export async function rosterTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cqo';
  const ws = wb.addWorksheet('企业名册', { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  const cqoRequired = new Set<RosterColumn>(ROSTER_CQO_REQUIRED_COLUMNS);
  ws.columns = ROSTER_COLUMNS.map((c) => ({
    header: ROSTER_REQUIRED_COLUMNS.includes(c) ? `${c}*` : c,
    key: c,
    width: c === '企业名称' ? 32 : c === '统一社会信用代码' ? 22 : c.length > 6 ? 18 : 12,
  }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  ROSTER_COLUMNS.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.note = NOTES[c];
    if (ROSTER_REQUIRED_COLUMNS.includes(c)) cell.font = { bold: true, color: { argb: 'FFC00000' } };
    else if (cqoRequired.has(c)) cell.font = { bold: true, color: { argb: 'FF1F4E79' } };
  });
  // Codes, numbers typed as text keep their leading zeros and all 18 characters.
  const textColumns: RosterColumn[] = ['统一社会信用代码', '所在地区代码', '出生年月', '联系电话', '聘任授权证书编号', '任职培训证书编号'];
  for (const c of textColumns) ws.getColumn(ROSTER_COLUMNS.indexOf(c) + 1).numFmt = '@';
  for (const c of ['聘任日期', '任期届满日期'] as const) ws.getColumn(ROSTER_COLUMNS.indexOf(c) + 1).numFmt = 'yyyy-mm-dd';
  for (const [column, values] of Object.entries(ROSTER_CODED_VALUES) as [RosterColumn, readonly string[]][]) {
    const col = ROSTER_COLUMNS.indexOf(column) + 1;
    for (let r = 2; r <= TEMPLATE_ROWS + 1; r += 1) {
      ws.getCell(r, col).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`"${values.join(',')}"`],
        showErrorMessage: true,
        errorTitle: column,
        error: `请从下拉列表中选择：${values.join('、')}`,
      };
    }
  }

  const help = wb.addWorksheet('填写说明');
  help.columns = [
    { header: '列', width: 20 },
    { header: '是否必填', width: 22 },
    { header: '说明', width: 100 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of ROSTER_COLUMNS) {
    help.addRow([c, ROSTER_REQUIRED_COLUMNS.includes(c) ? '必填' : cqoRequired.has(c) ? '有首席质量官时必填' : '选填', NOTES[c]]).alignment = { wrapText: true, vertical: 'top' };
  }
  help.addRow([]);
  for (const line of [
    '一行一个企业，按统一社会信用代码识别：未登记的新增；已登记的按本表更新（企业信息和首席质量官信息），内容相同的不作改动，重复导入同一文件不会产生变化。',
    '首席质量官：与在任首席质量官姓名、聘任日期相同的，视为信息变更；姓名或聘任日期不同的，视为更换人员（原聘任记录以新的聘任日期结束）。首席质量官各列留空不会解聘在任人员，解聘请在企业页面办理。',
    '默认整表校验：任一行有误则整表不导入，可下载错误报告（出错单元格标红并注明原因）修改后重新导入；也可选择“仅导入正确行”。',
    `文件要求：.xlsx 格式、不超过 10 MiB、不超过 200000 行；只读取第一个工作表。奖项：${AWARD_TYPES.join('、')}。`,
  ]) {
    const row = help.addRow(['', '', line]);
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
