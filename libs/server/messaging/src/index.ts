export * from './templates';
export * from './quiet-hours';
export * from './senders';
export * from './messaging.service';
export * from './messaging.module';
export { MessagesProcessor, MessagesSweepScheduleService } from './messages.processor';
