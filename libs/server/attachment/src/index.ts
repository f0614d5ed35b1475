export * from './attachment-export.service';
export * from './attachment.module';
