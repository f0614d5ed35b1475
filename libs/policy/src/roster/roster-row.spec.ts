import { computeCreditCodeCheckChar } from '../credit-code';
import { ROSTER_COLUMNS, ROSTER_CQO_COLUMNS, ROSTER_CQO_REQUIRED_COLUMNS } from './roster-columns';
import { parseAwards, parseRosterMonth, validateRosterRow, type RosterRawRow, type RosterRowContext } from './roster-row';

const CODE = (() => {
  const first17 = '91420102MA4K00001';
  return first17 + computeCreditCodeCheckChar(first17);
})();
const ctx: RosterRowContext = { today: '2026-06-01', term: { years: 5, clause: '004 三(一)' }, declarations: ['love-quality', 'ethics'] };

const enterpriseOnly: RosterRawRow = { 统一社会信用代码: CODE, 企业名称: '武汉测试有限公司', 所在地区代码: '420102', 是否规上: '是' };
const withCqo: RosterRawRow = {
  ...enterpriseOnly,
  企业规模: '中型',
  企业类型: '民营',
  所属行业: 'c',
  获奖情况: '2023年长江质量奖；市州政府质量奖(2021)',
  首席质量官姓名: '王质量',
  性别: '女',
  出生年月: '1980-05',
  职务: '副总经理',
  职务层级: '高层副职',
  学历: '大学本科',
  职称或职业资格类别: '质量专业技术人员职业资格',
  职称或职业资格级别: '中级',
  是否质量相关专业: '是',
  从事质量管理工作年限: 8,
  聘任日期: new Date('2024-03-01T00:00:00Z'),
  任期届满日期: '',
  任职培训学时: 24,
  任职承诺: '是',
  联系电话: 13900001234,
};

function errorsOf(raw: RosterRawRow, c = ctx) {
  const r = validateRosterRow(raw, c);
  if (r.blank) throw new Error('blank');
  return r.errors;
}

