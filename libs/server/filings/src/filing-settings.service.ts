import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FilingSettings, UpdateFilingSettingsRequest } from '@cqo/contracts';
import { validateFilingSettings } from '@cqo/policy';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { FilingSettingsRepository } from './filing-settings.repository';

/** The province's reporting calendar per year (SPEC §2): window, deadlines, reminder schedule. */
@Injectable()
export class FilingSettingsService {
  constructor(
    private readonly repo: FilingSettingsRepository,
    private readonly regions: RegionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The province this installation serves (regions are cached per process: no query after the first). */
  async provinceCode(): Promise<string> {
    return (await this.regions.province()).code;
  }

  async forYear(year: number, m: EntityManager = this.repo.manager): Promise<FilingSettings> {
    const province = await this.regions.province(m);
    return this.repo.forYear(m, province.code, year);
  }

  async update(actor: Actor, year: number, dto: UpdateFilingSettingsRequest): Promise<FilingSettings> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      throw AppException.validation([{ field: 'year', code: 'range', message: '年度应为 2000–2100 的整数' }]);
    }
    const errors = validateFilingSettings(year, dto);
    if (errors.length) throw AppException.validation(errors);
    const province = await this.regions.province();
    const days = [...new Set(dto.reminderDaysBefore)].sort((a, b) => b - a);
    await this.unitOfWork.run(actor, 'filing_settings.update', async (m, tx) => {
      const before = await this.repo.forYear(m, province.code, year);
      await this.repo.upsert(m, { provinceCode: province.code, year, settings: dto, reminderDaysBefore: days, at: this.clock.now(), by: actor.userId || null });
      await tx.audit({
        objectType: 'filing_setting',
        objectId: `${province.code}:${year}`,
        details: { before: { ...before, isDefault: undefined, updatedAt: undefined }, after: { ...dto, reminderDaysBefore: days } },
      });
    });
    return this.forYear(year);
  }
}
