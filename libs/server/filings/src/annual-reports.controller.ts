import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AnnualReportDetail, BulkAcceptResult, FilingStatusResponse, Page, RemindResult, ReviewQueueItem } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import type { DeliveryItem } from '@cqo/server-messaging';
import { AnnualReportsService } from './annual-reports.service';
import { BulkAcceptDto, FilingStatusQueryDto, RemindDto, ReviewDto, ReviewQueueQueryDto, SaveAnnualReportDto, SubmitAnnualReportDto } from './dtos/filings.dto';
import { RemindersService } from './reminders.service';
import { YEAR } from './year.pipe';

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

  /** The e-mail / SMS log of one enterprise's 催报 and other messages (issue 22; addresses masked). */
  @Get('status/messages')
  @Roles('city', 'county', 'province')
  messages(@CurrentActor() actor: Actor, @Query('enterpriseId') enterpriseId: string): Promise<{ items: DeliveryItem[] }> {
    return this.reminders.messages(actor, String(enterpriseId ?? ''));
  }

  /** 催报. */
  @Action('remind', 'city', 'county', 'province')
  remind(@CurrentActor() actor: Actor, @Body() dto: RemindDto): Promise<RemindResult> {
    return this.reminders.remind(actor, dto);
  }

  @Action('bulk-accept', 'city', 'county')
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

  @Action('by-enterprise/:enterpriseId/:year/submit', 'enterprise')
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
  @Action(':id/accept', 'city', 'county')
  accept(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReviewDto): Promise<AnnualReportDetail> {
    return this.reports.accept(actor, id, dto.version, dto.reason);
  }

  /** 退回 (with a reason). */
  @Action(':id/return', 'city', 'county')
  return(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReviewDto): Promise<AnnualReportDetail> {
    return this.reports.return(actor, id, dto.version, dto.reason);
  }
}
