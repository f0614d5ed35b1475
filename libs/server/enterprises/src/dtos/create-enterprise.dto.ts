import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import {
  AWARD_TYPES,
  ENTERPRISE_LIMITS,
  INDUSTRY_SECTIONS,
  OWNERSHIP_TYPES,
  SIZE_CLASSES,
  type AwardType,
  type CreateEnterpriseRequest,
  type EnterpriseAward,
  type OwnershipType,
  type SizeClass,
} from '@cqo/contracts';
import { FieldLabel, OptionalIn } from '@cqo/server-common';

export class AwardDto implements EnterpriseAward {
  @ApiProperty({ enum: AWARD_TYPES }) @FieldLabel('奖项') @IsIn(AWARD_TYPES, { message: `奖项应为${AWARD_TYPES.join('/')}之一` })
  award!: AwardType;

  @ApiProperty({ nullable: true, description: 'null when the year is not known (SPEC §8)' }) @FieldLabel('获奖年份')
  @ValidateIf((o: AwardDto) => o.year !== null && o.year !== undefined)
  @IsInt({ message: '获奖年份应为整数' }) @Min(1990, { message: '获奖年份不能早于1990年' }) @Max(2100, { message: '获奖年份无效' })
  year!: number | null;
}

/** The credit code's check character is verified in the service (GB 32100-2015), naming the wrong character. */
export class CreateEnterpriseDto implements CreateEnterpriseRequest {
  @ApiProperty() @FieldLabel('统一社会信用代码') @IsString() @IsNotEmpty({ message: '统一社会信用代码不能为空' })
  creditCode!: string;

  @ApiProperty() @FieldLabel('企业名称') @IsString() @IsNotEmpty({ message: '企业名称不能为空' }) @MaxLength(ENTERPRISE_LIMITS.name, { message: `企业名称不能超过${ENTERPRISE_LIMITS.name}个字符` })
  name!: string;

  @ApiProperty() @FieldLabel('所在地区代码') @Matches(/^\d{6}$/, { message: '所在地区代码应为6位GB/T 2260代码' })
  regionCode!: string;

  @ApiProperty() @FieldLabel('是否规上') @IsBoolean()
  aboveSize!: boolean;

  @ApiPropertyOptional({ enum: SIZE_CLASSES, nullable: true }) @OptionalIn('企业规模', SIZE_CLASSES, `企业规模应为${SIZE_CLASSES.join('/')}之一`)
  sizeClass?: SizeClass | null;

  @ApiPropertyOptional({ enum: OWNERSHIP_TYPES, nullable: true }) @OptionalIn('企业类型', OWNERSHIP_TYPES, `企业类型应为${OWNERSHIP_TYPES.join('/')}之一`)
  ownership?: OwnershipType | null;

  @ApiPropertyOptional({ enum: INDUSTRY_SECTIONS, nullable: true }) @OptionalIn('所属行业', INDUSTRY_SECTIONS, '所属行业应为GB/T 4754门类代码A–T')
  industry?: string | null;

  @ApiPropertyOptional({ type: [AwardDto] }) @FieldLabel('获奖情况') @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AwardDto)
  awards?: AwardDto[];
}
