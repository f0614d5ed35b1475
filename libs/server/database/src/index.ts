export * from './data-source-options';
export * from './database.module';
export * from './migrate';
export * from './gbt2260';
export * from './ledger-hash';
export * from './transaction-guard';
export * from './prepared-query';
