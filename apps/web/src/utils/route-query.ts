import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { yearFromQuery } from './filings';

/** The first string of a query value ('' when absent). */
export function firstString(value: LocationQuery[string]): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** `value` if it is one of `allowed`, else ''. */
export function oneOf<T extends string>(value: string, allowed: readonly T[]): T | '' {
  return (allowed as readonly string[]).includes(value) ? (value as T) : '';
}

/** A page number from the URL; 1 when absent or not a positive integer. */
export function pageOf(value: LocationQuery[string]): number {
  const page = Number.parseInt(firstString(value), 10);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The query with empty values and page 1 left out, so the URL holds only what was chosen. */
export function compactQuery(values: Record<string, string | number>): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === '' || (key === 'page' && value === 1)) continue;
    query[key] = String(value);
  }
  return query;
}

/**
 * A page's one filter, the year, in the URL (`?year=`): the page's usual year is left out, any other
 * is kept within [first, last] (a year that is not a number gives the usual one).
 */
export function yearQuery(usual: number, first: number, last: number): {
  parse: (query: LocationQuery) => { year: number };
  toQuery: (filters: { year: number }) => Record<string, string | number>;
} {
  return {
    parse: (query) => ({ year: yearFromQuery(firstString(query.year), usual, first, last) }),
    toQuery: (filters) => ({ year: filters.year === usual ? '' : filters.year }),
  };
}
