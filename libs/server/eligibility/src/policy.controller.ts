import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { PolicyCatalogue, PolicyProfile, WhatIfResponse } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { CreateProfileVersionDto, UseProfileDto, WhatIfDto } from './dtos/policy.dto';
import { EligibilityService } from './eligibility.service';
import { ProfilesService } from './profiles.service';

@ApiTags('policy')
@ApiBearerAuth()
@Controller('policy')
export class PolicyController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly eligibility: EligibilityService,
  ) {}

  /** Every profile version, the schedule and the version in force today. Rules are public policy. */
  @Get()
  catalogue(): Promise<PolicyCatalogue> {
    return this.profiles.catalogue();
  }

  @Post('profiles')
  @Roles('province', 'admin')
  createVersion(@CurrentActor() actor: Actor, @Body() dto: CreateProfileVersionDto): Promise<PolicyProfile> {
    return this.profiles.createVersion(actor, dto);
  }

  @Action('schedule', 'province', 'admin')
  use(@CurrentActor() actor: Actor, @Body() dto: UseProfileDto): Promise<PolicyCatalogue> {
    return this.profiles.use(actor, dto.profile, dto.from);
  }

  @Action('what-if', 'province', 'admin')
  whatIf(@CurrentActor() actor: Actor, @Body() dto: WhatIfDto): Promise<WhatIfResponse> {
    return this.eligibility.whatIf(actor, dto.profile);
  }
}
