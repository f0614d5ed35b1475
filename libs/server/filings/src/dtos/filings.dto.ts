import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsDefined, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { FILING_STATUS_SORT_KEYS, REPORT_STATUSES, type AnnualReportData, type BulkAcceptRequest, type FilingStatusQuery, type FilingStatusSortKey, type RemindRequest, type ReportProgress, type ReportStatus, type ReviewQueueQuery, type ReviewRequest, type SaveAnnualReportRequest, type SaveCityReportRequest, type SortParam, type SubmitAnnualReportRequest, type UpdateFilingSettingsRequest } from '@cqo/contracts';
import { FieldLabel, PageQuery, MaxVersion, SortQuery, RegionQuery, BoolQuery, OptionalIn } from '@cqo/server-common';

const YEAR_MESSAGE = { message: '年度应为 2000–2100 的整数' };

/** The calendar's own rules (order of dates, ranges) are `validateFilingSettings` in libs/policy. */
export class UpdateFilingSettingsDto implements UpdateFilingSettingsRequest {
  @ApiProperty({ example: '2026-11-01' }) @FieldLabel('填报开始日期') @IsString()
  windowOpens!: string;

  @ApiProperty({ example: '2026-12-15' }) @FieldLabel('企业报送截止日期') @IsString()
  enterpriseDeadline!: string;

  @ApiProperty({ example: '2026-12-31' }) @FieldLabel('市州报送截止日期') @IsString()
  cityDeadline!: string;

  @ApiProperty({ example: [7, 1] }) @FieldLabel('截止前提醒天数') @IsArray() @ArrayMaxSize(10) @IsInt({ each: true, message: '截止前提醒天数须为整数' })
  reminderDaysBefore!: number[];

  @ApiProperty({ example: 7 }) @FieldLabel('逾期提醒间隔') @IsInt({ message: '逾期提醒间隔须为整数' })
  overdueEveryDays!: number;
}

/** The report's fields are checked by `validateAnnualReport` (libs/policy), the same rules the form runs. */
export class AnnualReportDataDto implements AnnualReportData {
  @ApiProperty({ nullable: true }) @Allow()
  hasAppraisalSystem!: boolean | null;

  @ApiProperty({ nullable: true }) @Allow()
  appraisalResult!: AnnualReportData['appraisalResult'];

  @ApiProperty({ nullable: true }) @Allow()
  appraisalDecision!: AnnualReportData['appraisalDecision'];

  @ApiProperty({ nullable: true }) @Allow()
  qualityFund!: number | null;

  @ApiProperty({ example: { 一般: 0, 较大: 0, 重大: 0, 特别重大: 0 } }) @FieldLabel('质量安全事故') @IsObject()
  accidents!: AnnualReportData['accidents'];

  @ApiProperty() @FieldLabel('质量荣誉') @IsString()
  honours!: string;

  @ApiProperty() @FieldLabel('首席质量官履职情况') @IsString()
  dutiesNarrative!: string;

  @ApiProperty() @FieldLabel('存在问题及下一年度工作计划') @IsString()
  problemsAndPlans!: string;
}

export class SaveAnnualReportDto implements SaveAnnualReportRequest {
  @ApiProperty({ type: AnnualReportDataDto }) @FieldLabel('报告内容')
  @IsDefined({ message: '请填写报告内容' }) @IsObject({ message: '报告内容格式有误' }) @ValidateNested() @Type(() => AnnualReportDataDto)
  data!: AnnualReportDataDto;

  @ApiProperty({ description: 'The version last read (0 for a new report)' }) @FieldLabel('版本') @IsInt({ message: '版本应为整数' }) @Min(0)
  @MaxVersion()
  version!: number;
}

export class SubmitAnnualReportDto extends SaveAnnualReportDto implements SubmitAnnualReportRequest {
  @ApiPropertyOptional() @FieldLabel('上报说明') @IsOptional() @IsString()
  explanation?: string;
}

export class ReviewDto implements ReviewRequest {
  @ApiProperty() @FieldLabel('版本') @IsInt({ message: '版本应为整数' }) @Min(1)
  @MaxVersion()
  version!: number;

  @ApiPropertyOptional() @FieldLabel('原因') @IsOptional() @IsString()
  reason?: string;
}

export class BulkAcceptDto implements BulkAcceptRequest {
  @ApiProperty({ type: [String] }) @FieldLabel('报告') @IsArray() @ArrayMaxSize(500, { message: '一次最多批量受理 500 份报告' })
  @IsUUID('all', { each: true, message: '报告编号格式不正确' })
  ids!: string[];
}


export class ReviewQueueQueryDto extends PageQuery() implements ReviewQueueQuery {
  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt(YEAR_MESSAGE) @Min(2000, YEAR_MESSAGE) @Max(2100, YEAR_MESSAGE)
  year?: number;

  @RegionQuery()
  regionCode?: string;

  @OptionalIn('状态', [...REPORT_STATUSES, 'all'], '状态应为 draft、submitted、returned、accepted 或 all')
  status?: ReportStatus | 'all';

  @BoolQuery('提示性规则')
  softHits?: boolean;

  @FieldLabel('企业名称或信用代码') @IsOptional() @IsString() @MaxLength(64)
  q?: string;
}

const PROGRESS_FILTERS = ['not-started', ...REPORT_STATUSES, 'late', 'overdue'] as const;

export class FilingStatusQueryDto extends PageQuery() implements FilingStatusQuery {
  @FieldLabel('年度') @IsOptional() @Type(() => Number) @IsInt(YEAR_MESSAGE) @Min(2000, YEAR_MESSAGE) @Max(2100, YEAR_MESSAGE)
  year?: number;

  @RegionQuery()
  regionCode?: string;

  @OptionalIn('状态', PROGRESS_FILTERS, `状态应为 ${PROGRESS_FILTERS.join('、')} 之一`)
  status?: ReportProgress | 'late' | 'overdue';

  @SortQuery(FILING_STATUS_SORT_KEYS)
  sort?: SortParam<FilingStatusSortKey>;
}

export class RemindDto implements RemindRequest {
  @ApiProperty() @FieldLabel('年度') @Type(() => Number) @IsInt(YEAR_MESSAGE) @Min(2000, YEAR_MESSAGE) @Max(2100, YEAR_MESSAGE)
  year!: number;

  @ApiPropertyOptional({ type: [String] }) @FieldLabel('企业') @IsOptional() @IsArray() @ArrayMaxSize(5000)
  @IsUUID('all', { each: true, message: '企业编号格式不正确' })
  enterpriseIds?: string[];
}

export class SaveCityReportDto implements SaveCityReportRequest {
  @ApiProperty() @FieldLabel('推进情况') @IsString() @MaxLength(20000, { message: '推进情况不能超过 20000 字' })
  narrative!: string;

  @ApiProperty() @FieldLabel('版本') @IsInt({ message: '版本应为整数' }) @Min(0)
  @MaxVersion()
  version!: number;
}

export class NotificationQueryDto extends PageQuery(100) {
  @BoolQuery('仅未读')
  unreadOnly?: boolean;
}
