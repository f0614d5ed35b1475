// The ledger's SQL helpers only: TrainingRecordsRepository, the one writer of training_record, stays inside the feature.
export { shortfallJudgedSql, toYearHours, YEAR_HOURS_SQL, type YearHoursRow } from './training-records.repository';
export * from './ledger.service';
export * from './training.service';
export * from './hours-certificates.service';
export * from './training-import.service';
export * from './training.module';
export { ShortfallQueryDto } from './dtos/training.dto';
