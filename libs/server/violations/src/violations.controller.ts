import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page, ViolationItem, VoidedViolationItem } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { RecordViolationDto, UpdateViolationStatusDto, ViolationQueryDto, VoidViolationDto } from './dtos/violation.dto';
import { ViolationsService } from './violations.service';

@ApiTags('violations')
@ApiBearerAuth()
@Controller('violations')
export class ViolationsController {
  constructor(private readonly violations: ViolationsService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ViolationQueryDto): Promise<Page<ViolationItem>> {
    return this.violations.list(actor, q);
  }

  /** Violations voided (撤销) in scope, with who voided each, when and why. */
  @Get('voided')
  listVoided(@CurrentActor() actor: Actor, @Query() q: ViolationQueryDto): Promise<Page<VoidedViolationItem>> {
    return this.violations.listVoided(actor, q);
  }

  /** Recorded by the city (or county) office or the province (SPEC §5). */
  @Post()
  @Roles('county', 'city', 'province')
  record(@CurrentActor() actor: Actor, @Body() dto: RecordViolationDto): Promise<ViolationItem> {
    return this.violations.record(actor, dto);
  }

  /** 撤销 a violation recorded by mistake: the recording level or above, with a reason; lifts what it caused. */
  @Action(':id/void', 'county', 'city', 'province')
  void(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: VoidViolationDto): Promise<VoidedViolationItem> {
    return this.violations.void(actor, id, dto);
  }

  @Patch(':id')
  @Roles('county', 'city', 'province')
  updateStatus(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateViolationStatusDto): Promise<ViolationItem> {
    return this.violations.updateStatus(actor, id, dto);
  }
}
