export * from './region-stat.entity';
export * from './stats.service';
export * from './stats.module';
