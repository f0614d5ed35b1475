import {
  AWARD_TYPES,
  EDUCATION_LEVELS,
  GENDERS,
  INDUSTRY_SECTIONS,
  OWNERSHIP_TYPES,
  POSITION_LEVELS,
  QUALIFICATION_LEVELS,
  QUALIFICATION_TYPES,
  SIZE_CLASSES,
} from '@cqo/contracts';

/** The roster import's columns in template order (SPEC §8): one row per enterprise, with its CQO if any. */
export const ROSTER_COLUMNS = [
  '统一社会信用代码',
  '企业名称',
  '所在地区代码',
  '是否规上',
  '企业规模',
  '企业类型',
  '所属行业',
  '获奖情况',
  '首席质量官姓名',
  '性别',
  '出生年月',
  '职务',
  '职务层级',
  '学历',
  '职称或职业资格类别',
  '职称或职业资格级别',
  '是否质量相关专业',
  '从事质量管理工作年限',
  '聘任日期',
  '任期届满日期',
  '聘任授权证书编号',
  '任职培训学时',
  '任职培训证书编号',
  '任职承诺',
  '联系电话',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** Always required (marked `*` in the template). */
export const ROSTER_REQUIRED_COLUMNS: readonly RosterColumn[] = ['统一社会信用代码', '企业名称', '所在地区代码', '是否规上'];

/** The CQO's columns: all empty = the enterprise has no CQO on this roster. */
export const ROSTER_CQO_COLUMNS: readonly RosterColumn[] = ROSTER_COLUMNS.slice(ROSTER_COLUMNS.indexOf('首席质量官姓名'));

/**
 * Required once any CQO column is filled (marked `*` after "有首席质量官时" in the template notes).
 * 是否质量相关专业 is not among them: SPEC §8 asks it only when the qualification is a 专业技术职称
 * (the speciality of a 职称; see validateRosterRow).
 */
export const ROSTER_CQO_REQUIRED_COLUMNS: readonly RosterColumn[] = ROSTER_CQO_COLUMNS.filter(
  (c) => !(['职称或职业资格级别', '是否质量相关专业', '任期届满日期', '聘任授权证书编号', '任职培训学时', '任职培训证书编号'] as RosterColumn[]).includes(c),
);

export const YES_NO = ['是', '否'] as const;

/** The coded columns and their allowed values (the template's drop-down lists, and what the row check accepts). */
export const ROSTER_CODED_VALUES = {
  是否规上: YES_NO,
  企业规模: SIZE_CLASSES,
  企业类型: OWNERSHIP_TYPES,
  所属行业: INDUSTRY_SECTIONS,
  性别: GENDERS,
  职务层级: POSITION_LEVELS,
  学历: EDUCATION_LEVELS,
  职称或职业资格类别: QUALIFICATION_TYPES,
  职称或职业资格级别: QUALIFICATION_LEVELS,
  是否质量相关专业: YES_NO,
  任职承诺: YES_NO,
} as const satisfies Partial<Record<RosterColumn, readonly string[]>>;

export type RosterCodedColumn = keyof typeof ROSTER_CODED_VALUES;

/** How an award is written in 获奖情况: `长江质量奖` or, with its year, `2023年长江质量奖`; several separated by `；`. */
export const AWARD_FORMAT = `奖项名称，可在前面加获奖年份，如“长江质量奖”或“2023年长江质量奖”，多项用“；”分隔；奖项为${AWARD_TYPES.join('/')}`;
