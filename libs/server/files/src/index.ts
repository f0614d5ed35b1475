export * from './file-jobs.repository';
export * from './file-jobs.service';
export * from './file-jobs.module';
