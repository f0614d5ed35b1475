import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type {
  AnnualReportDetail,
  BulkAcceptResult,
  CityReportDetail,
  CityReportListItem,
  FilingSettings,
  FilingStatusResponse,
  NotificationItem,
  NotificationList,
  Page,
  RemindResult,
  ReviewQueueItem,
} from '@cqo/contracts';
import { AppException, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { AnnualReportsService } from './annual-reports.service';
import { CityReportsService } from './city-reports.service';
import {
  BulkAcceptDto,
  FilingStatusQueryDto,
  NotificationQueryDto,
  RemindDto,
  ReviewDto,
  ReviewQueueQueryDto,
  SaveAnnualReportDto,
  SaveCityReportDto,
  SubmitAnnualReportDto,
  UpdateFilingSettingsDto,
} from './dtos/filings.dto';
import { FilingSettingsService } from './filing-settings.service';
import { NotificationsService } from './notifications.service';
import { RemindersService } from './reminders.service';

/** A year in the path: a clear field error, not a 500, for `/abc`. */
const YEAR = new ParseIntPipe({ exceptionFactory: () => AppException.validation([{ field: 'year', code: 'int', message: '年度应为整数' }]) });

@ApiTags('filings')
@ApiBearerAuth()
@Controller('filing-settings')
export class FilingSettingsController {
  constructor(private readonly settings: FilingSettingsService) {}

  @Get(':year')
  get(@Param('year', YEAR) year: number): Promise<FilingSettings> {
    return this.settings.forYear(year);
  }

  @Put(':year')
  @Roles('province')
  update(@CurrentActor() actor: Actor, @Param('year', YEAR) year: number, @Body() dto: UpdateFilingSettingsDto): Promise<FilingSettings> {
    return this.settings.update(actor, year, dto);
  }
}

@ApiTags('filings')
@ApiBearerAuth()
@Controller('annual-reports')
export class AnnualReportsController {
  constructor(
    private readonly reports: AnnualReportsService,
    private readonly reminders: RemindersService,
  ) {}

  @Get('queue')
  @Roles('city', 'county', 'province', 'admin')
  queue(@CurrentActor() actor: Actor, @Query() q: ReviewQueueQueryDto): Promise<Page<ReviewQueueItem>> {
    return this.reports.queue(actor, q);
  }

  @Get('status')
  @Roles('city', 'county', 'province', 'admin')
  status(@CurrentActor() actor: Actor, @Query() q: FilingStatusQueryDto): Promise<FilingStatusResponse> {
    return this.reminders.status(actor, q);
  }

  /** 催报. */
  @Post('remind')
  @HttpCode(200)
  @Roles('city', 'county', 'province')
  remind(@CurrentActor() actor: Actor, @Body() dto: RemindDto): Promise<RemindResult> {
    return this.reminders.remind(actor, dto);
  }

  @Post('bulk-accept')
  @HttpCode(200)
  @Roles('city', 'county')
  bulkAccept(@CurrentActor() actor: Actor, @Body() dto: BulkAcceptDto): Promise<BulkAcceptResult> {
    return this.reports.bulkAccept(actor, dto.ids);
  }

  // A report names the enterprise's CQO: not admin, which is system administration only (SPEC §1, issue 18 item 8).
  @Get('by-enterprise/:enterpriseId/:year')
  @Roles('enterprise', 'county', 'city', 'province')
  get(@CurrentActor() actor: Actor, @Param('enterpriseId') enterpriseId: string, @Param('year', YEAR) year: number): Promise<AnnualReportDetail> {
    return this.reports.get(actor, enterpriseId, year);
  }

  /** 保存草稿. */
  @Put('by-enterprise/:enterpriseId/:year')
  @Roles('enterprise')
  save(
    @CurrentActor() actor: Actor,
    @Param('enterpriseId') enterpriseId: string,
    @Param('year', YEAR) year: number,
    @Body() dto: SaveAnnualReportDto,
  ): Promise<AnnualReportDetail> {
    return this.reports.save(actor, enterpriseId, year, dto);
  }

  @Post('by-enterprise/:enterpriseId/:year/submit')
  @HttpCode(200)
  @Roles('enterprise')
  submit(
    @CurrentActor() actor: Actor,
    @Param('enterpriseId') enterpriseId: string,
    @Param('year', YEAR) year: number,
    @Body() dto: SubmitAnnualReportDto,
  ): Promise<AnnualReportDetail> {
    return this.reports.submit(actor, enterpriseId, year, dto);
  }

  @Get(':id')
  @Roles('enterprise', 'county', 'city', 'province')
  getById(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AnnualReportDetail> {
    return this.reports.getById(actor, id);
  }

  /** 受理. */
  @Post(':id/accept')
  @HttpCode(200)
  @Roles('city', 'county')
  accept(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReviewDto): Promise<AnnualReportDetail> {
    return this.reports.accept(actor, id, dto.version, dto.reason);
  }

  /** 退回 (with a reason). */
  @Post(':id/return')
  @HttpCode(200)
  @Roles('city', 'county')
  return(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReviewDto): Promise<AnnualReportDetail> {
    return this.reports.return(actor, id, dto.version, dto.reason);
  }
}

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
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('ETag', `"${file.sha256}"`);
    return new StreamableFile(file.stream);
  }

  @Put(':regionCode/:year')
  @Roles('city')
  save(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: SaveCityReportDto): Promise<CityReportDetail> {
    return this.reports.save(actor, code, year, dto.narrative, dto.version);
  }

  @Post(':regionCode/:year/submit')
  @HttpCode(200)
  @Roles('city')
  submit(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: SaveCityReportDto): Promise<CityReportDetail> {
    return this.reports.submit(actor, code, year, dto.narrative, dto.version);
  }

  @Post(':regionCode/:year/accept')
  @HttpCode(200)
  @Roles('province')
  accept(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: ReviewDto): Promise<CityReportDetail> {
    return this.reports.review(actor, code, year, 'accept', dto.version, dto.reason);
  }

  @Post(':regionCode/:year/return')
  @HttpCode(200)
  @Roles('province')
  return(@CurrentActor() actor: Actor, @Param('regionCode') code: string, @Param('year', YEAR) year: number, @Body() dto: ReviewDto): Promise<CityReportDetail> {
    return this.reports.review(actor, code, year, 'return', dto.version, dto.reason);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: NotificationQueryDto): Promise<NotificationList> {
    return this.notifications.list(actor, q);
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@CurrentActor() actor: Actor): Promise<{ updated: number }> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<NotificationItem> {
    return this.notifications.markRead(actor, id);
  }
}
