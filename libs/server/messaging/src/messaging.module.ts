import { Module } from '@nestjs/common';
import { AccountsModule } from '@cqo/server-auth';
import { MessagesProcessor, MessagesSweepScheduleService } from './messages.processor';
import { MessagesRepository } from './messages.repository';
import { MessagingController } from './messaging.controller';
import { MessagingService } from './messaging.service';
import { EmailSender, SmsSender } from './senders';

/**
 * Queueing alone (`MessagingService` and the senders it asks whether a channel is configured): for a
 * module that tells people from a write of its own (the notification centre, in the api and the worker).
 * The user's contact details are written through AccountsRepository (AccountsModule: no imports, so
 * no cycle with the auth module). `message_delivery` and `message_opt_out` are read and written by
 * MessagesRepository alone (the service and the worker's processor call it).
 */
@Module({
  imports: [AccountsModule],
  providers: [MessagingService, MessagesRepository, EmailSender, SmsSender],
  exports: [MessagingService, MessagesRepository, EmailSender, SmsSender],
})
export class MessagingCoreModule {}

/** E-mail and SMS for the api: queueing in the caller's transaction, preferences, the delivery log. */
@Module({
  imports: [MessagingCoreModule],
  controllers: [MessagingController],
  exports: [MessagingCoreModule],
})
export class MessagingModule {}

/** The worker's part: queueing (the daily reminders), the `messages` queue's processor and its sweep of held messages. */
@Module({
  imports: [MessagingCoreModule],
  providers: [MessagesProcessor, MessagesSweepScheduleService],
  exports: [MessagingCoreModule],
})
export class MessagingWorkerModule {}
