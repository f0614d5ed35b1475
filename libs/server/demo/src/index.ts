export * from './demo-data.generator';
export * from './demo-cqo.generator';
export * from './demo-evaluation.generator';
export * from './demo-seed.service';
export * from './demo.module';
