export * from './metrics.module';
export * from './metrics.service';
export * from './metrics.repository';
export * from './worker-metrics.server';