describe('validateRosterRow', () => {
  it('an enterprise without a CQO', () => {
    const r = validateRosterRow(enterpriseOnly, ctx);
    expect(r).toEqual({
      blank: false,
      errors: [],
      row: {
        enterprise: { creditCode: CODE, name: '武汉测试有限公司', regionCode: '420102', aboveSize: true, sizeClass: null, ownership: null, industry: null, awards: [] },
        cqo: null,
      },
    });
  });

  it('an enterprise with its CQO: coded values, dates, the default term and the declarations', () => {
    const r = validateRosterRow(withCqo, ctx);
    if (r.blank || !r.row) throw new Error(JSON.stringify(r));
    expect(r.row.enterprise).toMatchObject({ industry: 'C', awards: [{ award: '市州政府质量奖', year: 2021 }, { award: '长江质量奖', year: 2023 }] });
    expect(r.row.cqo).toMatchObject({
      name: '王质量',
      birthMonth: '1980-05',
      phone: '13900001234',
      appointedOn: '2024-03-01',
      termEnd: '2029-02-28',
      initialTrainingHours: 24,
      declarations: ['love-quality', 'ethics'],
      qualificationLevel: '中级',
    });
  });

  it('a blank row is skipped', () => {
    expect(validateRosterRow({}, ctx)).toEqual({ blank: true });
    expect(validateRosterRow(Object.fromEntries(ROSTER_COLUMNS.map((c) => [c, '  '])), ctx)).toEqual({ blank: true });
  });

  it('names the wrong check character of the credit code', () => {
    const wrong = CODE.slice(0, 17) + (CODE[17] === 'X' ? 'Y' : 'X');
    expect(errorsOf({ ...enterpriseOnly, 统一社会信用代码: wrong })).toEqual([{ column: '统一社会信用代码', reason: expect.stringContaining('第18位校验码错误') }]);
  });

  it('requires the enterprise columns and checks the coded values with the forms\' messages', () => {
    expect(errorsOf({ 企业名称: 'x', 是否规上: '不知道', 企业规模: '巨型', 企业类型: '合资', 所属行业: 'Z', 获奖情况: '2023年金奖' })).toEqual([
      { column: '统一社会信用代码', reason: '统一社会信用代码不能为空' },
      { column: '所在地区代码', reason: '所在地区代码不能为空' },
      { column: '是否规上', reason: '是否规上应为“是”或“否”' },
      { column: '企业规模', reason: '企业规模应为大型/中型/小型/微型之一' },
      { column: '企业类型', reason: '企业类型应为国有/民营/外资/其他之一' },
      { column: '所属行业', reason: '所属行业应为GB/T 4754门类代码A–T' },
      { column: '获奖情况', reason: expect.stringContaining('无法识别“2023年金奖”') },
    ]);
    expect(errorsOf({ ...enterpriseOnly, 所在地区代码: '4201' })).toEqual([{ column: '所在地区代码', reason: '所在地区代码应为6位GB/T 2260代码' }]);
  });

  it('CQO columns: all empty or the required ones present', () => {
    const errors = errorsOf({ ...enterpriseOnly, 首席质量官姓名: '李四' });
    expect(errors.map((e) => e.column)).toEqual(['性别', '出生年月', '职务', '职务层级', '学历', '职称或职业资格类别', '从事质量管理工作年限', '聘任日期', '任职承诺', '联系电话']);
    expect(errors[0].reason).toContain('全部留空');
    expect(ROSTER_CQO_COLUMNS[0]).toBe('首席质量官姓名');
  });

  it('dates: bad text, a future appointment, a term end before the appointment, an ended term', () => {
    expect(errorsOf({ ...withCqo, 聘任日期: '2024-02-30' })).toEqual([{ column: '聘任日期', reason: '聘任日期应为YYYY-MM-DD格式的有效日期' }]);
    expect(errorsOf({ ...withCqo, 聘任日期: '2026-07-01' })).toEqual([{ column: '聘任日期', reason: '聘任日期不能晚于今天' }]);
    expect(errorsOf({ ...withCqo, 任期届满日期: '2024-02-01' })).toEqual([{ column: '任期届满日期', reason: '任期届满日期不能早于聘任日期' }]);
    expect(errorsOf({ ...withCqo, 聘任日期: '2020-03-01' })).toEqual([{ column: '聘任日期', reason: expect.stringContaining('任期已于 2025-02-28 届满') }]);
    expect(errorsOf({ ...withCqo, 出生年月: '1980-13' })).toEqual([{ column: '出生年月', reason: '出生年月应为YYYY-MM格式，如1980-05' }]);
    expect(errorsOf({ ...withCqo, 出生年月: '2010-01' })).toEqual([{ column: '出生年月', reason: '按出生年月计算，聘任时年龄应在18–80岁之间' }]);
    expect(errorsOf({ ...withCqo, 出生年月: '1990-01', 从事质量管理工作年限: 30 })).toEqual([{ column: '从事质量管理工作年限', reason: '从事质量管理工作年限与年龄不符' }]);
    // Without a term in the profile, an empty 任期届满日期 stays empty.
    const r = validateRosterRow({ ...withCqo, 聘任日期: '2010-03-01' }, { ...ctx, term: null });
    expect(!r.blank && r.row?.cqo?.termEnd).toBeNull();
  });

  it('004 三(一): a term longer than 5 years is accepted as written (the verdict shows the soft hit)', () => {
    expect(errorsOf({ ...withCqo, 任期届满日期: '2030-02-28' })).toEqual([]);
    const r = validateRosterRow({ ...withCqo, 任期届满日期: '2030-02-28' }, ctx);
    expect(!r.blank && r.row?.cqo?.termEnd).toBe('2030-02-28');
  });

  it('SPEC §8 任职承诺: 是 ticks every declaration of the context (all profiles), 否 none', () => {
    const all = ['background', 'competence', 'ethics', 'love-quality', 'no-disqualification'];
    const yes = validateRosterRow(withCqo, { ...ctx, declarations: all });
    expect(!yes.blank && yes.row?.cqo?.declarations).toEqual(all);
    const no = validateRosterRow({ ...withCqo, 任职承诺: '否' }, { ...ctx, declarations: all });
    expect(!no.blank && no.row?.cqo?.declarations).toEqual([]);
  });

  it('SPEC §8 是否质量相关专业: may be blank for 无 or a 职业资格 (stored as 否), required for a 专业技术职称', () => {
    const none = validateRosterRow({ ...withCqo, 职称或职业资格类别: '无', 职称或职业资格级别: '', 是否质量相关专业: '' }, ctx);
    expect(none).toMatchObject({ errors: [], row: { cqo: { qualificationType: '无', qualificationLevel: null, qualityRelated: false } } });
    const certificate = validateRosterRow({ ...withCqo, 是否质量相关专业: null }, ctx);
    expect(certificate).toMatchObject({ errors: [], row: { cqo: { qualificationType: '质量专业技术人员职业资格', qualityRelated: false } } });
    expect(errorsOf({ ...withCqo, 职称或职业资格类别: '专业技术职称', 是否质量相关专业: '' })).toEqual([
      { column: '是否质量相关专业', reason: '职称或职业资格类别为“专业技术职称”时，是否质量相关专业不能为空' },
    ]);
    const title = validateRosterRow({ ...withCqo, 职称或职业资格类别: '专业技术职称', 是否质量相关专业: '是' }, ctx);
    expect(title).toMatchObject({ errors: [], row: { cqo: { qualityRelated: true } } });
  });

  it('qualification, hours, phone and declarations', () => {
    expect(errorsOf({ ...withCqo, 职称或职业资格类别: '无' })).toEqual([{ column: '职称或职业资格级别', reason: '类别为“无”时不应填写级别' }]);
    expect(errorsOf({ ...withCqo, 职称或职业资格级别: '' })).toEqual([{ column: '职称或职业资格级别', reason: expect.stringContaining('不能为空') }]);
    expect(errorsOf({ ...withCqo, 任职培训学时: 20.3 })).toEqual([{ column: '任职培训学时', reason: '任职培训学时应为0.5的整数倍' }]);
    expect(errorsOf({ ...withCqo, 联系电话: '027-8888888' })).toEqual([{ column: '联系电话', reason: '联系电话应为11位手机号码' }]);
    expect(errorsOf({ ...withCqo, 任职承诺: '已承诺' })).toEqual([{ column: '任职承诺', reason: expect.stringContaining('应为“是”') }]);
    const r = validateRosterRow({ ...withCqo, 任职承诺: '否', 职称或职业资格类别: '无', 职称或职业资格级别: null }, ctx);
    expect(!r.blank && r.row?.cqo).toMatchObject({ declarations: [], qualificationLevel: null });
  });
});

