import { loadConfig } from './app-config';

const base = { DATABASE_URL: 'postgres://x' } as NodeJS.ProcessEnv;

describe('database settings', () => {
  it('defaults: a pool of 10, 30 s to get a connection, 30 s per statement, 60 s idle in a transaction', () => {
    expect(loadConfig(base).db).toEqual({ poolSize: 10, acquireTimeoutMs: 30_000, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 });
  });

  it('reads each from the environment and refuses what is not a positive integer', () => {
    const env = { ...base, DB_POOL_SIZE: '3', DB_ACQUIRE_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '1000', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2000' };
    expect(loadConfig(env).db).toEqual({ poolSize: 3, acquireTimeoutMs: 500, statementTimeoutMs: 1000, idleInTransactionTimeoutMs: 2000 });
    expect(() => loadConfig({ ...base, DB_POOL_SIZE: '0' })).toThrow('DB_POOL_SIZE must be a positive integer');
  });

  it('the transaction guard is on in development and test, off in production, and can be turned off', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).transactionGuard).toBe(true);
    expect(loadConfig(base).transactionGuard).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).transactionGuard).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'test', CQO_TRANSACTION_GUARD: 'off' }).transactionGuard).toBe(false);
  });
});
