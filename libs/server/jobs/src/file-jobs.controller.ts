import { Body, Controller, Get, HttpCode, Param, Post, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { FileJobInfo } from '@cqo/contracts';
import { CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { XLSX_LIMITS } from '@cqo/server-training';
import { ExportAttachmentDto, RosterUploadDto } from './dtos/file-jobs.dto';
import { FileJobsService } from './file-jobs.service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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
  @Post('exports/attachment')
  @HttpCode(202)
  @Roles('county', 'city', 'province')
  exportAttachment(@CurrentActor() actor: Actor, @Body() body: ExportAttachmentDto): Promise<FileJobInfo> {
    return this.jobs.requestExport(actor, { region: body.region, year: body.year, asOf: body.asOf });
  }

  /** A roster upload (SPEC §8): checked here (size, type, zip bomb, columns), then validated or imported by the worker. */
  @Post('imports/roster')
  @HttpCode(202)
  @Roles('county', 'city', 'province')
  @ApiConsumes('multipart/form-data')
  // Memory storage: a refused upload never touches the disk.
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: XLSX_LIMITS.maxFileBytes + 1, files: 1 }, defParamCharset: 'utf8' }))
  importRoster(
    @CurrentActor() actor: Actor,
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
    @Body() form: RosterUploadDto,
  ): Promise<FileJobInfo> {
    return this.jobs.requestImport(actor, file, form.mode ?? 'all-or-nothing', form.dryRun === 'true');
  }

  @Get('jobs')
  @Roles('county', 'city', 'province')
  list(@CurrentActor() actor: Actor): Promise<FileJobInfo[]> {
    return this.jobs.list(actor);
  }

  @Get('jobs/:id')
  @Roles('county', 'city', 'province')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.get(actor, id);
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @Roles('county', 'city', 'province')
  cancel(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.cancel(actor, id);
  }

  /** After a dry run: import the same upload for real, with the same mode. */
  @Post('jobs/:id/commit')
  @HttpCode(202)
  @Roles('county', 'city', 'province')
  commit(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FileJobInfo> {
    return this.jobs.commitDryRun(actor, id);
  }

  @Get('jobs/:id/download')
  @Roles('county', 'city', 'province')
  async download(@CurrentActor() actor: Actor, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.jobs.download(actor, id);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.setHeader('Content-Length', String(file.size));
    return new StreamableFile(file.stream);
  }
}
