export * from './roster-columns';
export * from './roster-row';
