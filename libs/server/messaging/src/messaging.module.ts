import { Module } from '@nestjs/common';
import { MessagesProcessor } from './messages.processor';
import { MessagingController } from './messaging.controller';
import { MessagingService } from './messaging.service';
import { EmailSender, SmsSender } from './senders';

/** E-mail and SMS for the api: queueing in the caller's transaction, preferences, the delivery log. */
@Module({
  controllers: [MessagingController],
  providers: [MessagingService, EmailSender, SmsSender],
  exports: [MessagingService],
})
export class MessagingModule {}

/** The worker's part: queueing (the daily reminders) and the `messages` queue's processor. */
@Module({
  providers: [MessagingService, EmailSender, SmsSender, MessagesProcessor],
  exports: [MessagingService],
})
export class MessagingWorkerModule {}
