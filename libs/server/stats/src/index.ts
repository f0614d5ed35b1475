export * from './snapshot.service';
export * from './stats.service';
export * from './stats.module';
export * from './aggregate.sql';
export { AssessmentQueryDto } from './dtos/stats.dto';
