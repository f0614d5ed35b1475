export * from './api.module';
export * from './worker.module';
export * from './configure-app';
export * from './logger';
