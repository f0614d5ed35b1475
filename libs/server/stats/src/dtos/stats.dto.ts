import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { RANKING_SORT_KEYS, TARGET_CATEGORIES, type AssessmentWeights, type RankingSortKey, type SortParam, type StatTarget, type TargetCategory } from '@cqo/contracts';
import { FieldLabel, SortQuery, RegionQuery } from '@cqo/server-common';

const YEAR = { message: '年度应为 2000–2100 的整数' };

export class DashboardQueryDto {
  @ApiPropertyOptional({ description: "GB/T 2260 code; default the user's scope root" })
  @RegionQuery()
  region?: string;

  @ApiPropertyOptional({ description: 'default the current year' })
  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt(YEAR) @Min(2000, YEAR) @Max(2100, YEAR)
  year?: number;
}

export class RegionStatsQueryDto {
  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt(YEAR) @Min(2000, YEAR) @Max(2100, YEAR)
  year?: number;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD; default today (or Dec 31 of a past year)' })
  @FieldLabel('统计截止日期') @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '统计截止日期应为YYYY-MM-DD格式' })
  asOf?: string;
}

export class YearQueryDto {
  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt(YEAR) @Min(2000, YEAR) @Max(2100, YEAR)
  year?: number;
}

/** The 市州 ranking of a year (issue 20 item 3: sorted by the server on a whitelisted column). */
export class AssessmentQueryDto extends YearQueryDto {
  @SortQuery(RANKING_SORT_KEYS)
  sort?: SortParam<RankingSortKey>;
}

export class StatTargetDto implements StatTarget {
  @FieldLabel('类别') @IsIn(TARGET_CATEGORIES, { message: '类别应为 aboveSize、sme 或 award' })
  category!: TargetCategory;

  @FieldLabel('目标值') @IsNumber({}, { message: '目标值应为数字' })
  value!: number;

  @FieldLabel('截止日期') @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '截止日期应为YYYY-MM-DD格式' })
  deadline!: string;
}

export class AssessmentWeightsDto implements AssessmentWeights {
  @FieldLabel('规上企业聘任率权重') @IsNumber({}, { message: '权重应为数字' }) aboveSize!: number;
  @FieldLabel('中小企业聘任率权重') @IsNumber({}, { message: '权重应为数字' }) sme!: number;
  @FieldLabel('获奖企业聘任率权重') @IsNumber({}, { message: '权重应为数字' }) award!: number;
  @FieldLabel('年报按时报送率权重') @IsNumber({}, { message: '权重应为数字' }) filingOnTime!: number;
  @FieldLabel('培训达标率权重') @IsNumber({}, { message: '权重应为数字' }) training!: number;
  @FieldLabel('每名不符合条件仍在任扣分') @IsNumber({}, { message: '扣分应为数字' }) penaltyPerDisqualified!: number;
  @FieldLabel('扣分上限') @IsNumber({}, { message: '扣分上限应为数字' }) penaltyCap!: number;
}

export class SaveStatSettingsDto {
  @FieldLabel('目标') @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => StatTargetDto)
  targets!: StatTargetDto[];

  @FieldLabel('考核权重') @ValidateNested() @Type(() => AssessmentWeightsDto)
  weights!: AssessmentWeightsDto;
}

export class RebuildDto {
  @FieldLabel('年度') @IsOptional() @IsInt(YEAR) @Min(2000, YEAR) @Max(2100, YEAR)
  year?: number;
}
