import { Client } from 'pg';

/**
 * Every statement sent to PostgreSQL while `work` runs, in order, whether through TypeORM or
 * straight through pg (named prepared statements): one entry per round trip.
 */
export async function recordStatements(work: () => Promise<unknown>): Promise<string[]> {
  const proto = Client.prototype as unknown as { query: (q: unknown, ...rest: unknown[]) => unknown };
  const original = proto.query;
  const seen: string[] = [];
  proto.query = function (this: unknown, q: unknown, ...rest: unknown[]) {
    const text = typeof q === 'string' ? q : String((q as { text?: string }).text ?? '');
    seen.push(text.replace(/\s+/g, ' ').trim());
    return original.call(this, q, ...rest);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return seen;
}
