import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { OverviewResponse } from '@cqo/contracts';
import { CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { OverviewQueryDto } from './dtos/overview-query.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @Roles('county', 'city', 'province', 'admin')
  overview(@CurrentActor() actor: Actor, @Query() query: OverviewQueryDto): Promise<OverviewResponse> {
    return this.stats.overview(actor, query.region, query.year);
  }
}
