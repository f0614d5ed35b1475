import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CERTIFICATE_STATUSES, CQO_GRADES, EVALUATION_SCHEMES, EVALUATION_STATUSES, MANUAL_CERTIFICATE_STATUSES, type AcceptEvaluationRequest, type AddTalentRequest, type AppointPanelRequest, type CertificateQuery, type CertificateStatus, type CertificateStatusRequest, type ClearReviewFlagRequest, type ConsolidateRequest, type CqoGrade, type EvaluationApplicationQuery, type EvaluationApplicationRequest, type EvaluationScheme, type EvaluationStatus, type GradePreviewRequest, type InterviewRequest, type ManualCertificateStatus, type RemoveTalentRequest, type ResubmitEvaluationRequest, type ReturnEvaluationRequest, type RevocationDecisionRequest, type ScoreMap, type ScoreSheetRequest, type TalentPoolQuery, type UpdateEvaluationSettingsRequest, type YearlyReviewRating, type YearlyReviewRequest, YEARLY_REVIEW_RATINGS } from '@cqo/contracts';
import { FieldLabel, PageQuery, MaxVersion, RegionQuery, BoolQuery, OptionalIn } from '@cqo/server-common';

const SCHEME_MSG = '评价标准应为 zhejiang（浙江）或 hunan（湖南）';
const GRADE_MSG = '等级应为 AAA、AAAA 或 AAAAA';

export class EvaluationApplicationDto implements EvaluationApplicationRequest {
  @ApiProperty({ enum: EVALUATION_SCHEMES }) @FieldLabel('评价标准') @IsIn(EVALUATION_SCHEMES, { message: SCHEME_MSG })
  scheme!: EvaluationScheme;

  @ApiProperty({ enum: CQO_GRADES }) @FieldLabel('申报等级') @IsIn(CQO_GRADES, { message: GRADE_MSG })
  appliedGrade!: CqoGrade;

  @ApiProperty() @FieldLabel('相关工作经验年限') @IsInt({ message: '相关工作经验年限应为整数' }) @Min(0) @Max(60)
  experienceYears!: number;

  @ApiProperty() @FieldLabel('是否持有首席质量官证书') @IsBoolean({ message: '是否持有首席质量官证书应为是或否' })
  hasCertificate!: boolean;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) @FieldLabel('自评分') @IsObject({ message: '自评分应为“指标编号: 分值”的对象' })
  selfAssessment!: ScoreMap;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('申请报告') @IsOptional() @IsString() @MaxLength(20000, { message: '申请报告不能超过20000个字符' })
  statement?: string | null;

  @ApiProperty() @FieldLabel('所在组织推荐意见') @IsString() @IsNotEmpty({ message: '所在组织推荐意见不能为空' }) @MaxLength(5000, { message: '推荐意见不能超过5000个字符' })
  recommendation!: string;
}

export class ResubmitEvaluationDto extends EvaluationApplicationDto implements ResubmitEvaluationRequest {
  @ApiProperty() @FieldLabel('版本') @IsInt() @Min(1)
  @MaxVersion()
  version!: number;
}

export class AcceptEvaluationDto implements AcceptEvaluationRequest {
  @ApiPropertyOptional({ nullable: true }) @FieldLabel('受理意见') @IsOptional() @IsString() @MaxLength(2000)
  note?: string | null;
}

export class ReturnEvaluationDto implements ReturnEvaluationRequest {
  @ApiProperty() @FieldLabel('补充完善意见') @IsString() @IsNotEmpty({ message: '请填写需要补充完善的内容' }) @MaxLength(5000)
  reasons!: string;
}

export class AppointPanelDto implements AppointPanelRequest {
  @ApiProperty() @FieldLabel('评价组长') @IsUUID('all', { message: '请选择评价组长' })
  leaderId!: string;

  @ApiProperty({ type: [String] }) @FieldLabel('评价组成员') @IsArray() @ArrayMinSize(1, { message: '评价组除组长外至少应有一名成员' }) @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: '评价组成员编号格式不正确' })
  memberIds!: string[];
}

export class ScoreSheetDto implements ScoreSheetRequest {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) @FieldLabel('各指标得分') @IsObject({ message: '评分应为“指标编号: 分值”的对象' })
  scores!: ScoreMap;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('评分意见') @IsOptional() @IsString() @MaxLength(5000)
  comment?: string | null;
}

export class ConsolidateDto extends ScoreSheetDto implements ConsolidateRequest {
  @ApiPropertyOptional({ nullable: true }) @FieldLabel('认定结论') @IsOptional() @IsString() @MaxLength(5000)
  conclusion?: string | null;
}

export class InterviewDto implements InterviewRequest {
  @ApiProperty({ example: '2026-05-01' }) @FieldLabel('日期') @IsDateString({ strict: true }, { message: '日期应为YYYY-MM-DD格式的有效日期' })
  date!: string;

  @ApiProperty() @FieldLabel('记录') @IsString() @IsNotEmpty({ message: '记录不能为空' }) @MaxLength(5000)
  notes!: string;
}

