import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { AppException } from '@cqo/server-common';

/** Deeper than any request body the api takes: a value nested further is not looked into. */
const MAX_DEPTH = 8;

/**
 * Refuses a request whose query, parameters or body hold a string with a NUL character (U+0000)
 * before any handler runs: PostgreSQL cannot store or compare it and would fail the statement
 * with a 500 (issue 18). The 400 names the field, like any validation error.
 */
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = findNul(value, metadata.data ?? '', 0);
    if (field !== null) {
      const name = field || metadata.type;
      throw AppException.validation([{ field: name, code: 'nulCharacter', message: `${name} 含有不允许的空字符（NUL），请删除后重试` }]);
    }
    return value;
  }
}

/** The path of the first string holding U+0000, or null. */
function findNul(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [key, v] of entries) {
    if (key.includes('\u0000')) return path ? `${path}.${key.replace(/\u0000/g, '')}` : key.replace(/\u0000/g, '');
    const hit = findNul(v, path ? `${path}.${key}` : key, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}
