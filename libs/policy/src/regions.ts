/**
 * Materialised region paths: `/420000/420100/420102/`. A subtree is every path with the
 * prefix, which a btree index with text_pattern_ops answers without a scan.
 */
export function regionPath(ancestorsAndSelf: readonly string[]): string {
  return `/${ancestorsAndSelf.join('/')}/`;
}

/** The LIKE pattern for a region and everything below it. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function isWithin(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}
