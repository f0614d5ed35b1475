import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { ENTERPRISE_LIMITS, INDUSTRY_SECTIONS, OWNERSHIP_TYPES, SIZE_CLASSES, type OwnershipType, type SizeClass, type UpdateEnterpriseRequest } from '@cqo/contracts';
import { FieldLabel, MaxVersion } from '@cqo/server-common';
import { AwardDto } from './create-enterprise.dto';

export class UpdateEnterpriseDto implements UpdateEnterpriseRequest {
  @ApiPropertyOptional() @FieldLabel('企业名称')
  @IsOptional() @IsString() @IsNotEmpty({ message: '企业名称不能为空' }) @MaxLength(ENTERPRISE_LIMITS.name, { message: `企业名称不能超过${ENTERPRISE_LIMITS.name}个字符` })
  name?: string;

  @ApiPropertyOptional() @FieldLabel('是否规上') @IsOptional() @IsBoolean()
  aboveSize?: boolean;

  @ApiPropertyOptional({ enum: SIZE_CLASSES }) @FieldLabel('企业规模')
  @IsOptional() @IsIn(SIZE_CLASSES, { message: `企业规模应为${SIZE_CLASSES.join('/')}之一` })
  sizeClass?: SizeClass;

  @ApiPropertyOptional({ enum: OWNERSHIP_TYPES }) @FieldLabel('企业类型')
  @IsOptional() @IsIn(OWNERSHIP_TYPES, { message: `企业类型应为${OWNERSHIP_TYPES.join('/')}之一` })
  ownership?: OwnershipType;

  @ApiPropertyOptional({ enum: INDUSTRY_SECTIONS }) @FieldLabel('所属行业')
  @IsOptional() @IsIn(INDUSTRY_SECTIONS, { message: '所属行业应为GB/T 4754门类代码A–T' })
  industry?: string;

  @ApiPropertyOptional({ type: [AwardDto] }) @FieldLabel('获奖情况') @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AwardDto)
  awards?: AwardDto[];

  /** A 市州 or 县市区 code; an officer's must lie in their scope. */
  @ApiPropertyOptional() @FieldLabel('所在地区代码') @IsOptional() @Matches(/^\d{6}$/, { message: '所在地区代码应为6位GB/T 2260代码' })
  regionCode?: string;

  /** The version the edit was made from: required, a stale one is a 409 (issue 18 item 8; ASVS V11.1.6, no TOCTOU race on a write). */
  @ApiProperty({ description: 'The version last read (optimistic locking)' }) @FieldLabel('版本')
  @IsDefined({ message: '缺少版本号，请刷新后重试' }) @IsInt({ message: '版本应为整数' }) @Min(1, { message: '版本应为正整数' })
  @MaxVersion()
  version!: number;
}
