import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  // Most fields need no escaping: test first, replace only when needed.
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/**
 * `COPY … FROM STDIN` of `rows` (each made a text-format line by `line`) on the connection the
 * caller's transaction runs on: already taken from the pool, so no second acquire. Lines are sent
 * 64 Ki characters at a time (pg-copy-streams sends every chunk it is given as its own message).
 */
export async function copyIn<T>(m: EntityManager, sql: string, rows: T[], line: (r: T) => string): Promise<void> {
  if (!m.queryRunner) throw new Error('copyIn: COPY needs the transaction\'s EntityManager');
  const client = (await m.queryRunner.connect()) as { query(stream: Writable): Writable };
  const copy = client.query(copyFrom(sql));
  const done = new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
  });
  let buffer = '';
  for (const r of rows) {
    buffer += line(r);
    if (buffer.length >= 1 << 16) {
      const ok = copy.write(buffer);
      buffer = '';
      if (!ok) await new Promise((resolve) => copy.once('drain', resolve));
    }
  }
  copy.end(buffer);
  await done;
}
