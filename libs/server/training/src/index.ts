export * from './ledger.service';
export * from './training.service';
export * from './certificates.service';
export * from './training-import.service';
export * from './training.module';
