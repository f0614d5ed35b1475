import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FilingSettings } from '@cqo/contracts';
import { CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { UpdateFilingSettingsDto } from './dtos/filings.dto';
import { FilingSettingsService } from './filing-settings.service';
import { YEAR } from './year.pipe';

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
