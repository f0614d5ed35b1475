export * from './xlsx-limits';
export * from './xlsx-guard';
export * from './xlsx-reader';
export * from './error-report';
export * from './import-runs';
