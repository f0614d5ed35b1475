import type { CompliancePart, Role, TrainingRecordItem } from '@cqo/contracts';
import { TRAINING_HOUR_STEP } from '@cqo/contracts';
import { can } from './permissions';

/** Hours as people write them: 14, 7.5 (hours come in 0.5 steps; the rounding only hides float noise). */
export function formatHours(value: number): string {
  return String(Math.round(value / TRAINING_HOUR_STEP) * TRAINING_HOUR_STEP);
}

/** How far a part is toward its threshold, 0–100 (a threshold of 0 is met from the start). */
export function partPercentage(part: CompliancePart): number {
  if (part.required <= 0) return 100;
  return Math.min(100, Math.round((part.actual / part.required) * 100));
}

/**
 * Whether `role` may reverse `row`: only entries not yet reversed; an enterprise only those it
 * reported itself (providers' imports are corrected by the office), officers any in their scope.
 */
export function canReverseRecord(role: Role | null | undefined, row: TrainingRecordItem): boolean {
  if (!can(role, 'training.reverse') || row.kind !== 'entry' || row.reversedBy) return false;
  return role !== 'enterprise' || row.source === 'enterprise';
}
