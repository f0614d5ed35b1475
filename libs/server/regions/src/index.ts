export * from './region.entity';
export * from './regions.service';
export * from './regions.module';
