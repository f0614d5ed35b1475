import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { EnterpriseDetail, EnterpriseListItem, Page } from '@cqo/contracts';
import { CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { CreateEnterpriseDto } from './dtos/create-enterprise.dto';
import { EnterpriseQueryDto } from './dtos/enterprise-query.dto';
import { UpdateEnterpriseDto } from './dtos/update-enterprise.dto';
import { EnterprisesService } from './enterprises.service';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

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

  @Patch(':id')
  @Roles('enterprise', 'county', 'city', 'province')
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateEnterpriseDto): Promise<EnterpriseDetail> {
    return this.enterprises.update(actor, id, dto);
  }
}
