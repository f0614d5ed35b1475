export * from './roles';
export * from './errors';
export * from './api';
export * from './queries';
export * from './cqo';
export * from './training';
export * from './filings';

export * from './stats';
export * from './files';
export * from './evaluation';
export * from './enterprise-changes';
export * from './lists';
export * from './audit-labels';
export * from './ids';
