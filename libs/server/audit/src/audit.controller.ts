import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AUDIT_SORT_KEYS, type AuditEntry, type AuditSortKey, type Page, type SortParam } from '@cqo/contracts';
import { AppException, FieldLabel, PageQuery, Roles, SortQuery } from '@cqo/server-common';
import { AuditService } from './audit.service';

export class AuditQueryDto extends PageQuery() {
  @FieldLabel('操作') @IsOptional() @IsString() @MaxLength(64)
  action?: string;

  /** The acting account's username, exact (issue 20 item 6). */
  @FieldLabel('操作人') @IsOptional() @IsString() @MaxLength(64)
  actor?: string;

  /** First day (China time) of the range, inclusive. */
  @FieldLabel('开始日期') @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '开始日期应为YYYY-MM-DD格式的有效日期' })
  @IsDateString({ strict: true }, { message: '开始日期应为YYYY-MM-DD格式的有效日期' })
  from?: string;

  /** Last day (China time) of the range, inclusive. */
  @FieldLabel('结束日期') @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '结束日期应为YYYY-MM-DD格式的有效日期' })
  @IsDateString({ strict: true }, { message: '结束日期应为YYYY-MM-DD格式的有效日期' })
  to?: string;

  /** Issue 20 item 3: a whitelisted column; an unknown one is a 400 on `sort`. Default newest first. */
  @SortQuery(AUDIT_SORT_KEYS)
  sort?: SortParam<AuditSortKey>;
}

/** The range check shared by the list and its export. */
export function checkAuditRange(query: Pick<AuditQueryDto, 'from' | 'to'>): void {
  if (query.from && query.to && query.from > query.to) {
    throw AppException.validation([{ field: 'to', code: 'range', message: '结束日期不能早于开始日期' }]);
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'province')
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEntry>> {
    checkAuditRange(query);
    return this.audit.list(query);
  }
}
