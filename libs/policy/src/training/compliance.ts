import type { CompliancePart, PolicyProfile, RuleDefinition, TrainingYearHours, YearlyCompliance } from '@cqo/contracts';
import { profileRef } from '../eligibility/profiles';

// Yearly training compliance (SPEC §3, §4): how far a CQO's hours of one calendar year are from
// the thresholds of the profile's annual-training rule. Pure: the caller sums the ledger.

export type AnnualTrainingRule = Extract<RuleDefinition, { kind: 'annual-training' }>;
type InitialTrainingRule = Extract<RuleDefinition, { kind: 'initial-training' }>;

/** The profile's annual continuing-education rule, or null when it sets none (chongqing-2024). */
export function annualTrainingRule(profile: PolicyProfile): AnnualTrainingRule | null {
  return profile.rules.find((r): r is AnnualTrainingRule => r.kind === 'annual-training') ?? null;
}

/** Required 任职培训 hours of the profile's initial-training rule (e.g. 21 for hubei), or null. */
export function initialTrainingRequired(profile: PolicyProfile): number | null {
  const rule = profile.rules.find((r): r is InitialTrainingRule => r.kind === 'initial-training');
  return rule?.minHours ?? null;
}

export function emptyYearHours(): TrainingYearHours {
  return { initial: 0, firstCategory: 0, secondCategory: 0, activities: 0 };
}

/** One decimal, so sums of half hours never show float noise. */
const round1 = (n: number): number => Math.round(n * 10) / 10;

function part(key: CompliancePart['key'], label: string, required: number, actual: number, unit: CompliancePart['unit']): CompliancePart {
  const a = round1(actual);
  return { key, label, required, actual: a, short: Math.max(0, round1(required - a)), unit };
}

function partsOf(rule: AnnualTrainingRule, hours: TrainingYearHours): CompliancePart[] {
  const parts: CompliancePart[] = [];
  if (rule.minFirstCategory !== null) parts.push(part('firstCategory', '继续教育(第一类)', rule.minFirstCategory, hours.firstCategory, '学时'));
  if (rule.minSecondCategory !== null) parts.push(part('secondCategory', '第二类', rule.minSecondCategory, hours.secondCategory, '学时'));
  if (rule.minTotal !== null) parts.push(part('total', '质量专业学习（第一类+第二类）', rule.minTotal, hours.firstCategory + hours.secondCategory, '学时'));
  if (rule.minActivities !== null) parts.push(part('activities', '组织培训活动', rule.minActivities, hours.activities, '次'));
  return parts;
}

/** Why yearly compliance for `year` does not apply to this CQO, or null when it does. */
function notApplicableReason(cqo: { appointedOn: string; termEnd: string | null }, year: number): string | null {
  if (cqo.appointedOn > `${year}-12-31`) return `${cqo.appointedOn} 聘任，${year} 年末尚未在任`;
  if (cqo.appointedOn >= `${year}-01-01`) return `${cqo.appointedOn} 聘任，${year} 年度仅考核任职培训`;
  if (cqo.termEnd !== null && cqo.termEnd < `${year}-12-31`) return `任期于 ${cqo.termEnd} 届满，${year} 年末不在任`;
  return null;
}

/**
 * SPEC §3: yearly compliance for year Y applies to CQOs active on Dec 31 of Y who were appointed
 * before Jan 1 of Y. `cqo.termEnd` null = open-ended. Those appointed during Y are not applicable
 * (judged on initial training only), nor is a term ending before Dec 31 of Y, nor a profile
 * without an annual-training rule. Parts are filled whenever the profile has a rule, so a page can
 * show progress even when the year is not judged; the shortfalls are 0 then.
 */
export function yearlyCompliance(
  profile: PolicyProfile,
  cqo: { appointedOn: string; termEnd: string | null },
  year: number,
  hours: TrainingYearHours,
): YearlyCompliance {
  const rule = annualTrainingRule(profile);
  const base = { year, profile: profileRef(profile) };
  if (!rule) {
    return { ...base, clause: null, applicable: false, reason: '现行政策未规定年度继续教育学时', compliant: null, parts: [], shortHours: 0, shortActivities: 0 };
  }
  const parts = partsOf(rule, hours);
  const reason = notApplicableReason(cqo, year);
  if (reason !== null) {
    return { ...base, clause: rule.clause, applicable: false, reason, compliant: null, parts, shortHours: 0, shortActivities: 0 };
  }
  const short = (key: CompliancePart['key']): number => parts.find((p) => p.key === key)?.short ?? 0;
  // Hours added to a category also count toward the total, so the hours still missing are the
  // larger of the per-category shortfalls together and the total's shortfall.
  const shortHours = round1(Math.max(short('firstCategory') + short('secondCategory'), short('total')));
  return {
    ...base,
    clause: rule.clause,
    applicable: true,
    reason: null,
    compliant: parts.every((p) => p.short === 0),
    parts,
    shortHours,
    shortActivities: short('activities'),
  };
}
