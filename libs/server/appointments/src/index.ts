export * from './appointments.module';
export * from './appointments.service';
export { EligibilityService } from '@cqo/server-eligibility';
