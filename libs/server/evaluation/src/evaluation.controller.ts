import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile, UploadedFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import type {
  CertificateDetail,
  CertificatePage,
  EvaluationApplicationDetail,
  EvaluationApplicationPage,
  EvaluationSettings,
  EvaluationSheetView,
  EvaluatorOption,
  EvidenceFileView,
  GradeDistribution,
  GradeResultView,
  PublicCertificateVerification,
  SchemeView,
  TalentPoolItem,
  TalentPoolPage,
  YearlyReviewView,
} from '@cqo/contracts';
import { download, Action, CurrentActor, FileUpload, Public, Roles, type Actor } from '@cqo/server-common';
import { EvaluationApplicationsService } from './applications.service';
import {
  AcceptEvaluationDto,
  AddTalentDto,
  ApplicationQueryDto,
  AppointPanelDto,
  CertificateQueryDto,
  CertificateStatusDto,
  ClearReviewFlagDto,
  RevocationDecisionDto,
  ConsolidateDto,
  EvaluationApplicationDto,
  GradePreviewDto,
  InterviewDto,
  RemoveTalentDto,
  ResubmitEvaluationDto,
  ReturnEvaluationDto,
  ScoreSheetDto,
  TalentPoolQueryDto,
  UpdateEvaluationSettingsDto,
  YearlyReviewDto,
} from './dtos/evaluation.dto';
import { EvaluationCertificatesService } from './evaluation-certificates.service';
import { EvaluationSettingsService } from './evaluation-settings.service';
import { EVIDENCE_LIMITS, type UploadedEvidence } from './evidence-guard';
import { TalentPoolService } from './talent-pool.service';

/** Applications, certificates and evidence name a person (and a certificate shows the phone): not admin, which is system administration only (SPEC §1, issue 18 item 8). */
const READERS = ['enterprise', 'evaluator', 'province', 'city', 'county'] as const;

/** Capability evaluation (SPEC §6): routes listed in docs/evaluation.md. */
@ApiTags('evaluation')
@ApiBearerAuth()
@Controller('evaluation')
export class EvaluationController {
  constructor(
    private readonly applications: EvaluationApplicationsService,
    private readonly certificates: EvaluationCertificatesService,
    private readonly talent: TalentPoolService,
    private readonly settings: EvaluationSettingsService,
  ) {}

  @Get('schemes')
  schemes(): Promise<SchemeView[]> {
    return this.settings.schemes();
  }

  @Action('grade-preview')
  preview(@Body() dto: GradePreviewDto): Promise<GradeResultView> {
    return this.applications.preview(dto);
  }

  @Get('settings')
  @Roles('evaluator', 'province', 'admin')
  getSettings(): Promise<EvaluationSettings> {
    return this.settings.get();
  }

  @Put('settings')
  @Roles('province', 'admin')
  updateSettings(@CurrentActor() actor: Actor, @Body() dto: UpdateEvaluationSettingsDto): Promise<EvaluationSettings> {
    return this.settings.update(actor, dto);
  }

  @Get('evaluators')
  @Roles('evaluator')
  evaluators(@CurrentActor() actor: Actor): Promise<EvaluatorOption[]> {
    return this.applications.evaluators(actor);
  }

  // --- applications ---------------------------------------------------------------------------

  @Get('applications')
  @Roles(...READERS)
  list(@CurrentActor() actor: Actor, @Query() q: ApplicationQueryDto): Promise<EvaluationApplicationPage> {
    return this.applications.list(actor, q);
  }

  @Post('applications')
  @Roles('enterprise')
  apply(@CurrentActor() actor: Actor, @Body() dto: EvaluationApplicationDto): Promise<EvaluationApplicationDetail> {
    return this.applications.create(actor, dto);
  }

  @Get('applications/:id')
  @Roles(...READERS)
  detail(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EvaluationApplicationDetail> {
    return this.applications.detail(actor, id);
  }

  @Action('applications/:id/resubmit', 'enterprise')
  resubmit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ResubmitEvaluationDto): Promise<EvaluationApplicationDetail> {
    return this.applications.resubmit(actor, id, dto);
  }

