import { Body, Controller, Get, Param, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CityReportDetail, CityReportListItem } from '@cqo/contracts';
import { download, Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { CityReportsService } from './city-reports.service';
import { ReviewDto, SaveCityReportDto } from './dtos/filings.dto';
import { YEAR } from './year.pipe';

@ApiTags('filings')
@ApiBearerAuth()
@Controller('city-reports')
export class CityReportsController {
  constructor(private readonly reports: CityReportsService) {}

  @Get()
  @Roles('city', 'province', 'admin')
  list(@CurrentActor() actor: Actor, @Query('year', YEAR) year: number): Promise<CityReportListItem[]> {
    return this.reports.list(actor, year);
  }

  @Get(':regionCode/:year')
  @Roles('city', 'province', 'admin')
  get(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number): Promise<CityReportDetail> {
    return this.reports.get(actor, code, year);
  }

  /** The 统计表 kept with the current submission (the same file on every download). */
  @Get(':regionCode/:year/attachment')
  @Roles('city', 'province')
  async attachment(
    @CurrentActor() actor: Actor,
    @Param('regionCode') code: string,
    @Param('year', YEAR) year: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.reports.attachment(actor, code, year);
    return download(res, { fileName: file.fileName, content: file.stream, size: file.size, sha256: file.sha256 });
  }

  @Put(':regionCode/:year')
  @Roles('city')
  save(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: SaveCityReportDto): Promise<CityReportDetail> {
    return this.reports.save(actor, code, year, dto.narrative, dto.version);
  }

  @Action(':regionCode/:year/submit', 'city')
  submit(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: SaveCityReportDto): Promise<CityReportDetail> {
    return this.reports.submit(actor, code, year, dto.narrative, dto.version);
  }

  @Action(':regionCode/:year/accept', 'province')
  accept(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: ReviewDto): Promise<CityReportDetail> {
    return this.reports.review(actor, code, year, 'accept', dto.version, dto.reason);
  }

  @Action(':regionCode/:year/return', 'province')
  return(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: ReviewDto): Promise<CityReportDetail> {
    return this.reports.review(actor, code, year, 'return', dto.version, dto.reason);
  }
}
