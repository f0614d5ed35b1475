export * from './applications.service';
export * from './evaluation-certificates.service';
export * from './evaluation-settings.service';
export * from './talent-pool.service';
export * from './evaluation.module';
export * from './evidence-guard';
