import type { AwardType, EnterpriseAward } from '@cqo/contracts';

/** An award row while it is being edited: both parts may still be empty. */
export interface AwardDraft {
  award: AwardType | '';
  year: number | null;
}

export function toDrafts(awards: EnterpriseAward[]): AwardDraft[] {
  return awards.map((award) => ({ ...award }));
}

/** Complete rows only, as the API takes them. */
export function completeAwards(rows: AwardDraft[]): EnterpriseAward[] {
  return rows
    .filter((row): row is { award: AwardType; year: number } => row.award !== '' && row.year !== null)
    .map((row) => ({ award: row.award, year: row.year }));
}
