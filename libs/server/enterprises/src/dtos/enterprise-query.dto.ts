import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CQO_FILTERS, ENTERPRISE_SORT_KEYS, INDUSTRY_SECTIONS, sortValues, type EnterpriseSortKey, type SortParam, OWNERSHIP_TYPES, SIZE_CLASSES, type CqoFilter, type EnterpriseListQuery, type OwnershipType, type SizeClass } from '@cqo/contracts';
import { FieldLabel } from '@cqo/server-common';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class EnterpriseQueryDto implements EnterpriseListQuery {
  @FieldLabel('地区代码') @IsOptional() @Matches(/^\d{6}$/, { message: '地区代码应为6位数字' })
  region?: string;

  @FieldLabel('关键词') @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @FieldLabel('是否规上') @IsOptional() @Transform(toBool) @IsBoolean()
  aboveSize?: boolean;

  @FieldLabel('企业规模') @IsOptional() @IsIn(SIZE_CLASSES, { message: `企业规模应为${SIZE_CLASSES.join('/')}之一` })
  sizeClass?: SizeClass;

  @FieldLabel('企业类型') @IsOptional() @IsIn(OWNERSHIP_TYPES, { message: `企业类型应为${OWNERSHIP_TYPES.join('/')}之一` })
  ownership?: OwnershipType;

  @FieldLabel('所属行业') @IsOptional() @IsIn(INDUSTRY_SECTIONS, { message: '所属行业应为GB/T 4754门类代码A–T' })
  industry?: string;

  @FieldLabel('是否获奖') @IsOptional() @Transform(toBool) @IsBoolean()
  award?: boolean;

  @FieldLabel('首席质量官状态') @IsOptional() @IsIn(CQO_FILTERS, { message: '首席质量官状态筛选条件无效' })
  cqo?: CqoFilter;

  /** Issue 20 item 3: a whitelisted column (ORDER BY in the query); an unknown one is a 400 on `sort`. */
  @FieldLabel('排序') @IsOptional() @IsIn(sortValues(ENTERPRISE_SORT_KEYS), { message: '排序列无效' })
  sort?: SortParam<EnterpriseSortKey>;

  @FieldLabel('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page = 1;

  @FieldLabel('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize = 20;
}
