export * from './eligibility.module';
export * from './eligibility.service';
export * from './profiles.service';
export * from './jobs/nightly-schedule.service';
export * from './appointment-sql';
export * from './appointments.repository';
export * from './register-sql';
