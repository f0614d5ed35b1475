export * from './audit.service';
export * from './audit.controller';
export * from './audit.module';
export * from './audit-chain.service';
