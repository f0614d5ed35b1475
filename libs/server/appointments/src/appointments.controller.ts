import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AppointmentDetail, AppointmentSummary, AwardCheckResponse, EnterpriseAppointments, VerdictResult } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { AppointmentsService } from './appointments.service';
import { AwardCheckService } from './award-check.service';
import { AwardCheckQueryDto, ChangeAppointmentDto, DismissAppointmentDto, FileAppointmentDto, VerdictQueryDto } from './dtos/appointment.dto';

const FILERS = ['enterprise', 'county', 'city', 'province'] as const;
/** Who reads a CQO's record (name, phone, birth month): not admin, which is system administration only (SPEC §1, issue 18 item 8). */
const PERSONAL_DATA_READERS = FILERS;

@ApiTags('appointments')
@ApiBearerAuth()
@Controller()
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly awardCheck: AwardCheckService,
  ) {}

  @Get('enterprises/:id/appointments')
  @Roles(...PERSONAL_DATA_READERS)
  forEnterprise(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EnterpriseAppointments> {
    return this.appointments.forEnterprise(actor, id);
  }

  @Post('enterprises/:id/appointments')
  @Roles(...FILERS)
  file(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: FileAppointmentDto): Promise<AppointmentDetail> {
    return this.appointments.file(actor, id, dto);
  }

  /** The verdict a filing would get, without saving it (the form's live preview). */
  @Action('enterprises/:id/appointments/preview', ...FILERS)
  preview(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: FileAppointmentDto): Promise<VerdictResult> {
    return this.appointments.preview(actor, id, dto);
  }

  @Get('appointments/:id')
  @Roles(...PERSONAL_DATA_READERS)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppointmentDetail> {
    return this.appointments.get(actor, id);
  }

  @Get('appointments/:id/verdict')
  @Roles(...PERSONAL_DATA_READERS)
  verdict(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: VerdictQueryDto): Promise<VerdictResult> {
    return this.appointments.verdict(actor, id, q.asOf);
  }

  @Post('appointments/:id/change')
  @Roles(...FILERS)
  change(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ChangeAppointmentDto): Promise<AppointmentDetail> {
    return this.appointments.change(actor, id, dto);
  }

  @Action('appointments/:id/dismiss', ...FILERS)
  dismiss(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: DismissAppointmentDto): Promise<AppointmentSummary> {
    return this.appointments.dismiss(actor, id, dto);
  }

  /** 004 四(四) quality-award prerequisite. */
  @Get('award-check')
  @Roles('county', 'city', 'province')
  check(@CurrentActor() actor: Actor, @Query() q: AwardCheckQueryDto): Promise<AwardCheckResponse> {
    return this.awardCheck.check(actor, q.creditCode);
  }
}
