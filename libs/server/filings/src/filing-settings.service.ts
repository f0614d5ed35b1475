import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { FilingSettings, UpdateFilingSettingsRequest } from '@cqo/contracts';
import { validateFilingSettings } from '@cqo/policy';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { filingSettingsFor } from './region-figures';

/** The province's reporting calendar per year (SPEC §2): window, deadlines, reminder schedule. */
@Injectable()
export class FilingSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The province this installation serves (regions are cached per process: no query after the first). */
  async provinceCode(): Promise<string> {
    return (await this.regions.province()).code;
  }

  async forYear(year: number, m: EntityManager = this.dataSource.manager): Promise<FilingSettings> {
    const province = await this.regions.province();
    return filingSettingsFor(m, province.code, year);
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
      const before = await filingSettingsFor(m, province.code, year);
      await m.query(
        `INSERT INTO filing_setting (province_code, year, window_opens, enterprise_deadline, city_deadline, reminder_days_before, overdue_every_days, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (province_code, year) DO UPDATE SET window_opens = EXCLUDED.window_opens, enterprise_deadline = EXCLUDED.enterprise_deadline,
           city_deadline = EXCLUDED.city_deadline, reminder_days_before = EXCLUDED.reminder_days_before,
           overdue_every_days = EXCLUDED.overdue_every_days, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [province.code, year, dto.windowOpens, dto.enterpriseDeadline, dto.cityDeadline, days, dto.overdueEveryDays, this.clock.now(), actor.userId || null],
      );
      await tx.audit({
        objectType: 'filing_setting',
        objectId: `${province.code}:${year}`,
        details: { before: { ...before, isDefault: undefined, updatedAt: undefined }, after: { ...dto, reminderDaysBefore: days } },
      });
    });
    return this.forYear(year);
  }
}
