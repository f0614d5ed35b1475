export * from './annual-report';
export * from './schedule';
