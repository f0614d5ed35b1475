import pg from 'pg';

/** Runs `work` with a connected pg client on `conn`, closing it afterwards. */
export async function withClient(conn, work) {
  const c = new pg.Client({ connectionString: conn });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}
