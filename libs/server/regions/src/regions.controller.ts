import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RegionNode } from '@cqo/contracts';
import { CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
@Roles('county', 'city', 'province', 'admin', 'evaluator')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('scope')
  async scope(@CurrentActor() actor: Actor): Promise<RegionNode> {
    return this.regions.node(await this.regions.scopeRoot(actor));
  }

  @Get(':code/children')
  children(@CurrentActor() actor: Actor, @Param('code') code: string): Promise<RegionNode[]> {
    return this.regions.children(actor, code);
  }
}
