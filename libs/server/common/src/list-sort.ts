import { parseSort } from '@cqo/contracts';

/**
 * ORDER BY for a list's `sort` (issue 20 item 3): the column of the whitelisted key (`columns`
 * maps every key the list's DTO admits to SQL; anything else never reaches here), empty values
 * last, then the list's own default order `tail`, which ends in a unique column so pages never
 * overlap.
 */
export function orderBySort<K extends string>(sort: string | undefined, keys: readonly K[], columns: Record<K, string>, tail: string): string {
  const parsed = parseSort(sort, keys);
  return parsed ? `${columns[parsed.key]} ${parsed.desc ? 'DESC' : 'ASC'} NULLS LAST, ${tail}` : tail;
}
