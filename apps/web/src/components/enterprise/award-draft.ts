import type { AwardType, EnterpriseAward } from '@cqo/contracts';

/** An award row while it is being edited: both parts may still be empty. */
export interface AwardDraft {
  award: AwardType | '';
  year: number | null;
}

export function toDrafts(awards: EnterpriseAward[]): AwardDraft[] {
  return awards.map((award) => ({ ...award }));
}

/** Rows with an award, as the API takes them; the year may be left empty (not known, SPEC §8). */
export function completeAwards(rows: AwardDraft[]): EnterpriseAward[] {
  return rows.filter((row): row is { award: AwardType; year: number | null } => row.award !== '').map((row) => ({ award: row.award, year: row.year ?? null }));
}
