import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { APPOINTMENT_LIMITS, EDUCATION_LEVELS, GENDERS, POSITION_LEVELS, QUALIFICATION_LEVELS, QUALIFICATION_TYPES, type ChangeAppointmentRequest, type DismissAppointmentRequest, type EducationLevel, type FileAppointmentRequest, type Gender, type PositionLevel, type QualificationLevel, type QualificationType } from '@cqo/contracts';
import { MOBILE_PHONE_PATTERN } from '@cqo/policy';
import { FieldLabel } from '@cqo/server-common';

const DATE = { strict: true } as const;
const dateMsg = (label: string) => ({ message: `${label}应为YYYY-MM-DD格式的有效日期` });

/**
 * 聘任备案. Field checks here; checks that need today's date or the profile in force (not in the
 * future, declarations the profile knows, term within the profile's limit) are in the service.
 */
export class FileAppointmentDto implements FileAppointmentRequest {
  @ApiProperty() @FieldLabel('姓名') @IsString() @IsNotEmpty({ message: '姓名不能为空' }) @MaxLength(APPOINTMENT_LIMITS.name, { message: `姓名不能超过${APPOINTMENT_LIMITS.name}个字符` })
  name!: string;

  @ApiProperty({ enum: GENDERS }) @FieldLabel('性别') @IsIn(GENDERS, { message: '性别应为“男”或“女”' })
  gender!: Gender;

  @ApiProperty({ example: '1980-05' }) @FieldLabel('出生年月') @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '出生年月应为YYYY-MM格式，如1980-05' })
  birthMonth!: string;

  @ApiProperty({ example: '13800001234' }) @FieldLabel('联系电话') @Matches(MOBILE_PHONE_PATTERN, { message: '联系电话应为11位手机号码' })
  phone!: string;

  @ApiProperty() @FieldLabel('职务') @IsString() @IsNotEmpty({ message: '职务不能为空' }) @MaxLength(APPOINTMENT_LIMITS.positionTitle, { message: `职务不能超过${APPOINTMENT_LIMITS.positionTitle}个字符` })
  positionTitle!: string;

  @ApiProperty({ enum: POSITION_LEVELS }) @FieldLabel('职务层级') @IsIn(POSITION_LEVELS, { message: `职务层级应为${POSITION_LEVELS.join('/')}之一` })
  positionLevel!: PositionLevel;

  @ApiProperty() @FieldLabel('是否兼任') @IsBoolean()
  concurrentPost!: boolean;

  @ApiProperty({ enum: EDUCATION_LEVELS }) @FieldLabel('学历') @IsIn(EDUCATION_LEVELS, { message: `学历应为${EDUCATION_LEVELS.join('/')}之一` })
  education!: EducationLevel;

  @ApiProperty({ enum: QUALIFICATION_TYPES }) @FieldLabel('职称或职业资格类别')
  @IsIn(QUALIFICATION_TYPES, { message: `职称或职业资格类别应为${QUALIFICATION_TYPES.join('/')}之一` })
  qualificationType!: QualificationType;

  @ApiPropertyOptional({ enum: QUALIFICATION_LEVELS, nullable: true }) @FieldLabel('职称或职业资格级别')
  @ValidateIf((o: FileAppointmentDto) => o.qualificationType !== '无' || (o.qualificationLevel !== null && o.qualificationLevel !== undefined))
  @IsIn(QUALIFICATION_LEVELS, { message: `职称或职业资格级别应为${QUALIFICATION_LEVELS.join('/')}之一` })
  qualificationLevel!: QualificationLevel | null;

  @ApiProperty() @FieldLabel('是否质量相关专业') @IsBoolean()
  qualityRelated!: boolean;

  @ApiProperty() @FieldLabel('从事质量管理工作年限')
  @IsInt({ message: '从事质量管理工作年限应为整数' }) @Min(0, { message: '从事质量管理工作年限不能为负数' }) @Max(APPOINTMENT_LIMITS.yearsInQuality, { message: `从事质量管理工作年限不能超过${APPOINTMENT_LIMITS.yearsInQuality}年` })
  yearsInQuality!: number;

  @ApiProperty({ type: [String] }) @FieldLabel('任职承诺') @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  declarations!: string[];

  @ApiProperty({ example: '2026-03-01' }) @FieldLabel('聘任日期') @IsDateString(DATE, dateMsg('聘任日期'))
  appointedOn!: string;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('任期届满日期') @IsOptional() @IsDateString(DATE, dateMsg('任期届满日期'))
  termEnd!: string | null;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('聘任授权证书编号') @IsOptional() @IsString() @MaxLength(APPOINTMENT_LIMITS.certNo, { message: `聘任授权证书编号不能超过${APPOINTMENT_LIMITS.certNo}个字符` })
  authorisationCertNo!: string | null;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('任职培训学时') @IsOptional()
  @IsNumber({ maxDecimalPlaces: 1 }, { message: '任职培训学时应为数字' }) @Min(0, { message: '任职培训学时不能为负数' }) @Max(APPOINTMENT_LIMITS.hours, { message: `任职培训学时不能超过${APPOINTMENT_LIMITS.hours}` })
  initialTrainingHours!: number | null;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('任职培训证书编号') @IsOptional() @IsString() @MaxLength(APPOINTMENT_LIMITS.certNo, { message: `任职培训证书编号不能超过${APPOINTMENT_LIMITS.certNo}个字符` })
  initialTrainingCertNo!: string | null;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('任职培训完成日期') @IsOptional() @IsDateString(DATE, dateMsg('任职培训完成日期'))
  initialTrainingCompletedOn!: string | null;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('上报说明') @IsOptional() @IsString() @MaxLength(APPOINTMENT_LIMITS.explanation, { message: `上报说明不能超过${APPOINTMENT_LIMITS.explanation}个字符` })
  explanation?: string | null;
}

