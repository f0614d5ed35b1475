export * from './file-jobs.repository';
export * from './file-jobs.service';
export * from './file-job-runner';
export * from './file-jobs.module';
