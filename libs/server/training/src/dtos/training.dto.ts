import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import {
  SHORTFALL_SORT_KEYS,
  type ShortfallSortKey,
  type SortParam,
  TRAINING_CATEGORIES,
  TRAINING_LIMITS,
  type CreateTrainingRecordRequest,
  type IssueTrainingCertificateRequest,
  type ReverseTrainingRecordRequest,
  type ShortfallQuery,
  type TrainingCategory,
  type TrainingRecordQuery,
} from '@cqo/contracts';
import { FieldLabel, PageQuery, SortQuery, RegionQuery } from '@cqo/server-common';

/**
 * The record's own fields are checked by `validateTrainingRecord` (libs/policy), the same rules
 * the import applies, so the form and the sheet give the same messages; here they are only let in.
 */
export class CreateTrainingRecordDto implements CreateTrainingRecordRequest {
  @ApiPropertyOptional() @FieldLabel('企业') @IsOptional() @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId?: string;

  @ApiProperty({ enum: TRAINING_CATEGORIES }) @Allow()
  category!: TrainingCategory;

  @ApiProperty() @Allow()
  course!: string;

  @ApiProperty() @Allow()
  provider!: string;

  @ApiProperty({ example: '2026-03-01' }) @Allow()
  startDate!: string;

  @ApiProperty({ example: '2026-03-02' }) @Allow()
  endDate!: string;

  @ApiProperty({ example: 16 }) @Allow()
  hours!: number;

  @ApiPropertyOptional({ nullable: true }) @Allow()
  certificateNo?: string | null;
}

export class ReverseTrainingRecordDto implements ReverseTrainingRecordRequest {
  @ApiProperty() @FieldLabel('冲销原因') @IsString({ message: '请填写冲销原因' }) @MaxLength(TRAINING_LIMITS.reverseReason, { message: `冲销原因不能超过${TRAINING_LIMITS.reverseReason}个字符` })
  reason!: string;
}

export class TrainingRecordQueryDto extends PageQuery() implements TrainingRecordQuery {
  @FieldLabel('企业') @IsOptional() @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId?: string;

  @FieldLabel('首席质量官') @IsOptional() @IsUUID('all', { message: '人员编号格式不正确' })
  personId?: string;

  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt({ message: '年度应为整数' }) @Min(2000) @Max(2100)
  year?: number;
}

export class ProgressQueryDto {
  @FieldLabel('企业') @IsOptional() @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId?: string;

  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt({ message: '年度应为整数' }) @Min(2000) @Max(2100)
  year?: number;
}

export class ShortfallQueryDto extends PageQuery() implements ShortfallQuery {
  @RegionQuery()
  region?: string;

  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt({ message: '年度应为整数' }) @Min(2000) @Max(2100)
  year?: number;

  @SortQuery(SHORTFALL_SORT_KEYS)
  sort?: SortParam<ShortfallSortKey>;
}

export class IssueCertificateDto implements IssueTrainingCertificateRequest {
  @ApiProperty() @FieldLabel('首席质量官') @IsUUID('all', { message: '人员编号格式不正确' })
  personId!: string;

  @ApiProperty() @FieldLabel('年度') @Type(() => Number) @IsInt({ message: '年度应为整数' })
  year!: number;
}
