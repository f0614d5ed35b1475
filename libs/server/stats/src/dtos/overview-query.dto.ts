import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { FieldLabel } from '@cqo/server-common';

export class OverviewQueryDto {
  @FieldLabel('地区代码') @IsOptional() @Matches(/^\d{6}$/, { message: '地区代码应为6位数字' })
  region?: string;

  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt({ message: '年度必须是整数' }) @Min(2000, { message: '年度不能早于2000年' }) @Max(2100, { message: '年度不能晚于2100年' })
  year?: number;
}
