import type { ApiErrorDetail, ReportProgress } from '@cqo/contracts';
import { currentReportingYear } from '@cqo/policy';
import type { StatusTagType } from '@cqo/web-ui';
import { toIsoDate } from './dates';

// Pure helpers of the reporting-cycle pages (kept free of Vue and i18n so they are unit-tested).

/**
 * The year being reported on, on the user's calendar: this year from 1 November on (the window's
 * default opening), the previous year before that. The rule is libs/policy's `currentReportingYear`.
 */
export function defaultReportingYear(now: Date = new Date()): number {
  return currentReportingYear(toIsoDate(now));
}

/** Tag colour of a report's state: accepted green, submitted blue, returned red, draft orange. */
export function reportStatusTagType(status: ReportProgress): StatusTagType {
  switch (status) {
    case 'accepted':
      return 'success';
    case 'submitted':
      return 'primary';
    case 'returned':
      return 'danger';
    case 'draft':
      return 'warning';
    case 'not-started':
      return 'info';
  }
}

/** A year from the URL, kept inside [first, last]; `fallback` when absent or not a number. */
export function yearFromQuery(value: string, fallback: number, first: number, last: number): number {
  const year = Number.parseInt(value, 10);
  if (!/^\d{4}$/.test(value.trim()) || Number.isNaN(year)) return fallback;
  return Math.min(Math.max(year, first), last);
}

/** The form item an error detail belongs to: `accidents.一般` → `accidents`. */
export function topLevelField(field: string): string {
  return field.split(/[.[]/)[0];
}

/** The submission was refused only because a soft rule failed without a 上报说明. */
export function needsExplanation(details: readonly ApiErrorDetail[]): boolean {
  return details.some((detail) => detail.field === 'explanation' && detail.code === 'required');
}

/** Integers from a tag input ("7", " 1 ") → [7, 1]; anything else is null (shown as an error). */
export function parseDayList(values: readonly string[]): number[] | null {
  const days: number[] = [];
  for (const value of values) {
    const text = value.trim();
    if (!/^\d+$/.test(text)) return null;
    const day = Number.parseInt(text, 10);
    if (!days.includes(day)) days.push(day);
  }
  return days.sort((a, b) => b - a);
}
