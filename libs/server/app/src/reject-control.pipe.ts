import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { AppException } from '@cqo/server-common';

/** Deeper than any request body the api takes: a value nested further is not looked into. */
const MAX_DEPTH = 8;
/** C0 controls other than tab, line feed and carriage return, and DEL. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A UTF-16 surrogate without its pair: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const bad = (s: string) => CONTROL.test(s) || LONE_SURROGATE.test(s);

/**
 * Refuses a request whose query, parameters or body hold a string with a control character (NUL
 * and the other C0 controls except tab and line breaks) or a lone surrogate, before any handler
 * runs (issue 18): PostgreSQL cannot store a NUL and fails the statement with a 500, and the
 * others end up in names, the audit log and the 统计表. The 400 names the field.
 */
export class RejectControlCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = findBad(value, metadata.data ?? '', 0);
    if (field !== null) {
      const name = field || metadata.type;
      throw AppException.validation([{ field: name, code: 'controlCharacter', message: `${name} 含有不允许的控制字符或无效字符，请删除后重试` }]);
    }
    return value;
  }
}

/** The path of the first string (or key) holding a refused character, or null. */
function findBad(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return bad(value) ? path : null;
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [key, v] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (bad(key)) return at.replace(/[\u0000-\u001F\u007F\uD800-\uDFFF]/g, '');
    const hit = findBad(v, at, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}
