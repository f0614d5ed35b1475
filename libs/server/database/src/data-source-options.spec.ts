import { dataSourceOptions } from './data-source-options';

describe('data source options', () => {
  it('hand the pool size and the three timeouts to node-postgres', () => {
    const o = dataSourceOptions('postgres://x/db', {}, { poolSize: 4, acquireTimeoutMs: 1500, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 });
    expect(o.extra).toMatchObject({ max: 4, connectionTimeoutMillis: 1500, statement_timeout: 30_000, idle_in_transaction_session_timeout: 60_000 });
  });
});
