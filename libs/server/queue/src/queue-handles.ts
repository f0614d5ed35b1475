import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Bull from 'bull';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { QueueName } from './queue-names';
import { redisOptions } from './redis';

/**
 * Read-only bull handles of every queue, for a process that looks at the queues without running
 * them (the api's queue board, the metrics of the api and the worker). Connected at once, and
 * never queueing a command while Redis is away: a look at the queues then fails at once instead of
 * waiting for Redis; an outage never crashes the process.
 */
@Injectable()
export class QueueHandles implements OnApplicationShutdown {
  readonly queues: Bull.Queue[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queues = Object.values(QueueName).map(
      (name) => new Bull(name, { redis: { ...redisOptions(config.redisUrl), maxRetriesPerRequest: 1, enableOfflineQueue: false }, prefix: config.redisPrefix }),
    );
    for (const q of this.queues) {
      q.on('error', () => undefined);
      q.isReady().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}
