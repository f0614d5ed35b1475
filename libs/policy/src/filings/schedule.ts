import type { ApiErrorDetail, FilingSettings, UpdateFilingSettingsRequest } from '@cqo/contracts';
import { daysBetween, isIsoDate } from '../eligibility/dates';

// The reporting calendar (SPEC §2): window, deadlines and the reminder schedule are per-province
// settings for each year; these are the defaults and the pure rules over them.

export const DEFAULT_REMINDER_DAYS = [7, 1] as const;
export const DEFAULT_OVERDUE_EVERY_DAYS = 7;

export function defaultFilingSettings(year: number): FilingSettings {
  return {
    year,
    windowOpens: `${year}-11-01`,
    enterpriseDeadline: `${year}-12-15`,
    cityDeadline: `${year}-12-31`,
    reminderDaysBefore: [...DEFAULT_REMINDER_DAYS],
    overdueEveryDays: DEFAULT_OVERDUE_EVERY_DAYS,
    isDefault: true,
    updatedAt: null,
  };
}

/** Field-level errors of a settings edit for `year`. Dates must fall in Y or the first quarter of Y+1. */
export function validateFilingSettings(year: number, s: UpdateFilingSettingsRequest): ApiErrorDetail[] {
  const errors: ApiErrorDetail[] = [];
  const first = `${year}-01-01`;
  const last = `${year + 1}-03-31`;
  const labels = { windowOpens: '填报开始日期', enterpriseDeadline: '企业报送截止日期', cityDeadline: '市州报送截止日期' } as const;
  for (const field of ['windowOpens', 'enterpriseDeadline', 'cityDeadline'] as const) {
    const v = s[field];
    if (!isIsoDate(v)) errors.push({ field, code: 'date', message: `${labels[field]}须为 YYYY-MM-DD 格式的日期` });
    else if (v < first || v > last) errors.push({ field, code: 'outOfYear', message: `${labels[field]}须在 ${first} 至 ${last} 之间` });
  }
  if (errors.length === 0) {
    if (s.enterpriseDeadline < s.windowOpens) {
      errors.push({ field: 'enterpriseDeadline', code: 'beforeWindow', message: '企业报送截止日期不能早于填报开始日期' });
    }
    if (s.cityDeadline < s.enterpriseDeadline) {
      errors.push({ field: 'cityDeadline', code: 'beforeEnterprise', message: '市州报送截止日期不能早于企业报送截止日期' });
    }
  }
  if (!Array.isArray(s.reminderDaysBefore) || s.reminderDaysBefore.length > 10 || s.reminderDaysBefore.some((d) => !Number.isInteger(d) || d < 1 || d > 90)) {
    errors.push({ field: 'reminderDaysBefore', code: 'invalid', message: '截止前提醒天数须为 1–90 的整数，最多 10 个' });
  }
  if (!Number.isInteger(s.overdueEveryDays) || s.overdueEveryDays < 0 || s.overdueEveryDays > 60) {
    errors.push({ field: 'overdueEveryDays', code: 'invalid', message: '逾期后提醒间隔须为 0–60 的整数天（0 表示不再提醒）' });
  }
  return errors;
}

/** A reminder the schedule calls for on a given day. */
export type DueReminder = { kind: 'deadline-approaching'; daysLeft: number } | { kind: 'overdue'; daysOverdue: number };

/**
 * Which reminder, if any, the schedule sends on `today` to a filer who has not submitted:
 * `reminderDaysBefore` days before the deadline, then every `overdueEveryDays` days while overdue
 * (starting the day after the deadline).
 */
export function reminderDue(
  deadline: string,
  s: Pick<FilingSettings, 'reminderDaysBefore' | 'overdueEveryDays'>,
  today: string,
): DueReminder | null {
  const left = daysBetween(today, deadline);
  if (left > 0) return s.reminderDaysBefore.includes(left) ? { kind: 'deadline-approaching', daysLeft: left } : null;
  if (left === 0) return null;
  const over = -left;
  if (s.overdueEveryDays <= 0) return null;
  return (over - 1) % s.overdueEveryDays === 0 ? { kind: 'overdue', daysOverdue: over } : null;
}

/** A submission is late (迟报) when its China date is after the deadline. */
export function isLate(submittedOn: string, deadline: string): boolean {
  return submittedOn > deadline;
}

/** The reporting year whose window is open, or most recently closed, on `today`. */
export function currentReportingYear(today: string, windowOpens: (year: number) => string = (y) => `${y}-11-01`): number {
  const y = Number(today.slice(0, 4));
  return today >= windowOpens(y) ? y : y - 1;
}
