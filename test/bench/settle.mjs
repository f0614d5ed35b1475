import { withClient } from './with-client.mjs';

/**
 * Waits for PostgreSQL to settle before a timed step: the step before it leaves work behind (dirty
 * buffers to write, autovacuum of the tables it filled), which would otherwise land on whichever
 * step comes next (in an ABAB… bench, always the same side). A CHECKPOINT writes the buffers; then
 * it waits (at most 60 s) until no autovacuum worker runs. `conn`: a superuser's connection string.
 */
export async function settle(conn) {
  await withClient(conn, async (c) => {
    await c.query('CHECKPOINT');
    for (let i = 0; i < 120; i += 1) {
      const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`)).rows;
      if (!n) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  });
}
