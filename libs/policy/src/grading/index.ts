export * from './schemes';
export * from './grade';