describe('cell parsers', () => {

  it('months', () => {
    expect(parseRosterMonth('1980-5')).toBe('1980-05');
    expect(parseRosterMonth('1980年05月')).toBe('1980-05');
    expect(parseRosterMonth('198005')).toBe('1980-05');
    expect(parseRosterMonth(new Date('1980-05-01T00:00:00Z'))).toBe('1980-05');
    expect(parseRosterMonth('1980-05-01')).toBeNull();
  });

  it('awards', () => {
    expect(parseAwards('')).toEqual({ awards: [], error: null });
    expect(parseAwards('2023年长江质量奖;2023年长江质量奖').error).toBe('获奖情况重复：2023年长江质量奖');
  });

  it('SPEC §8 获奖情况: an award name without a year is accepted (year null); a written year is kept', () => {
    expect(parseAwards('长江质量奖')).toEqual({ awards: [{ award: '长江质量奖', year: null }], error: null });
    expect(parseAwards('2023年长江质量奖；中国质量奖提名奖')).toEqual({
      awards: [
        { award: '中国质量奖提名奖', year: null },
        { award: '长江质量奖', year: 2023 },
      ],
      error: null,
    });
    expect(parseAwards('长江质量奖；2023年长江质量奖').error).toBeNull();
    expect(parseAwards('长江质量奖;长江质量奖').error).toBe('获奖情况重复：长江质量奖');
    expect(parseAwards('2021年2023年长江质量奖').error).toContain('无法识别');
    expect(parseAwards('金奖').error).toContain('无法识别');
  });

  it('SPEC §8 获奖情况: a roster row with award names only is accepted', () => {
    const r = validateRosterRow({ ...withCqo, 获奖情况: '长江质量奖；市州政府质量奖' }, ctx);
    expect(r).toMatchObject({ errors: [], row: { enterprise: { awards: [{ award: '市州政府质量奖', year: null }, { award: '长江质量奖', year: null }] } } });
  });
});

describe('SPEC §8 roster columns', () => {
  it('once a CQO column is filled these are required (是否质量相关专业 only for a 职称, see above)', () => {
    expect(ROSTER_CQO_REQUIRED_COLUMNS).toEqual(['首席质量官姓名', '性别', '出生年月', '职务', '职务层级', '学历', '职称或职业资格类别', '从事质量管理工作年限', '聘任日期', '任职承诺', '联系电话']);
  });
});
