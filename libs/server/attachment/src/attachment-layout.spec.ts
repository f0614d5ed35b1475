import { wrappedLines } from './attachment-workbook';
import {
  attachmentFileName,
  columnLetter,
  DETAIL_COLUMNS,
  DETAIL_GROUPS,
  DetailTotals,
  detailCells,
  excelDate,
  HOURS_COLUMNS,
  isFormulaLike,
  validateParams,
  type AttachmentRow,
} from './attachment-layout';

const row: AttachmentRow = {
  name: '=HYPERLINK("http://x","y")',
  credit_code: '91420102MA46A6TK90',
  county: '江岸区',
  industry: 'C',
  above_size: true,
  ownership: '民营',
  awards: null,
  cqo_name: '王质量',
  gender: '女',
  birth_month: '1980-05',
  position_title: '副总经理',
  education: '大学本科',
  qualification_type: '专业技术职称',
  qualification_level: '中级',
  years_in_quality: 8,
  appointed_on: '2025-06-01',
  term_end: null,
  authorisation_cert_no: 'SQ-1',
  initial_hours: '24.0',
  first_hours: 16,
  second_hours: 32.5,
  verdict: 'attention',
  phone: '13912345678',
  disqualified: false,
  late_filing: true,
};

describe('attachment layout', () => {
  it('has the 24 columns of the seed form, grouped without overlap', () => {
    expect(DETAIL_COLUMNS).toHaveLength(24);
    expect(DETAIL_COLUMNS.map((c) => c.header).slice(0, 3)).toEqual(['序号', '企业名称', '统一社会信用代码']);
    expect(DETAIL_COLUMNS.at(-1)?.header).toBe('备注');
    for (let i = 1; i < DETAIL_GROUPS.length; i++) expect(DETAIL_GROUPS[i].from).toBe(DETAIL_GROUPS[i - 1].to + 1);
    expect(HOURS_COLUMNS.map((c) => DETAIL_COLUMNS[c - 1].kind)).toEqual(['hours', 'hours', 'hours']);
  });

  it('names columns like Excel', () => {
    expect([1, 24, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'X', 'Z', 'AA', 'AZ', 'AAA']);
  });

  it('flags text that a spreadsheet would start a formula with', () => {
    for (const s of ['=1+1', '+86', '-5', '@SUM(A1)', '\tx', '\rx']) expect(isFormulaLike(s)).toBe(true);
    for (const s of ['武汉=', 'a-b', '', ' =1']) expect(isFormulaLike(s)).toBe(false);
  });

  it('turns a row into typed cells: numbers, UTC dates, labels', () => {
    const cells = detailCells(7, row);
    expect(cells).toHaveLength(24);
    expect(cells[0]).toBe(7);
    expect(cells[1]).toBe('=HYPERLINK("http://x","y")');
    expect(cells[4]).toBe('C 制造业');
    expect(cells[5]).toBe('是');
    expect(cells[10]).toEqual(new Date(Date.UTC(1980, 4, 1)));
    expect(cells[13]).toBe('专业技术职称（中级）');
    expect(cells[15]).toEqual(new Date(Date.UTC(2025, 5, 1)));
    expect(cells[16]).toBeNull();
    expect(cells.slice(18, 21)).toEqual([24, 16, 32.5]);
    expect(cells[21]).toBe('需关注');
    expect(cells[23]).toBe('逾期备案');
    expect(excelDate(null)).toBeNull();
  });

  it('sums the hours of the 合计 row to one decimal', () => {
    const t = new DetailTotals();
    for (let i = 0; i < 3; i++) t.add(detailCells(i + 1, { ...row, second_hours: 0.1 }));
    const cells = t.cells();
    expect(cells[0]).toBe('合计');
    expect(cells[1]).toBe(3);
    expect(cells.slice(18, 21)).toEqual([72, 48, 0.3]);
  });

  it('validates the parameters with Chinese messages', () => {
    expect(validateParams({ region: '420100', year: 2026, asOf: '2026-06-30' })).toEqual([]);
    expect(validateParams({ region: '4201', year: 1999.5, asOf: '2026-02-30' }).map((d) => d.field)).toEqual(['region', 'year', 'asOf']);
    expect(attachmentFileName('武汉市', 2026)).toBe('武汉市-2026-企业首席质量官基本情况统计表.xlsx');
  });
});

describe('wrappedLines (issue 20 item 10: printed text is wrapped, and its row grows)', () => {
  it('counts a CJK character as two', () => {
    expect(wrappedLines('C 制造业', 20)).toBe(1);
    expect(wrappedLines('I 信息传输、软件和信息技术服务业', 20)).toBe(2);
    expect(wrappedLines('长江质量奖（2022）；市州政府质量奖（2016）', 26)).toBe(2);
    expect(wrappedLines('', 10)).toBe(1);
  });
});
