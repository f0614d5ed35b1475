import {
  AWARD_TYPES,
  GENDERS,
  INDUSTRY_SECTIONS,
  type AwardType,
  type Gender,
  type OwnershipType,
  type SizeClass,
} from '@cqo/contracts';
import { validateCreditCode } from '../credit-code';
import { MOBILE_PHONE_PATTERN } from '../masking';
import { parseSheetDate, sheetCellText, type SheetCellValue } from '../sheet-cells';
import type { EligibilityFacts } from '../eligibility/evaluate';
import { checkPlausibility } from '../eligibility/plausibility';
import { checkTerm, type TermRule } from '../eligibility/term';
import {
  AWARD_FORMAT,
  ROSTER_CODED_VALUES,
  ROSTER_COLUMNS,
  ROSTER_CQO_COLUMNS,
  ROSTER_CQO_REQUIRED_COLUMNS,
  ROSTER_REQUIRED_COLUMNS,
  type RosterCodedColumn,
  type RosterColumn,
} from './roster-columns';

/** A cell as a spreadsheet reader hands it over (libs/policy sheet-cells). */
export type RosterCell = SheetCellValue;
export type RosterRawRow = Partial<Record<RosterColumn, RosterCell>>;

export interface RosterEnterprise {
  creditCode: string;
  name: string;
  regionCode: string;
  aboveSize: boolean;
  sizeClass: SizeClass | null;
  ownership: OwnershipType | null;
  industry: string | null;
  /** Sorted by year (undated first), then award. */
  awards: RosterAward[];
}

/** An award as 获奖情况 names it: SPEC §8 makes the year optional (null = held, year not given). */
export interface RosterAward {
  award: AwardType;
  year: number | null;
}

/** The filed fields a verdict is judged on are the eligibility facts' own (evaluateEligibility). */
type RosterFiledFacts = Pick<
  EligibilityFacts,
  'positionLevel' | 'education' | 'qualificationType' | 'qualificationLevel' | 'qualityRelated' | 'yearsInQuality' | 'appointedOn' | 'authorisationCertNo'
>;

export interface RosterCqo extends RosterFiledFacts {
  name: string;
  gender: Gender;
  /** YYYY-MM. */
  birthMonth: string;
  phone: string;
  positionTitle: string;
  /** As written (a term longer than the usual one is accepted, 004 三(一)), or the profile's term less one day when left empty (null when the profile sets no term). */
  termEnd: string | null;
  initialTrainingHours: number | null;
  initialTrainingCertNo: string | null;
  /** Every declaration id of the context when 任职承诺 is 是, else none. */
  declarations: string[];
}

export interface RosterRow {
  enterprise: RosterEnterprise;
  cqo: RosterCqo | null;
}

export interface RosterCellError {
  column: RosterColumn;
  reason: string;
}

export interface RosterRowContext {
  /** Today in China, YYYY-MM-DD. */
  today: string;
  /** The term rule of the profile in force (hubei-2021: 5 years, 004 三(一)), null when it sets none. */
  term: Pick<TermRule, 'years' | 'clause'> | null;
  /**
   * Every declaration id any profile asks for: SPEC §8 任职承诺 = 是 stands for all the declarations
   * of §3, so a verdict under another profile (a later one, or hunan's 001 5.1.2 background) finds
   * them ticked too.
   */
  declarations: readonly string[];
}

export type RosterRowResult = { blank: true } | { blank: false; row: RosterRow | null; errors: RosterCellError[] };


