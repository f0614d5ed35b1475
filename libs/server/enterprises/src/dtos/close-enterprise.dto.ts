import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsDefined, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { CLOSING_REASONS, ENTERPRISE_LIMITS, type CloseEnterpriseRequest, type ClosingReason, type ReopenEnterpriseRequest } from '@cqo/contracts';
import { FieldLabel, MaxVersion } from '@cqo/server-common';

const DATE = { strict: true } as const;
const dateMsg = (label: string) => ({ message: `${label}应为YYYY-MM-DD格式的有效日期` });
const VERSION_MSG = { message: '缺少版本号，请刷新后重试' };

export class CloseEnterpriseDto implements CloseEnterpriseRequest {
  /** The first day the enterprise is closed: it counts in the figures of earlier dates only. */
  @ApiProperty({ example: '2026-06-01' }) @FieldLabel('注销日期') @IsDefined({ message: '请填写注销日期' }) @IsDateString(DATE, dateMsg('注销日期'))
  closedOn!: string;

  @ApiProperty({ enum: CLOSING_REASONS }) @FieldLabel('注销原因')
  @IsDefined({ message: '请选择注销原因' }) @IsIn(CLOSING_REASONS, { message: `注销原因应为${CLOSING_REASONS.join('/')}之一` })
  reason!: ClosingReason;

  @ApiPropertyOptional() @FieldLabel('说明') @IsOptional() @IsString() @MaxLength(ENTERPRISE_LIMITS.closingNote, { message: `说明不能超过${ENTERPRISE_LIMITS.closingNote}个字符` })
  note?: string;

  @ApiProperty() @FieldLabel('版本') @IsDefined(VERSION_MSG) @IsInt({ message: '版本应为整数' }) @Min(1, { message: '版本应为正整数' })
  @MaxVersion()
  version!: number;
}

export class ReopenEnterpriseDto implements ReopenEnterpriseRequest {
  /** The first day the enterprise is open again. */
  @ApiProperty({ example: '2026-09-01' }) @FieldLabel('恢复日期') @IsDefined({ message: '请填写恢复日期' }) @IsDateString(DATE, dateMsg('恢复日期'))
  reopenedOn!: string;

  @ApiProperty() @FieldLabel('版本') @IsDefined(VERSION_MSG) @IsInt({ message: '版本应为整数' }) @Min(1, { message: '版本应为正整数' })
  @MaxVersion()
  version!: number;
}
