export * from './metrics.module';
export * from './metrics.service';
export * from './worker-metrics.server';
