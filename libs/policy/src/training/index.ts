export * from './compliance';
export * from './validate-record';
