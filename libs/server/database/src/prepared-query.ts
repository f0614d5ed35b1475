import type { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A hot read sent as a named prepared statement on a pool connection outside any transaction:
 * each connection parses and plans it once (PostgreSQL keeps the generic plan after five runs),
 * instead of planning it afresh every call. For the few statements run on every request of the
 * year-end rush (issue 16); `name` must be unique per statement text.
 */
export async function preparedQuery<T>(ds: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (ds.driver as unknown as { master: PgPool }).master;
  const res = await pool.query({ name, text, values });
  return res.rows as T[];
}
