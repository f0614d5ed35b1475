/**
 * Materialised region paths: `/420000/420100/420102/`. A subtree is every path with the
 * prefix, which a btree index with text_pattern_ops answers without a scan (the LIKE pattern and
 * the SQL fragments: libs/server/auth region-filter.ts).
 */
export function regionPath(ancestorsAndSelf: readonly string[]): string {
  return `/${ancestorsAndSelf.join('/')}/`;
}
