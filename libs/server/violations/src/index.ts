export * from './violations.module';
export * from './violations.service';
