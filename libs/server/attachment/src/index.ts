export * from './attachment-export.service';
export * from './attachment-layout';
export * from './attachment.module';
export * from './attachment.repository';
