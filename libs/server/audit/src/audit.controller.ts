import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { AuditEntry, Page } from '@cqo/contracts';
import { FieldLabel, Roles } from '@cqo/server-common';
import { AuditService } from './audit.service';

export class AuditQueryDto {
  @FieldLabel('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page = 1;

  @FieldLabel('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize = 20;

  @FieldLabel('操作') @IsOptional() @IsString() @MaxLength(64)
  action?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'province')
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEntry>> {
    return this.audit.list(query);
  }
}