export class ChangeAppointmentDto extends FileAppointmentDto implements ChangeAppointmentRequest {
  @ApiProperty({ enum: ['update', 'replace'] }) @FieldLabel('变更类型') @IsIn(['update', 'replace'], { message: '变更类型应为“信息变更”或“更换人员”' })
  changeKind!: 'update' | 'replace';

  @ApiProperty({ example: '2026-06-01' }) @FieldLabel('变更生效日期') @IsDateString(DATE, dateMsg('变更生效日期'))
  effectiveOn!: string;

  @ApiProperty() @FieldLabel('变更原因') @IsString() @IsNotEmpty({ message: '变更原因不能为空' }) @MaxLength(APPOINTMENT_LIMITS.reason, { message: `变更原因不能超过${APPOINTMENT_LIMITS.reason}个字符` })
  reason!: string;
}

export class DismissAppointmentDto implements DismissAppointmentRequest {
  @ApiProperty({ example: '2026-06-01' }) @FieldLabel('解聘日期') @IsDateString(DATE, dateMsg('解聘日期'))
  endedOn!: string;

  @ApiProperty() @FieldLabel('解聘原因') @IsString() @IsNotEmpty({ message: '解聘原因不能为空' }) @MaxLength(APPOINTMENT_LIMITS.reason, { message: `解聘原因不能超过${APPOINTMENT_LIMITS.reason}个字符` })
  reason!: string;
}

export class VerdictQueryDto {
  @ApiPropertyOptional({ example: '2025-12-31' }) @FieldLabel('评估日期') @IsOptional() @IsDateString(DATE, dateMsg('评估日期'))
  asOf?: string;
}

export class AwardCheckQueryDto {
  @ApiProperty() @FieldLabel('统一社会信用代码') @IsString() @IsNotEmpty({ message: '统一社会信用代码不能为空' }) @MaxLength(18, { message: '统一社会信用代码应为18位' })
  creditCode!: string;
}
