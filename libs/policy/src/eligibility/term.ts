import type { PolicyProfile, RuleDefinition } from '@cqo/contracts';
import { termEndFor } from './dates';

export type TermRule = Extract<RuleDefinition, { kind: 'term' }>;

/** The profile's term rule, if it sets a term (hubei-2021: 004 三(一)). */
export function termRuleOf(profile: Pick<PolicyProfile, 'rules'>): TermRule | null {
  return profile.rules.find((r): r is TermRule => r.kind === 'term') ?? null;
}

export interface TermCheck {
  /** The term end the appointment gets: as filed, else the usual term less one day; null when the profile sets no term. */
  termEnd: string | null;
  /** The filed end is before the appointment date: the one hard error of a term. */
  beforeStart: boolean;
  /**
   * Set when the filed end is later than the usual term: a soft hit (attention), not an error.
   * 004 三(一) says 首席质量官任期**一般**为5年 — the usual term, not a ceiling.
   */
  longerThanUsual: { years: number; usualEnd: string; clause: string; message: string } | null;
}

/**
 * A filed term checked against the profile's term rule, the one check the API's filing, the
 * roster import and the web filing form share. An end before the appointment is an error; an end
 * later than the usual term is accepted and named (its clause included), and the verdict's term
 * rule shows it as a soft failure.
 */
export function checkTerm(rule: Pick<TermRule, 'years' | 'clause'> | null, appointedOn: string, termEnd: string | null): TermCheck {
  const usualEnd = rule ? termEndFor(appointedOn, rule.years) : null;
  const beforeStart = termEnd !== null && termEnd < appointedOn;
  const longer = !beforeStart && termEnd !== null && usualEnd !== null && termEnd > usualEnd;
  return {
    termEnd: termEnd ?? usualEnd,
    beforeStart,
    longerThanUsual:
      longer && rule && usualEnd
        ? { years: rule.years, usualEnd, clause: rule.clause, message: termLongerMessage(rule, usualEnd, termEnd) }
        : null,
  };
}

/** How a longer term is worded wherever it is shown: 任期至 2030-01-01，长于一般任期 5 年（至 2029-02-28）（004 三(一)：任期一般为5年）. */
export function termLongerMessage(rule: Pick<TermRule, 'years' | 'clause'>, usualEnd: string, termEnd: string): string {
  return `任期至 ${termEnd}，长于一般任期 ${rule.years} 年（至 ${usualEnd}）（${rule.clause}：任期一般为${rule.years}年）`;
}
