import { Injectable, Logger } from '@nestjs/common';

/** What leaves the product through an outside channel (e-mail, SMS). */
export interface OutgoingNotification {
  userId: string;
  username: string;
  title: string;
  body: string;
  link: string | null;
}

/**
 * An outside delivery channel. The in-app notification centre is the record; a channel only
 * forwards, after the write has committed, and its failure never undoes the write.
 */
export interface NotificationChannel {
  readonly name: string;
  deliver(n: OutgoingNotification): Promise<void>;
}

export const NOTIFICATION_CHANNEL = Symbol('NOTIFICATION_CHANNEL');

/** The default channel: writes one log line per notification. Replace the provider to send e-mail or SMS. */
@Injectable()
export class LogNotificationChannel implements NotificationChannel {
  readonly name = 'log';
  private readonly logger = new Logger('Notifications');

  async deliver(n: OutgoingNotification): Promise<void> {
    this.logger.log(`to ${n.username}: ${n.title}`);
  }
}
