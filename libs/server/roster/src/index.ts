export * from './roster-import.service';
export * from './roster.module';
