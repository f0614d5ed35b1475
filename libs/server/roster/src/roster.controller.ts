import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { download, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { RosterImportService } from './roster-import.service';

/** The roster template and a run's error report; the upload itself goes through the file jobs (POST /api/jobs…). */
@ApiTags('roster')
@ApiBearerAuth()
@Controller('roster')
export class RosterController {
  constructor(private readonly imports: RosterImportService) {}

  @Get('template')
  @Roles('county', 'city', 'province')
  async template(@Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return download(res, { fileName: '企业名册导入模板.xlsx', content: await this.imports.template() });
  }

  /** The marked-up upload holds CQO names and phone numbers: not admin (SPEC §1, issue 18 item 8). */
  @Get('imports/:id/error-report')
  @Roles('county', 'city', 'province')
  async errorReport(@CurrentActor() actor: Actor, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return download(res, await this.imports.errorReport(actor, id));
  }
}
