export * from './credit-code';
export * from './masking';
export * from './regions';
export * from './eligibility';
export * from './training';
export * from './grading';
export * from './filings';
export * from './stats';
