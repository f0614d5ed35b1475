export * from './queue-names';
export * from './schedules';
export * from './outbox.entity';
export * from './outbox.service';
export * from './unit-of-work';
export * from './outbox-relay.service';
export * from './queue.module';
export * from './redis';
