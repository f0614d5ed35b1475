export * from './health.module';
export * from './worker-heartbeat.service';
