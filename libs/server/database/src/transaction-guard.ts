import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** What the guard knows about the transaction whose callback is running. */
interface OpenTransaction {
  /** Where `transaction(…)` was called, to name the transaction in the error. */
  openedAt: string;
}

/** One pool acquisition from inside a transaction callback: the transaction and the caller. */
export interface TransactionGuardViolation {
  openedAt: string;
  caller: string;
}

const inTransaction = new AsyncLocalStorage<OpenTransaction>();
/** Whether any data source of this process has the guard (the held-connection marks cost nothing otherwise). */
let installed = false;
const violations: TransactionGuardViolation[] = [];
const GUARDED = Symbol('cqo.transactionGuard');

/** Every violation seen in this process since the last `clearTransactionGuardViolations()`. */
export function transactionGuardViolations(): readonly TransactionGuardViolation[] {
  return violations;
}

export function clearTransactionGuardViolations(): void {
  violations.length = 0;
}

export class TransactionGuardError extends Error {
  constructor(v: TransactionGuardViolation) {
    super(
      `A query asked the pool for a second connection from inside a transaction: it waits for a free connection while holding one, ` +
        `and with as many such requests as pool connections nothing ever finishes. Use the transaction's EntityManager, or read before the transaction opens.\n` +
        `transaction opened at:\n${v.openedAt}\nsecond connection requested by:\n${v.caller}`,
    );
    this.name = 'TransactionGuardError';
  }
}

/** The stack without this file's frames and node internals: the application code that asked. */
function callerStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines
    .filter((l) => /\/(libs|apps|test)\//.test(l) && !l.includes('transaction-guard'))
    .slice(0, 8)
    .join('\n');
}

type TransactionFn = EntityManager['transaction'];
type Guarded = { [GUARDED]?: true };

/**
 * Development/test guard (STYLE: nothing inside a transaction reaches for a second pool
 * connection). While a `dataSource.transaction(cb)` callback runs (tracked with
 * AsyncLocalStorage, so it follows every await in `cb`), a request for a new pool connection
 * throws `TransactionGuardError` naming the caller, and is recorded. The transaction's own
 * connection is taken before `cb` starts, so it is not affected. Call before `initialize()`.
 */
export function installTransactionGuard(ds: DataSource): DataSource {
  const manager = ds.manager as EntityManager & Guarded;
  const driver = ds.driver as unknown as Guarded & {
    obtainMasterConnection: () => Promise<unknown>;
    obtainSlaveConnection: () => Promise<unknown>;
  };
  if (manager[GUARDED]) return ds;
  manager[GUARDED] = true;
  installed = true;

  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((a: unknown, b?: unknown) => {
    const openedAt = callerStack();
    const wrap =
      (cb: (m: EntityManager) => Promise<unknown>) =>
      (m: EntityManager): Promise<unknown> =>
        inTransaction.run({ openedAt }, () => cb(m));
    return typeof a === 'function' ? transaction(wrap(a as never)) : transaction(a, wrap(b as never));
  }) as TransactionFn;

  for (const method of ['obtainMasterConnection', 'obtainSlaveConnection'] as const) {
    const obtain = driver[method].bind(driver);
    driver[method] = () => {
      const open = inTransaction.getStore();
      if (open) {
        const v: TransactionGuardViolation = { openedAt: open.openedAt, caller: callerStack() };
        violations.push(v);
        return Promise.reject(new TransactionGuardError(v));
      }
      return obtain();
    };
  }
  return ds;
}

/**
 * The same guard for a connection held outside a `transaction(cb)` callback: a `QueryRunner`
 * connected beforehand, with a transaction opened by `startTransaction` (and, in the statistics
 * snapshot, a session lock). `work` and everything it awaits is inside it: a pool request from there
 * throws `TransactionGuardError`. Connect the runner before calling (that takes the pool connection
 * it holds). A callback, not an enter/leave pair: `AsyncLocalStorage.enterWith` in an async function
 * leaks into its caller after it returns (the CLI's rebuild-then-hold failed on it).
 */
export function withHeldConnection<T>(work: () => Promise<T>): Promise<T> {
  return installed ? inTransaction.run({ openedAt: callerStack() }, work) : work();
}
