import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AssessmentResponse, RegionStats, StatRunInfo, StatSettings } from '@cqo/contracts';
import { yearOf } from '@cqo/policy';
import { Accepted, AppException, Clock, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { AssessmentQueryDto, DashboardQueryDto, RebuildDto, RegionStatsQueryDto, SaveStatSettingsDto } from './dtos/stats.dto';
import { SnapshotService } from './snapshot.service';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    private readonly snapshots: SnapshotService,
    private readonly clock: Clock,
  ) {}

  private year(y: number | undefined): number {
    return y ?? yearOf(this.clock.today());
  }

  /** The dashboard of a region (default: the user's scope) for a year, from the current snapshot. */
  @Get('dashboard')
  @Roles('county', 'city', 'province', 'admin')
  @ApiOkResponse({ description: 'DashboardResponse (libs/contracts/src/stats.ts), sent as cached JSON text with a weak ETag' })
  async dashboard(@CurrentActor() actor: Actor, @Query() q: DashboardQueryDto, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { json, etag } = await this.stats.dashboardJson(actor, q.region, this.year(q.year));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    // Express answers 304 to a matching If-None-Match, as for any ETag.
    res.setHeader('ETag', etag);
    return json;
  }

  /** SPEC §9's stats JSON of one region (the same as `cqo stats`). */
  @Get('regions/:code')
  @Roles('county', 'city', 'province', 'admin')
  region(@CurrentActor() actor: Actor, @Param('code') code: string, @Query() q: RegionStatsQueryDto): Promise<RegionStats> {
    if (!/^\d{6}$/.test(code)) throw AppException.notFound('地区');
    return this.stats.statsFor(actor, code, this.year(q.year), q.asOf);
  }

  /** The yearly 市州 assessment (考核), ranked, with each part of the score. */
  @Get('assessment')
  @Roles('province', 'admin')
  assessment(@Query() q: AssessmentQueryDto): Promise<AssessmentResponse> {
    return this.stats.assessment(this.year(q.year), q.sort);
  }

  @Get('settings')
  @Roles('county', 'city', 'province', 'admin')
  settings(): Promise<StatSettings> {
    return this.stats.settings();
  }

  @Put('settings')
  @Roles('province')
  saveSettings(@CurrentActor() actor: Actor, @Body() body: SaveStatSettingsDto): Promise<StatSettings> {
    return this.stats.saveSettings(actor, body.targets, body.weights);
  }

  @Get('runs')
  @Roles('province', 'admin')
  runs(): Promise<StatRunInfo[]> {
    return this.snapshots.runs();
  }

  @Accepted('rebuild', 'province', 'admin')
  rebuild(@CurrentActor() actor: Actor, @Body() body: RebuildDto): Promise<{ queued: true }> {
    return this.stats.requestRebuild(actor, body.year);
  }

  /** The configured province GeoJSON for the map view (404 when none is configured). */
  @Get('geojson')
  @Roles('county', 'city', 'province', 'admin')
  geoJson(): Promise<unknown> {
    return this.stats.geoJson();
  }
}
