import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsDateString, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { CreateProfileVersionRequest, RuleDefinition, UseProfileRequest, WhatIfRequest } from '@cqo/contracts';
import { PROFILE_NAME_PATTERN, PROFILE_REF_PATTERN } from '@cqo/policy';
import { FieldLabel } from '@cqo/server-common';

const REF_MESSAGE = '政策版本应写作“名称@版本号”，如 hubei-2021@1';

export class UseProfileDto implements UseProfileRequest {
  @ApiProperty({ example: 'hubei-2021@1' }) @FieldLabel('政策版本') @IsString() @Matches(PROFILE_REF_PATTERN, { message: REF_MESSAGE })
  profile!: string;

  @ApiProperty({ example: '2026-01-01' }) @FieldLabel('启用日期') @IsDateString({ strict: true }, { message: '启用日期应为YYYY-MM-DD格式的有效日期' })
  from!: string;
}

export class WhatIfDto implements WhatIfRequest {
  @ApiProperty({ example: 'hubei-2021@2' }) @FieldLabel('候选政策版本') @IsString() @Matches(PROFILE_REF_PATTERN, { message: REF_MESSAGE })
  profile!: string;
}

/** The rules are checked as a whole by validateProfile (libs/policy), field by field. */
export class CreateProfileVersionDto implements CreateProfileVersionRequest {
  @ApiProperty({ example: 'hubei-2021@1' }) @FieldLabel('基于版本') @IsString() @Matches(PROFILE_REF_PATTERN, { message: REF_MESSAGE })
  basedOn!: string;

  @ApiPropertyOptional() @FieldLabel('政策名称') @IsOptional() @IsString() @Matches(PROFILE_NAME_PATTERN, { message: '政策名称只能包含小写字母、数字和连字符' })
  name?: string;

  @ApiPropertyOptional() @FieldLabel('政策标题') @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  title?: string;

  @ApiProperty({ example: '2027-01-01' }) @FieldLabel('生效日期') @IsDateString({ strict: true }, { message: '生效日期应为YYYY-MM-DD格式的有效日期' })
  effectiveFrom!: string;

  @ApiProperty({ type: 'array', items: { type: 'object' } }) @FieldLabel('规则') @IsArray()
  rules!: RuleDefinition[];

  @ApiPropertyOptional() @FieldLabel('立即启用') @IsOptional() @IsBoolean()
  adopt?: boolean;
}
