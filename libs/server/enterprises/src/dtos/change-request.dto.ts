import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CHANGE_REQUEST_STATUSES, ENTERPRISE_LIMITS, type ChangeRequestStatus, type EnterpriseChangeRequestQuery, type RejectChangeRequestRequest } from '@cqo/contracts';
import { FieldLabel, PageQuery } from '@cqo/server-common';

export class ChangeRequestQueryDto extends PageQuery() implements EnterpriseChangeRequestQuery {
  @ApiPropertyOptional({ enum: CHANGE_REQUEST_STATUSES }) @FieldLabel('状态')
  @IsOptional() @IsIn(CHANGE_REQUEST_STATUSES, { message: `状态应为${CHANGE_REQUEST_STATUSES.join('/')}之一` })
  status?: ChangeRequestStatus;

  @ApiPropertyOptional() @FieldLabel('企业') @IsOptional() @IsUUID('all', { message: '企业编号格式不正确' })
  enterpriseId?: string;
}

export class RejectChangeRequestDto implements RejectChangeRequestRequest {
  @ApiProperty() @FieldLabel('不予通过的理由')
  @IsString() @IsNotEmpty({ message: '请填写不予通过的理由' }) @MaxLength(ENTERPRISE_LIMITS.rejectReason, { message: `理由不能超过${ENTERPRISE_LIMITS.rejectReason}个字符` })
  reason!: string;
}
