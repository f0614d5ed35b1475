import { Body, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { EnterpriseChangeRequest, Page } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { ChangeRequestQueryDto, RejectChangeRequestDto } from './dtos/change-request.dto';
import { EnterpriseChangeRequestsService } from './enterprise-change-requests.service';

/** Enterprise self-edits of 规上, size, awards and region awaiting an officer (issue 18 item 4). */
@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('enterprise-change-requests')
export class EnterpriseChangeRequestsController {
  constructor(private readonly requests: EnterpriseChangeRequestsService) {}

  @Get()
  @Roles('enterprise', 'county', 'city', 'province')
  list(@CurrentActor() actor: Actor, @Query() q: ChangeRequestQueryDto): Promise<Page<EnterpriseChangeRequest>> {
    return this.requests.list(actor, q);
  }

  @Get(':id')
  @Roles('enterprise', 'county', 'city', 'province')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EnterpriseChangeRequest> {
    return this.requests.get(actor, id);
  }

  @Action(':id/approve', 'county', 'city', 'province')
  approve(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EnterpriseChangeRequest> {
    return this.requests.approve(actor, id);
  }

  @Action(':id/reject', 'county', 'city', 'province')
  reject(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: RejectChangeRequestDto): Promise<EnterpriseChangeRequest> {
    return this.requests.reject(actor, id, dto.reason);
  }
}
