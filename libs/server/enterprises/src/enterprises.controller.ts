import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { EnterpriseChangeRequest, EnterpriseDetail, EnterpriseListItem, Page } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { CreateEnterpriseDto } from './dtos/create-enterprise.dto';
import { EnterpriseQueryDto } from './dtos/enterprise-query.dto';
import { UpdateEnterpriseDto } from './dtos/update-enterprise.dto';
import { CloseEnterpriseDto, ReopenEnterpriseDto } from './dtos/close-enterprise.dto';
import { EnterpriseClosingService } from './enterprise-closing.service';
import { EnterprisesService } from './enterprises.service';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('enterprises')
export class EnterprisesController {
  constructor(
    private readonly enterprises: EnterprisesService,
    private readonly closing: EnterpriseClosingService,
  ) {}

  @Get()
  @Roles('county', 'city', 'province', 'admin')
  list(@CurrentActor() actor: Actor, @Query() query: EnterpriseQueryDto): Promise<Page<EnterpriseListItem>> {
    return this.enterprises.list(actor, query);
  }

  @Post()
  @Roles('county', 'city', 'province')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateEnterpriseDto): Promise<EnterpriseDetail> {
    return this.enterprises.create(actor, dto);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EnterpriseDetail> {
    return this.enterprises.get(actor, id);
  }

  /** 200 with the enterprise when applied; 202 with the pending change request when an enterprise asked for a reviewed field. */
  @Patch(':id')
  @Roles('enterprise', 'county', 'city', 'province')
  @ApiOkResponse({ description: 'applied' })
  @ApiAcceptedResponse({ description: 'an enterprise self-edit of 规上/size/awards/region, pending an officer (issue 18 item 4)' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: UpdateEnterpriseDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnterpriseDetail | EnterpriseChangeRequest> {
    const outcome = await this.enterprises.update(actor, id, dto);
    if (outcome.kind === 'applied') return outcome.enterprise;
    res.status(202);
    return outcome.request;
  }

  /** 注销 / 吊销 / 迁出 from a date on (issue 17): counted before that date only; its CQO's term ends then. */
  @Action(':id/close', 'county', 'city', 'province')
  close(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CloseEnterpriseDto): Promise<EnterpriseDetail> {
    return this.closing.close(actor, id, dto);
  }

  /** Open again from a date on (the closing keeps its days). */
  @Action(':id/reopen', 'county', 'city', 'province')
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReopenEnterpriseDto): Promise<EnterpriseDetail> {
    return this.closing.reopen(actor, id, dto);
  }
}
