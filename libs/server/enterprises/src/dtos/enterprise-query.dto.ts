import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CQO_FILTERS, ENTERPRISE_SORT_KEYS, INDUSTRY_SECTIONS, type EnterpriseSortKey, type SortParam, OWNERSHIP_TYPES, SIZE_CLASSES, type CqoFilter, type EnterpriseListQuery, type OwnershipType, type SizeClass } from '@cqo/contracts';
import { FieldLabel, SortQuery, RegionQuery, PageQuery, BoolQuery, OptionalIn } from '@cqo/server-common';


export class EnterpriseQueryDto extends PageQuery() implements EnterpriseListQuery {
  @RegionQuery()
  region?: string;

  @FieldLabel('关键词') @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @BoolQuery('是否规上')
  aboveSize?: boolean;

  @OptionalIn('企业规模', SIZE_CLASSES, `企业规模应为${SIZE_CLASSES.join('/')}之一`)
  sizeClass?: SizeClass;

  @OptionalIn('企业类型', OWNERSHIP_TYPES, `企业类型应为${OWNERSHIP_TYPES.join('/')}之一`)
  ownership?: OwnershipType;

  @OptionalIn('所属行业', INDUSTRY_SECTIONS, '所属行业应为GB/T 4754门类代码A–T')
  industry?: string;

  @BoolQuery('是否获奖')
  award?: boolean;

  @OptionalIn('首席质量官状态', CQO_FILTERS, '首席质量官状态筛选条件无效')
  cqo?: CqoFilter;

  @SortQuery(ENTERPRISE_SORT_KEYS)
  sort?: SortParam<EnterpriseSortKey>;
}
