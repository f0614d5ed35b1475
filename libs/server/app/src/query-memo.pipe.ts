import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';

/** Distinct query strings remembered per DTO class. */
const PER_DTO = 500;

/**
 * The global validation pipe, with a memory for query DTOs: validating and transforming the same
 * query (`?region=420100&year=2026`) into the same DTO was a visible share of a cached dashboard
 * request. Only a query that passed is remembered (a refused one is validated each time and
 * answers the same field-level error); every call gets its own copy of the DTO. The validators of
 * a query DTO depend on nothing but the query, which is what makes this safe.
 */
export class QueryMemoPipe implements PipeTransform {
  private readonly memo = new Map<unknown, Map<string, object>>();

  constructor(private readonly inner: PipeTransform) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'query' || metadata.data || typeof metadata.metatype !== 'function' || metadata.metatype === Object || typeof value !== 'object' || value === null) {
      return this.inner.transform(value, metadata);
    }
    let byKey = this.memo.get(metadata.metatype);
    if (!byKey) this.memo.set(metadata.metatype, (byKey = new Map()));
    const key = JSON.stringify(value);
    const hit = byKey.get(key);
    if (hit) return copy(hit);
    const out: unknown = await this.inner.transform(value, metadata);
    if (typeof out === 'object' && out !== null) {
      byKey.set(key, copy(out));
      if (byKey.size > PER_DTO) byKey.delete(byKey.keys().next().value!);
    }
    return out;
  }
}

/** A copy a handler may change without changing the remembered one (query DTOs hold primitives, dates and arrays of them). */
function copy<T extends object>(dto: T): T {
  const out = Object.create(Object.getPrototypeOf(dto)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(dto)) out[k] = Array.isArray(v) ? v.slice() : v instanceof Date ? new Date(v.getTime()) : v;
  return out as T;
}
