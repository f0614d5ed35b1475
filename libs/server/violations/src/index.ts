export * from './violations.module';
export * from './violations.service';
export * from './dtos/violation.dto';
