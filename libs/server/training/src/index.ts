export * from './training-records.repository';
export * from './ledger.service';
export * from './training.service';
export * from './hours-certificates.service';
export * from './training-import.service';
export * from './training.module';
export { ShortfallQueryDto } from './dtos/training.dto';
