// Row → API item mapping: SQL rows come back in snake_case, the contracts speak camelCase.

/** `enterprise_id` → `enterpriseId`, as a type. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The named columns of `row` under their camelCase names. */
export type Picked<R, K extends keyof R & string> = { [P in K as CamelCase<P>]: R[P] };

/**
 * The one field-by-field row mapper: copies the columns named, each under its camelCase name
 * (`position_title` → `positionTitle`). Only the columns named are copied, so a column a query
 * gains later never reaches a response unseen; what needs more than a rename (masking, ISO dates,
 * derived fields) is written next to the call.
 */
export function pickCamel<R extends object, K extends keyof R & string>(row: R, columns: readonly K[]): Picked<R, K> {
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())] = row[column];
  return out as Picked<R, K>;
}

/**
 * The other way, for writes: the named fields of a record under their snake_case column names
 * (`filingType` → `filing_type`), e.g. a bulk insert's row keyed by column.
 */
export function pickSnake<T extends object>(row: T, fields: readonly (keyof T & string)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = row[field];
  return out;
}

/** A timestamp column as ISO 8601; null stays null. */
export function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
