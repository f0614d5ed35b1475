import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { FieldLabel } from '@cqo/server-common';

export class EnterpriseQueryDto {
  @FieldLabel('地区代码') @IsOptional() @Matches(/^\d{6}$/, { message: '地区代码应为6位数字' })
  region?: string;

  @FieldLabel('关键词') @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @FieldLabel('是否规上') @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  aboveSize?: boolean;

  @FieldLabel('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page = 1;

  @FieldLabel('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize = 20;
}
