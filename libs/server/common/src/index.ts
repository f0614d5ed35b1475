export * from './app-config';
export * from './app-exception';
export * from './clock';
export * from './validation';
export * from './http-exception.filter';
export * from './actor';
export * from './core.module';
export * from './job-progress';
