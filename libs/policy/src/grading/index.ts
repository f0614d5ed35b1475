export * from './schemes';
export * from './grade';
export * from './certificates';
export * from './preconditions';
export * from './workflow';
