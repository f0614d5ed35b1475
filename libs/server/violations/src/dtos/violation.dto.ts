import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  VIOLATION_LIMITS,
  VIOLATION_SORT_KEYS,
  type SortParam,
  type ViolationSortKey,
  ACCIDENT_LEVELS,
  VIOLATION_STATUSES,
  VIOLATION_SUBJECTS,
  VIOLATION_TYPES,
  type AccidentLevel,
  type RecordViolationRequest,
  type UpdateViolationStatusRequest,
  type VoidViolationRequest,
  type ViolationListQuery,
  type ViolationStatus,
  type ViolationSubject,
  type ViolationType,
} from '@cqo/contracts';
import { FieldLabel, MaxVersion, SortQuery, RegionQuery, PageQuery, OptionalIn } from '@cqo/server-common';

export class RecordViolationDto implements RecordViolationRequest {
  @ApiProperty() @FieldLabel('企业') @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId!: string;

  @ApiProperty({ enum: VIOLATION_SUBJECTS }) @FieldLabel('违规主体') @IsIn(VIOLATION_SUBJECTS, { message: '违规主体应为企业、首席质量官或两者' })
  subject!: ViolationSubject;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('聘任记录') @IsOptional() @IsUUID('all', { message: '聘任记录编号格式不正确' })
  appointmentId?: string | null;

  @ApiProperty({ enum: VIOLATION_TYPES }) @FieldLabel('违规类型') @IsIn(VIOLATION_TYPES, { message: '违规类型不在规定的类型中' })
  type!: ViolationType;

  @ApiPropertyOptional({ enum: ACCIDENT_LEVELS, nullable: true }) @FieldLabel('事故等级')
  @ValidateIf((o: RecordViolationDto) => o.type === '较大以上质量安全事故' || (o.accidentLevel !== null && o.accidentLevel !== undefined))
  @IsIn(ACCIDENT_LEVELS, { message: `事故等级应为${ACCIDENT_LEVELS.join('/')}之一` })
  accidentLevel?: AccidentLevel | null;

  @ApiProperty({ example: '2026-05-01' }) @FieldLabel('发生日期') @IsDateString({ strict: true }, { message: '发生日期应为YYYY-MM-DD格式的有效日期' })
  occurredOn!: string;

  @ApiProperty() @FieldLabel('来源文书') @IsString() @IsNotEmpty({ message: '来源文书不能为空' }) @MaxLength(VIOLATION_LIMITS.sourceDocument, { message: `来源文书不能超过${VIOLATION_LIMITS.sourceDocument}个字符` })
  sourceDocument!: string;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('情况说明') @IsOptional() @IsString() @MaxLength(VIOLATION_LIMITS.description, { message: `情况说明不能超过${VIOLATION_LIMITS.description}个字符` })
  description?: string | null;
}

export class UpdateViolationStatusDto implements UpdateViolationStatusRequest {
  @ApiProperty({ enum: VIOLATION_STATUSES }) @FieldLabel('状态') @IsIn(VIOLATION_STATUSES, { message: '状态应为open/rectified/closed之一' })
  status!: ViolationStatus;

  @ApiProperty() @FieldLabel('处理说明') @IsString() @IsNotEmpty({ message: '处理说明不能为空' }) @MaxLength(VIOLATION_LIMITS.note, { message: `处理说明不能超过${VIOLATION_LIMITS.note}个字符` })
  note!: string;

  @ApiProperty() @FieldLabel('版本') @IsInt() @Min(1)
  @MaxVersion()
  version!: number;
}

export class VoidViolationDto implements VoidViolationRequest {
  @ApiProperty() @FieldLabel('撤销理由') @IsString({ message: '撤销理由应为文本' }) @Matches(/\S/, { message: '请填写撤销理由' }) @MaxLength(VIOLATION_LIMITS.voidReason, { message: `撤销理由不能超过${VIOLATION_LIMITS.voidReason}个字符` })
  reason!: string;

  @ApiPropertyOptional() @FieldLabel('版本') @IsOptional() @IsInt({ message: '版本应为整数' }) @Min(1, { message: '版本应为正整数' })
  @MaxVersion()
  version?: number;
}

export class ViolationQueryDto extends PageQuery() implements ViolationListQuery {
  @RegionQuery()
  region?: string;

  @FieldLabel('企业') @IsOptional() @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId?: string;

  @OptionalIn('状态', VIOLATION_STATUSES, '状态应为open/rectified/closed之一')
  status?: ViolationStatus;

  @OptionalIn('违规类型', VIOLATION_TYPES, '违规类型不在规定的类型中')
  type?: ViolationType;

  @SortQuery(VIOLATION_SORT_KEYS)
  sort?: SortParam<ViolationSortKey>;
}
