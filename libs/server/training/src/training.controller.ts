import { Body, Controller, Get, Param, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { LedgerVerification, Page, PublicTrainingVerification, ShortfallPage, TrainingCertificate, TrainingProgress, TrainingRecordItem } from '@cqo/contracts';
import { SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import { AuditService } from '@cqo/server-audit';
import { download, Action, clientIp, CurrentActor, Public, Roles, type Actor, type RequestWithActor } from '@cqo/server-common';
import { HoursCertificatesService } from './hours-certificates.service';
import {
  CreateTrainingRecordDto,
  IssueCertificateDto,
  ProgressQueryDto,
  ReverseTrainingRecordDto,
  ShortfallQueryDto,
  TrainingRecordQueryDto,
} from './dtos/training.dto';
import { LedgerService } from './ledger.service';
import { TrainingImportService } from './training-import.service';
import { TrainingService } from './training.service';

/** A person's training and hours certificates are personal data: not admin, which is system administration only (SPEC §1, issue 18 item 8). */
const PERSONAL_DATA_READERS = ['enterprise', 'evaluator', 'county', 'city', 'province'] as const;

@ApiTags('training')
@ApiBearerAuth()
@Controller('training')
export class TrainingController {
  constructor(
    private readonly training: TrainingService,
    private readonly certificates: HoursCertificatesService,
    private readonly imports: TrainingImportService,
  ) {}

  @Get('records')
  @Roles(...PERSONAL_DATA_READERS)
  list(@CurrentActor() actor: Actor, @Query() q: TrainingRecordQueryDto): Promise<Page<TrainingRecordItem>> {
    return this.training.list(actor, q);
  }

  /** An enterprise records its CQO's training (providers' records come by import). */
  @Post('records')
  @Roles('enterprise')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTrainingRecordDto): Promise<TrainingRecordItem> {
    return this.training.create(actor, dto);
  }

  @Post('records/:id/reversal')
  @Roles('enterprise', 'county', 'city', 'province')
  reverse(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReverseTrainingRecordDto): Promise<TrainingRecordItem> {
    return this.training.reverse(actor, id, dto.reason);
  }

  @Get('progress')
  @Roles(...PERSONAL_DATA_READERS)
  progress(@CurrentActor() actor: Actor, @Query() q: ProgressQueryDto): Promise<TrainingProgress> {
    return this.training.progress(actor, q.enterpriseId, q.year);
  }

  /** admin sees it (the page holds the ledger check) with the names masked. */
  @Get('shortfall')
  @Roles('county', 'city', 'province', 'admin')
  shortfall(@CurrentActor() actor: Actor, @Query() q: ShortfallQueryDto): Promise<ShortfallPage> {
    return this.training.shortfall(actor, q);
  }

  @Action('certificates', 'enterprise', 'county', 'city', 'province')
  issue(@CurrentActor() actor: Actor, @Body() dto: IssueCertificateDto): Promise<TrainingCertificate> {
    return this.certificates.issue(actor, dto.personId, dto.year);
  }

  @Get('certificates/:code')
  @Roles(...PERSONAL_DATA_READERS)
  certificate(@CurrentActor() actor: Actor, @Param('code') code: string): Promise<TrainingCertificate> {
    return this.certificates.get(actor, code);
  }

  @Get('imports/template')
  @Roles('county', 'city', 'province')
  async template(@Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return download(res, { fileName: '培训学时导入模板.xlsx', content: await this.imports.template() });
  }

  // The upload itself (POST imports) is a file job: libs/server/files, TrainingUploadController.

  @Get('imports/:id/error-report')
  async errorReport(@CurrentActor() actor: Actor, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return download(res, await this.imports.errorReport(actor, id));
  }
}

/** Login-free, rate-limited: what anyone holding a certificate's code may check. */
@ApiTags('public')
@Controller('public')
@UseGuards(ThrottlerGuard)
@SkipThrottle({ login: true })
export class PublicVerifyController {
  constructor(private readonly certificates: HoursCertificatesService) {}

  @Get('verify/:code')
  @Public()
  verify(@Param('code') code: string, @Req() req: RequestWithActor): Promise<PublicTrainingVerification> {
    return this.certificates.verifyPublic(code, clientIp(req));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/training-ledger')
export class LedgerAdminController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  /** Re-walks the hash chain; `ok: false` names the first broken record. */
  @Action('verify', 'admin')
  async verify(@CurrentActor() actor: Actor): Promise<LedgerVerification> {
    const result = await this.ledger.verify();
    await this.audit.record({
      actor,
      ip: actor.ip,
      action: 'training.ledger.verify',
      objectType: 'training_ledger',
      objectId: result.firstBroken?.id ?? null,
      result: 'success',
      details: { ok: result.ok, checked: result.checked, firstBroken: result.firstBroken },
    });
    return result;
  }
}
