import { clearTransactionGuardViolations, TransactionGuardError, transactionGuardViolations, withHeldConnection } from '@cqo/server-database';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

/**
 * The transaction guard (issue 16: nothing inside a transaction may reach for a second pool
 * connection) also covers a connection held by hand: a QueryRunner whose transaction was opened with
 * `startTransaction`, as the statistics snapshot holds one (with its session lock) for a drain, a
 * rebuild or a hold. Inside `withHeldConnection(work)` a pool query throws, naming the caller; queries
 * on the runner itself go on; after it, the caller uses the pool again.
 */
describe('the transaction guard covers a connection held on a QueryRunner (issue 16)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ DATABASE_URL: await privateDatabase('guard_qr'), CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:guard-qr` }) });
  }, 60_000);
  afterAll(() => t?.close());

  /** What the statistics snapshot does: connect a runner, then open its transaction and work inside withHeldConnection. */
  async function holding(work: (run: (sql: string) => Promise<unknown>) => Promise<void>): Promise<void> {
    const qr = t.db.createQueryRunner();
    await qr.connect();
    await withHeldConnection(async () => {
      try {
        await qr.startTransaction('REPEATABLE READ');
        await work((sql) => qr.query(sql));
        await qr.commitTransaction();
      } finally {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
    });
  }

  it('a pool query while the runner is held throws TransactionGuardError and is recorded; the runner itself still answers', async () => {
    clearTransactionGuardViolations();
    let refused: unknown;
    await holding(async (run) => {
      expect(await run('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      // A helper awaited from the holder is inside too.
      const helper = async () => t.db.query('SELECT 2');
      refused = await helper().catch((e: unknown) => e);
    });
    expect(refused).toBeInstanceOf(TransactionGuardError);
    expect(transactionGuardViolations()).toHaveLength(1);
    expect(transactionGuardViolations()[0].caller).toContain('held-connection-guard.e2e-spec');
    clearTransactionGuardViolations();
  });

  it('after the held work the pool answers again, in the holder and in its caller (as the CLI rebuilds, then holds on the pool)', async () => {
    const holder = async () => {
      await holding(async (run) => {
        await run('SELECT 0');
      });
      return t.db.query('SELECT 3 AS three');
    };
    expect(await holder()).toEqual([{ three: 3 }]);
    expect(await t.db.query('SELECT 4 AS four')).toEqual([{ four: 4 }]);
    expect(transactionGuardViolations()).toEqual([]);
  });
});