export class GradePreviewDto implements GradePreviewRequest {
  @ApiProperty({ enum: EVALUATION_SCHEMES }) @FieldLabel('评价标准') @IsIn(EVALUATION_SCHEMES, { message: SCHEME_MSG })
  scheme!: EvaluationScheme;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) @FieldLabel('各指标得分') @IsObject({ message: '评分应为“指标编号: 分值”的对象' })
  scores!: ScoreMap;

  @ApiPropertyOptional({ enum: CQO_GRADES }) @OptionalIn('申报等级', CQO_GRADES, GRADE_MSG)
  applied?: CqoGrade;

  @ApiPropertyOptional() @FieldLabel('相关工作经验年限') @IsOptional() @IsInt() @Min(0) @Max(60)
  experienceYears?: number;

  @ApiPropertyOptional() @FieldLabel('是否持有首席质量官证书') @IsOptional() @IsBoolean()
  hasCertificate?: boolean;
}

export class ApplicationQueryDto extends PageQuery() implements EvaluationApplicationQuery {
  @OptionalIn('状态', EVALUATION_STATUSES, '状态不在规定的取值中')
  status?: EvaluationStatus;

  @OptionalIn('评价标准', EVALUATION_SCHEMES, SCHEME_MSG)
  scheme?: EvaluationScheme;

  @BoolQuery('仅我参与的')
  mine?: boolean;
}

export class CertificateQueryDto extends PageQuery() implements CertificateQuery {
  @OptionalIn('状态', CERTIFICATE_STATUSES, '证书状态不在规定的取值中')
  status?: CertificateStatus;

  @OptionalIn('等级', CQO_GRADES, GRADE_MSG)
  grade?: CqoGrade;

  @RegionQuery()
  region?: string;

  @BoolQuery('待复核')
  reviewFlag?: boolean;

  @FieldLabel('关键字') @IsOptional() @IsString() @MaxLength(50)
  q?: string;
}

export class CertificateStatusDto implements CertificateStatusRequest {
  @ApiProperty({ enum: MANUAL_CERTIFICATE_STATUSES }) @FieldLabel('证书状态') @IsIn(MANUAL_CERTIFICATE_STATUSES, { message: '证书状态应为 valid/suspended/terminated/revoked 之一' })
  status!: ManualCertificateStatus;

  @ApiProperty() @FieldLabel('原因') @IsString() @IsNotEmpty({ message: '请填写原因' }) @MaxLength(2000)
  reason!: string;
}

export class ClearReviewFlagDto implements ClearReviewFlagRequest {
  @ApiProperty() @FieldLabel('复核意见') @IsString() @IsNotEmpty({ message: '请填写复核意见' }) @MaxLength(2000)
  note!: string;
}

export class RevocationDecisionDto implements RevocationDecisionRequest {
  @ApiProperty() @FieldLabel('理由') @IsString({ message: '请填写理由' }) @IsNotEmpty({ message: '请填写理由' }) @MaxLength(2000, { message: '理由不能超过2000个字符' })
  reason!: string;
}

export class YearlyReviewDto implements YearlyReviewRequest {
  @ApiProperty() @FieldLabel('年度') @IsInt() @Min(2000) @Max(2100)
  year!: number;

  @ApiProperty({ enum: YEARLY_REVIEW_RATINGS }) @FieldLabel('评价结果') @IsIn(YEARLY_REVIEW_RATINGS, { message: `评价结果应为${YEARLY_REVIEW_RATINGS.join('/')}之一` })
  rating!: YearlyReviewRating;

  @ApiProperty() @FieldLabel('履职情况总结') @IsString() @IsNotEmpty({ message: '请填写履职情况总结' }) @MaxLength(5000)
  summary!: string;
}

export class TalentPoolQueryDto extends PageQuery() implements TalentPoolQuery {
  @OptionalIn('等级', CQO_GRADES, GRADE_MSG)
  grade?: CqoGrade;

  @RegionQuery()
  region?: string;
}

export class AddTalentDto implements AddTalentRequest {
  @ApiProperty() @FieldLabel('证书') @IsUUID('all', { message: '证书编号格式不正确' })
  certificateId!: string;

  @ApiPropertyOptional({ nullable: true }) @FieldLabel('推荐说明') @IsOptional() @IsString() @MaxLength(2000)
  note?: string | null;
}

export class RemoveTalentDto implements RemoveTalentRequest {
  @ApiProperty() @FieldLabel('移出原因') @IsString() @IsNotEmpty({ message: '请填写移出原因' }) @MaxLength(2000)
  reason!: string;
}

export class GradeBandDto {
  @ApiProperty({ enum: CQO_GRADES }) @IsIn(CQO_GRADES, { message: GRADE_MSG })
  grade!: CqoGrade;

  @ApiProperty() @IsInt() @Min(0) @Max(1000)
  minTotal!: number;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(1000)
  maxTotal!: number | null;
}

export class UpdateEvaluationSettingsDto implements UpdateEvaluationSettingsRequest {
  @ApiPropertyOptional() @FieldLabel('证书有效期（年）') @IsOptional() @IsInt() @Min(1) @Max(10)
  validityYears?: number;

  @ApiPropertyOptional() @FieldLabel('认定主体名称') @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  issuingBody?: string;

  @ApiPropertyOptional({ type: [GradeBandDto] }) @FieldLabel('浙江标准等级分值') @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => GradeBandDto)
  zhejiangBands?: GradeBandDto[];
}
