import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { FilingSettings, UpdateFilingSettingsRequest } from '@cqo/contracts';
import { filingSettingsFor } from './region-figures';
import { PoolRepository } from '@cqo/server-database';

/** A province's calendar of a year as saved: the request's dates and days, who and when. */
export interface FilingSettingWrite {
  provinceCode: string;
  year: number;
  settings: Pick<UpdateFilingSettingsRequest, 'windowOpens' | 'enterpriseDeadline' | 'cityDeadline' | 'overdueEveryDays'>;
  /** The reminder days, distinct and latest first. */
  reminderDaysBefore: number[];
  at: Date;
  by: string | null;
}

/**
 * The only writer of `filing_setting` (SPEC §2: the province's reporting calendar per year); the
 * read is `filingSettingsFor` of region-figures.ts, which the statistics share. A read or write
 * inside a transaction takes its manager.
 */
@Injectable()
export class FilingSettingsRepository extends PoolRepository {
  /** The settings in force for a province and year: the saved row, or the defaults. */
  forYear(m: EntityManager, provinceCode: string, year: number): Promise<FilingSettings> {
    return filingSettingsFor(m, provinceCode, year);
  }

  /** Saves a province's calendar of a year, replacing the one saved. */
  async upsert(m: EntityManager, w: FilingSettingWrite): Promise<void> {
    await m.query(
      `INSERT INTO filing_setting (province_code, year, window_opens, enterprise_deadline, city_deadline, reminder_days_before, overdue_every_days, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (province_code, year) DO UPDATE SET window_opens = EXCLUDED.window_opens, enterprise_deadline = EXCLUDED.enterprise_deadline,
           city_deadline = EXCLUDED.city_deadline, reminder_days_before = EXCLUDED.reminder_days_before,
           overdue_every_days = EXCLUDED.overdue_every_days, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [w.provinceCode, w.year, w.settings.windowOpens, w.settings.enterpriseDeadline, w.settings.cityDeadline, w.reminderDaysBefore, w.settings.overdueEveryDays, w.at, w.by],
    );
  }
}