/** 出生年月: a date cell (Excel turns 1980-05 into 1 May 1980), or text 1980-05, 1980/5, 1980.05, 1980年5月, 198005. */
export function parseRosterMonth(v: RosterCell): string | null {
  if (v instanceof Date || typeof v === 'number') return parseSheetDate(v)?.slice(0, 7) ?? null;
  const t = sheetCellText(v);
  const m = /^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$/.exec(t);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${String(month).padStart(2, '0')}`;
}

/**
 * 获奖情况: award names separated by `；`, each optionally with its year (SPEC §8): `长江质量奖`,
 * `2023年长江质量奖`, also `长江质量奖(2023)`. Errors name the bad item.
 */
export function parseAwards(text: string): { awards: RosterAward[]; error: string | null } {
  const items = text.split(/[；;\n]+/).map((s) => s.trim()).filter(Boolean);
  const awards: RosterAward[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const years = item.match(/(19|20)\d{2}/g) ?? [];
    const award = item.replace(/(19|20)\d{2}\s*年?/g, '').replace(/[()（）\s]/g, '');
    if (years.length > 1 || !(AWARD_TYPES as readonly string[]).includes(award)) {
      return { awards: [], error: `无法识别“${item}”：应为${AWARD_FORMAT}` };
    }
    const year = years.length ? Number(years[0]) : null;
    const key = `${award}/${year ?? ''}`;
    if (seen.has(key)) return { awards: [], error: `获奖情况重复：${year ?? ''}${year ? '年' : ''}${award}` };
    seen.add(key);
    awards.push({ award: award as AwardType, year });
  }
  awards.sort((a, b) => (a.year ?? 0) - (b.year ?? 0) || a.award.localeCompare(b.award));
  return { awards, error: null };
}

function oneOf<T extends string>(list: readonly T[], text: string): T | null {
  return (list as readonly string[]).includes(text) ? (text as T) : null;
}

/**
 * A coded cell read against its list in ROSTER_CODED_VALUES (the template's drop-down): the value,
 * or null with "<column>应为<a/b/c>之一" when the cell is filled with anything else.
 */
function coded<C extends RosterCodedColumn>(
  column: C,
  text: Record<RosterColumn, string>,
  bad: (column: RosterColumn, reason: string) => void,
): (typeof ROSTER_CODED_VALUES)[C][number] | null {
  const allowed: readonly (typeof ROSTER_CODED_VALUES)[C][number][] = ROSTER_CODED_VALUES[column];
  const value = oneOf(allowed, text[column]);
  if (text[column] && !value) bad(column, `${column}应为${allowed.join('/')}之一`);
  return value;
}

/**
 * One roster row, checked with the rules of the enterprise and CQO filing forms (the same lists
 * and messages), as far as they need no database: the credit code's check character, the coded
 * values, the dates, and the consistency of the appointment. Scope, duplicates and what is on
 * record are the import service's.
 */
export function validateRosterRow(raw: RosterRawRow, ctx: RosterRowContext): RosterRowResult {
  const text = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c, sheetCellText(raw[c])])) as Record<RosterColumn, string>;
  if (ROSTER_COLUMNS.every((c) => text[c] === '')) return { blank: true };
  const errors: RosterCellError[] = [];
  const bad = (column: RosterColumn, reason: string) => {
    if (!errors.some((e) => e.column === column)) errors.push({ column, reason });
  };
  for (const c of ROSTER_REQUIRED_COLUMNS) if (!text[c]) bad(c, `${c}不能为空`);

  const creditCode = text['统一社会信用代码'].replace(/\s/g, '').toUpperCase();
  if (creditCode) {
    const check = validateCreditCode(creditCode);
    if (!check.valid) bad('统一社会信用代码', check.errors.map((e) => e.message).join('；'));
  }
  if (text['企业名称'].length > 100) bad('企业名称', '企业名称不能超过100个字符');
  if (text['所在地区代码'] && !/^\d{6}$/.test(text['所在地区代码'])) bad('所在地区代码', '所在地区代码应为6位GB/T 2260代码');
  const aboveSize = text['是否规上'] === '是' ? true : text['是否规上'] === '否' ? false : null;
  if (text['是否规上'] && aboveSize === null) bad('是否规上', '是否规上应为“是”或“否”');
  const sizeClass = coded('企业规模', text, bad);
  const ownership = coded('企业类型', text, bad);
  const industryText = text['所属行业'].toUpperCase();
  const industry = INDUSTRY_SECTIONS.includes(industryText) ? industryText : null;
  if (text['所属行业'] && !industry) bad('所属行业', '所属行业应为GB/T 4754门类代码A–T');
  const awards = parseAwards(text['获奖情况']);
  if (awards.error) bad('获奖情况', awards.error);

  const cqo = ROSTER_CQO_COLUMNS.some((c) => text[c] !== '') ? validateCqo(raw, text, ctx, bad) : null;
  if (errors.length) return { blank: false, row: null, errors };
  return {
    blank: false,
    errors,
    row: {
      enterprise: {
        creditCode,
        name: text['企业名称'],
        regionCode: text['所在地区代码'],
        aboveSize: aboveSize!,
        sizeClass,
        ownership,
        industry,
        awards: awards.awards,
      },
      cqo,
    },
  };
}

function validateCqo(
  raw: RosterRawRow,
  text: Record<RosterColumn, string>,
  ctx: RosterRowContext,
  bad: (column: RosterColumn, reason: string) => void,
): RosterCqo | null {
  for (const c of ROSTER_CQO_REQUIRED_COLUMNS) if (!text[c]) bad(c, `填写了首席质量官信息时，${c}不能为空（无首席质量官的企业请将首席质量官各列全部留空）`);
  const name = text['首席质量官姓名'];
  if (name.length > 32) bad('首席质量官姓名', '姓名不能超过32个字符');
  const gender = oneOf(GENDERS, text['性别']);
  if (text['性别'] && !gender) bad('性别', '性别应为“男”或“女”');
  const birthMonth = parseRosterMonth(raw['出生年月']);
  if (text['出生年月'] && !birthMonth) bad('出生年月', '出生年月应为YYYY-MM格式，如1980-05');
  const positionTitle = text['职务'];
  if (positionTitle.length > 32) bad('职务', '职务不能超过32个字符');
  const positionLevel = coded('职务层级', text, bad);
  const education = coded('学历', text, bad);
  const qualificationType = coded('职称或职业资格类别', text, bad);
  // An unlisted level was reported just above, and `bad` keeps a column's first reason only.
  const qualificationLevel = coded('职称或职业资格级别', text, bad);
  if (qualificationType === '无' && qualificationLevel) bad('职称或职业资格级别', '类别为“无”时不应填写级别');
  else if (qualificationType && qualificationType !== '无' && !qualificationLevel) bad('职称或职业资格级别', '职称或职业资格级别不能为空（类别为“无”时留空）');
  // SPEC §8: asked only when the qualification is a 专业技术职称 (the speciality of a title); a
  // 职业资格 or 无 may leave it blank, and a blank is stored as 否 (no rule reads it for those).
  const givenRelated = text['是否质量相关专业'] === '是' ? true : text['是否质量相关专业'] === '否' ? false : null;
  if (text['是否质量相关专业'] && givenRelated === null) bad('是否质量相关专业', '是否质量相关专业应为“是”或“否”');
  else if (!text['是否质量相关专业'] && qualificationType === '专业技术职称') bad('是否质量相关专业', '职称或职业资格类别为“专业技术职称”时，是否质量相关专业不能为空');
  const qualityRelated = givenRelated ?? (qualificationType === '专业技术职称' ? null : false);
  const years = Number(text['从事质量管理工作年限']);
  if (text['从事质量管理工作年限'] && !Number.isInteger(years)) bad('从事质量管理工作年限', '从事质量管理工作年限应为整数');
  else if (years < 0) bad('从事质量管理工作年限', '从事质量管理工作年限不能为负数');
  else if (years > 60) bad('从事质量管理工作年限', '从事质量管理工作年限不能超过60年');

  const appointedOn = parseSheetDate(raw['聘任日期']);
  if (text['聘任日期'] && !appointedOn) bad('聘任日期', '聘任日期应为YYYY-MM-DD格式的有效日期');
  else if (appointedOn && appointedOn > ctx.today) bad('聘任日期', '聘任日期不能晚于今天');
  const givenTermEnd = parseSheetDate(raw['任期届满日期']);
  if (text['任期届满日期'] && !givenTermEnd) bad('任期届满日期', '任期届满日期应为YYYY-MM-DD格式的有效日期');
  let termEnd: string | null = givenTermEnd;
  if (appointedOn) {
    // A term longer than the usual one is not refused: 004 三(一) 任期一般为5年; the verdict's term
    // rule shows it as a soft hit naming the clause.
    const term = checkTerm(ctx.term, appointedOn, givenTermEnd);
    if (term.beforeStart) bad('任期届满日期', '任期届满日期不能早于聘任日期');
    termEnd = term.termEnd;
    if (termEnd && termEnd < ctx.today) {
      bad(givenTermEnd ? '任期届满日期' : '聘任日期', `任期已于 ${termEnd} 届满，名册只登记在任的首席质量官`);
    }
    if (birthMonth) {
      for (const p of checkPlausibility(birthMonth, appointedOn, years)) bad(p.field === 'birthMonth' ? '出生年月' : '从事质量管理工作年限', p.message);
    }
  }

  const authorisationCertNo = text['聘任授权证书编号'] || null;
  if (authorisationCertNo && authorisationCertNo.length > 64) bad('聘任授权证书编号', '聘任授权证书编号不能超过64个字符');
  const hoursText = text['任职培训学时'];
  const hours = hoursText === '' ? null : Number(hoursText);
  if (hours !== null) {
    if (!Number.isFinite(hours)) bad('任职培训学时', '任职培训学时应为数字');
    else if (hours < 0) bad('任职培训学时', '任职培训学时不能为负数');
    else if (hours > 500) bad('任职培训学时', '任职培训学时不能超过500');
    else if (!Number.isInteger(hours * 2)) bad('任职培训学时', '任职培训学时应为0.5的整数倍');
  }
  const initialTrainingCertNo = text['任职培训证书编号'] || null;
  if (initialTrainingCertNo && initialTrainingCertNo.length > 64) bad('任职培训证书编号', '任职培训证书编号不能超过64个字符');
  const declared = text['任职承诺'] === '是' ? true : text['任职承诺'] === '否' ? false : null;
  if (text['任职承诺'] && declared === null) bad('任职承诺', '任职承诺应为“是”（已作出任职条件中的全部承诺）或“否”');
  const phone = text['联系电话'].replace(/[\s-]/g, '');
  if (phone && !MOBILE_PHONE_PATTERN.test(phone)) bad('联系电话', '联系电话应为11位手机号码');

  if (!gender || !birthMonth || !positionLevel || !education || !qualificationType || qualityRelated === null || !appointedOn || declared === null) return null;
  return {
    name,
    gender,
    birthMonth,
    phone,
    positionTitle,
    positionLevel,
    education,
    qualificationType,
    qualificationLevel: qualificationType === '无' ? null : qualificationLevel,
    qualityRelated,
    yearsInQuality: years,
    appointedOn,
    termEnd,
    authorisationCertNo,
    initialTrainingHours: hours,
    initialTrainingCertNo,
    declarations: declared ? [...ctx.declarations] : [],
  };
}
