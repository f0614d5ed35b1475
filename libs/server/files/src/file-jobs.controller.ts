import { Body, Controller, Get, Param, Query, Res, StreamableFile, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { FileJobInfo, ImportJobKind } from '@cqo/contracts';
import { AuditQueryDto, checkAuditRange } from '@cqo/server-audit';
import { download, Accepted, Action, CurrentActor, FileUpload, Roles, type Actor } from '@cqo/server-common';
import { EnterpriseQueryDto } from '@cqo/server-enterprises';
import { FilingStatusQueryDto } from '@cqo/server-filings';
import { AssessmentQueryDto } from '@cqo/server-stats';
import { ShortfallQueryDto } from '@cqo/server-training';
import { ViolationQueryDto } from '@cqo/server-violations';
import { XLSX_LIMITS } from '@cqo/server-imports';
import { ExportAttachmentDto, ExportListDto, ImportUploadDto } from './dtos/file-jobs.dto';
import { FileJobsService } from './file-jobs.service';

/** What the api keeps of an upload: this buffer; the worker reads it, the api inflates nothing (issue 18 item 1). */
type Upload = { buffer: Buffer; originalname: string } | undefined;

/**
 * Export and import jobs (issue 7): start one, poll it, cancel it, download what it made. Every
 * job belongs to the user who started it; anyone else gets 404.
 */
@ApiTags('files')
@ApiBearerAuth()
@Controller('files')
export class FileJobsController {
  constructor(private readonly jobs: FileJobsService) {}

  /** The attachment table (SPEC §7 附件) of a region and year, built by the worker. */
  @Accepted('exports/attachment', 'county', 'city', 'province')
  exportAttachment(@CurrentActor() actor: Actor, @Body() body: ExportAttachmentDto): Promise<FileJobInfo> {
    return this.jobs.requestExport(actor, { region: body.region, year: body.year, asOf: body.asOf });
  }

  /**
   * The enterprise list as the page shows it (issue 20 item 3): the list's own query string (same
   * filters and sort, checked by the list's DTO) and the visible columns in the body.
   */
  @Accepted('exports/enterprises', 'county', 'city', 'province', 'admin')
  exportEnterprises(@CurrentActor() actor: Actor, @Query() query: EnterpriseQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    return this.jobs.requestListExport(actor, 'enterprises', { ...query }, body.columns);
  }

  /** The violations list as the page shows it (issue 20 item 3). */
  @Accepted('exports/violations', 'county', 'city', 'province', 'admin')
  exportViolations(@CurrentActor() actor: Actor, @Query() query: ViolationQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    return this.jobs.requestListExport(actor, 'violations', { ...query }, body.columns);
  }

  /** The training shortfall list of a year as the page shows it (issue 20 item 3: the chase list for training). */
  @Accepted('exports/shortfall', 'county', 'city', 'province', 'admin')
  exportShortfall(@CurrentActor() actor: Actor, @Query() query: ShortfallQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    return this.jobs.requestListExport(actor, 'shortfall', { ...query }, body.columns);
  }

  /** 报送情况's enterprise list of a region and year as the page shows it (issue 20 item 3: the chase list). */
  @Accepted('exports/filing-status', 'city', 'county', 'province', 'admin')
  exportFilingStatus(@CurrentActor() actor: Actor, @Query() query: FilingStatusQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    return this.jobs.requestListExport(actor, 'filing-status', { ...query }, body.columns);
  }

  /** The 市州 ranking of the yearly assessment as the overview shows it (issue 20 item 3), for those who may read it. */
  @Accepted('exports/ranking', 'province', 'admin')
  exportRanking(@CurrentActor() actor: Actor, @Query() query: AssessmentQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    return this.jobs.requestListExport(actor, 'ranking', { ...query }, body.columns);
  }

  /** The audit log with its filters (issue 20 item 6), for those who may read it. */
  @Accepted('exports/audit', 'admin', 'province')
  exportAudit(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto, @Body() body: ExportListDto): Promise<FileJobInfo> {
    checkAuditRange(query);
    return this.jobs.requestListExport(actor, 'audit', { ...query }, body.columns);
  }

  /** A roster upload (SPEC §8): checked here (size, type, the zip's directory), stored, then read, validated or imported by the worker. */
  @Accepted('imports/roster', 'county', 'city', 'province')
  @FileUpload(XLSX_LIMITS.maxFileBytes)
  importRoster(@CurrentActor() actor: Actor, @UploadedFile() file: Upload, @Body() form: ImportUploadDto): Promise<FileJobInfo> {
    return upload(this.jobs, actor, 'import-roster', file, form);
  }

  @Get('jobs')
  @Roles('county', 'city', 'province', 'admin')
  list(@CurrentActor() actor: Actor): Promise<FileJobInfo[]> {
    return this.jobs.list(actor);
  }

  @Get('jobs/:id')
  @Roles('county', 'city', 'province', 'admin')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.get(actor, id);
  }

  @Action('jobs/:id/cancel', 'county', 'city', 'province', 'admin')
  cancel(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.cancel(actor, id);
  }

  /** After a dry run: import the same upload for real, with the same mode. */
  @Accepted('jobs/:id/commit', 'county', 'city', 'province')
  commit(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.commitDryRun(actor, id);
  }

  @Get('jobs/:id/download')
  @Roles('county', 'city', 'province', 'admin')
  async download(@CurrentActor() actor: Actor, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.jobs.download(actor, id);
    return download(res, { fileName: file.fileName, content: file.stream, size: file.size });
  }
}

function upload(jobs: FileJobsService, actor: Actor, kind: ImportJobKind, file: Upload, form: ImportUploadDto): Promise<FileJobInfo> {
  return jobs.requestImport(actor, kind, file, form.mode ?? 'all-or-nothing', form.dryRun === 'true');
}

/**
 * The providers' training records (SPEC §8), at the path the training import always had: since
 * issue 18 item 1 a file job like the roster's (202 and the job to poll; its result is the
 * import's). The template and the error report stay in the training lib.
 */
@ApiTags('training')
@ApiBearerAuth()
@Controller('training')
export class TrainingUploadController {
  constructor(private readonly jobs: FileJobsService) {}

  @Accepted('imports', 'county', 'city', 'province')
  @FileUpload(XLSX_LIMITS.maxFileBytes)
  importTraining(@CurrentActor() actor: Actor, @UploadedFile() file: Upload, @Body() form: ImportUploadDto): Promise<FileJobInfo> {
    return upload(this.jobs, actor, 'import-training', file, form);
  }
}
