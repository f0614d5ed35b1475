export * from './credit-code';
export * from './masking';
export * from './regions';
