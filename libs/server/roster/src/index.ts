export * from './roster-import.service';
export * from './roster.module';
export * from './roster.controller';
