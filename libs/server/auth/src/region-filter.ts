/**
 * "This region and below" (SPEC §1), the one way a query limits a `region_path` column (or the
 * `region` table's own `path`) to a region's subtree (issue 19). Paths are materialised
 * (`/420000/420100/`) and always end with the separator, so a region's pattern never matches a
 * sibling whose code merely starts the same (`/420000/420100/%` does not match `/420000/4201001/`);
 * LIKE's wildcards are escaped.
 */

/** The LIKE pattern for the subtree of `path`: escaped, ending with the separator then `%`. */
export function regionSubtreePattern(path: string): string {
  const dir = path.endsWith('/') ? path : `${path}/`;
  return `${dir.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `alias.region_path LIKE <pattern>` (no alias: the bare column), where `pattern` is a placeholder already bound to
 * regionSubtreePattern(...) (`$1`, `:scopePath`) or an SQL expression that yields such a pattern
 * (`g.path || '%'`: a path column of `region`, codes and slashes only, nothing to escape).
 */
export function inRegionSql(alias: string, pattern: string): string {
  return likeSql(alias, 'region_path', pattern);
}

/**
 * The rows of the `region` table itself in a subtree (the region and everything below it):
 * `alias.path LIKE <pattern>` (no alias: the bare column), `pattern` as for inRegionSql.
 */
export function regionsInSubtreeSql(alias: string, pattern: string): string {
  return likeSql(alias, 'path', pattern);
}

function likeSql(alias: string, column: string, pattern: string): string {
  return `${alias ? `${alias}.` : ''}${column} LIKE ${pattern}`;
}

/** The same for raw SQL with positional parameters: pushes the subtree pattern of `path` onto `params`. */
export function inRegion(alias: string, path: string, params: unknown[]): string {
  return inRegionSql(alias, `$${params.push(regionSubtreePattern(path))}`);
}

/** The fragment and its named parameter (TypeORM query builders). */
export function inRegionNamed(alias: string, path: string, name = 'regionPath'): { sql: string; params: Record<string, string> } {
  return { sql: inRegionSql(alias, `:${name}`), params: { [name]: regionSubtreePattern(path) } };
}

/**
 * The subtree of the region whose code is bound to `codePlaceholder`, looked up inside the same
 * statement; a code that does not exist matches nothing.
 */
export function inRegionOfCode(alias: string, codePlaceholder: string): string {
  return inRegionSql(alias, `(SELECT r.path || '%' FROM region r WHERE r.code = ${codePlaceholder})`);
}
