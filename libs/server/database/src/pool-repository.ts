import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * What a feature's repository starts from (STYLE.md "A repository owns its tables"; issue 19
 * item 2): the pool for the reads made outside any transaction, and the pool's manager for a
 * method that takes the caller's manager when the caller has no transaction. Inside a
 * transaction every method is handed that transaction's manager, never `dataSource`, so nothing
 * in a transaction asks the pool for a second connection (issue 16).
 */
@Injectable()
export abstract class PoolRepository {
  constructor(protected readonly dataSource: DataSource) {}

  /** The pool's manager, for the reads made outside any transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
