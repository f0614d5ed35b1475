/**
 * A record id: a UUID in its hyphenated form, any version, either case (validator.js's "loose"
 * UUID, what PostgreSQL's `uuid` type reads). The one check of an id from a path, a query or a
 * payload before it reaches SQL, so a malformed id is a 404 (or is skipped), never a 500.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