  @Action('applications/:id/withdraw', 'enterprise')
  withdraw(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EvaluationApplicationDetail> {
    return this.applications.withdraw(actor, id);
  }

  @Post('applications/:id/evidence')
  @Roles('enterprise')
  @FileUpload(EVIDENCE_LIMITS.maxFileBytes)
  evidence(@CurrentActor() actor: Actor, @Param('id') id: string, @UploadedFile() file: UploadedEvidence | undefined): Promise<EvidenceFileView> {
    return this.applications.addEvidence(actor, id, file);
  }

  @Get('applications/:id/evidence/:fileId')
  @Roles(...READERS)
  async evidenceFile(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('fileId') fileId: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    return download(res, await this.applications.evidenceFile(actor, id, fileId));
  }

  @Action('applications/:id/accept', 'evaluator')
  accept(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AcceptEvaluationDto): Promise<EvaluationApplicationDetail> {
    return this.applications.accept(actor, id, dto);
  }

  @Action('applications/:id/return', 'evaluator')
  returnForCompletion(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReturnEvaluationDto): Promise<EvaluationApplicationDetail> {
    return this.applications.returnForCompletion(actor, id, dto);
  }

  @Action('applications/:id/panel', 'evaluator')
  panel(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: AppointPanelDto): Promise<EvaluationApplicationDetail> {
    return this.applications.appointPanel(actor, id, dto);
  }

  @Action('applications/:id/sheets', 'evaluator')
  sheet(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ScoreSheetDto): Promise<EvaluationSheetView> {
    return this.applications.submitSheet(actor, id, dto);
  }

  @Action('applications/:id/interview', 'evaluator')
  interview(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: InterviewDto): Promise<EvaluationApplicationDetail> {
    return this.applications.interview(actor, id, dto);
  }

  @Action('applications/:id/site-visit', 'evaluator')
  siteVisit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: InterviewDto): Promise<EvaluationApplicationDetail> {
    return this.applications.siteVisit(actor, id, dto);
  }

  @Action('applications/:id/report', 'evaluator')
  report(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ConsolidateDto): Promise<EvaluationApplicationDetail> {
    return this.applications.consolidate(actor, id, dto);
  }

  @Post('applications/:id/certificate')
  @Roles('evaluator')
  issue(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CertificateDetail> {
    return this.certificates.issue(actor, id);
  }

  // --- certificates ---------------------------------------------------------------------------

  @Get('certificates')
  @Roles(...READERS)
  certificateList(@CurrentActor() actor: Actor, @Query() q: CertificateQueryDto): Promise<CertificatePage> {
    return this.certificates.list(actor, q);
  }

  @Get('certificates/:id')
  @Roles(...READERS)
  certificate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CertificateDetail> {
    return this.certificates.detail(actor, id);
  }

  @Action('certificates/:id/status', 'evaluator')
  certificateStatus(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CertificateStatusDto): Promise<CertificateDetail> {
    return this.certificates.setStatus(actor, id, dto);
  }

  @Action('certificates/:id/review-flag/clear', 'evaluator')
  clearFlag(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ClearReviewFlagDto): Promise<CertificateDetail> {
    return this.certificates.clearReviewFlag(actor, id, dto.note);
  }

  /** 001 §11 必要时有权…声明证书作废: an officer of the body confirms the revocation a violation called for. */
  @Action('certificates/:id/revocation/confirm', 'evaluator')
  confirmRevocation(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: RevocationDecisionDto): Promise<CertificateDetail> {
    return this.certificates.confirmRevocation(actor, id, dto.reason);
  }

  @Action('certificates/:id/revocation/dismiss', 'evaluator')
  dismissRevocation(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: RevocationDecisionDto): Promise<CertificateDetail> {
    return this.certificates.dismissRevocation(actor, id, dto.reason);
  }

  @Post('certificates/:id/reviews')
  @Roles('evaluator')
  review(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: YearlyReviewDto): Promise<YearlyReviewView> {
    return this.certificates.addReview(actor, id, dto);
  }

  // --- talent pool and distribution -----------------------------------------------------------

  @Get('talent-pool')
  @Roles('province', 'evaluator')
  talentPool(@CurrentActor() actor: Actor, @Query() q: TalentPoolQueryDto): Promise<TalentPoolPage> {
    return this.talent.list(actor, q);
  }

  @Post('talent-pool')
  @Roles('province')
  addTalent(@CurrentActor() actor: Actor, @Body() dto: AddTalentDto): Promise<TalentPoolItem> {
    return this.talent.add(actor, dto);
  }

  @Post('talent-pool/:id/removal')
  @HttpCode(204)
  @Roles('province')
  removeTalent(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: RemoveTalentDto): Promise<void> {
    return this.talent.remove(actor, id, dto.reason);
  }

  @Get('distribution')
  @Roles('province', 'city', 'evaluator', 'admin')
  distribution(@CurrentActor() actor: Actor): Promise<GradeDistribution> {
    return this.talent.distribution(actor);
  }
}

/** Login-free, rate-limited: what anyone holding a certificate number (or its QR code) may check. */
@ApiTags('public')
@Controller('public')
@UseGuards(ThrottlerGuard)
@SkipThrottle({ login: true })
export class PublicCertificateController {
  constructor(private readonly certificates: EvaluationCertificatesService) {}

  @Get('evaluation-certificates/:number')
  @Public()
  verify(@Param('number') number: string): Promise<PublicCertificateVerification> {
    return this.certificates.verifyPublic(number);
  }
}
