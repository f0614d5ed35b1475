import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { OutboxService } from './outbox.service';
import { UnitOfWork } from './unit-of-work';
import { OutboxRelayService } from './outbox-relay.service';
import { QueueName } from './queue-names';
import { redisOptions } from './redis';

/** The outbox writer and the unit of work (transaction + audit + outbox), for every process that changes data. */
@Global()
@Module({
  providers: [OutboxService, UnitOfWork],
  exports: [OutboxService, UnitOfWork],
})
export class OutboxModule {}

/** Bull queues and the outbox relay: only the worker process imports this. */
@Module({})
export class QueueModule {
  static forWorker(): DynamicModule {
    const queues = Object.values(QueueName).map((name) => ({ name }));
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            redis: redisOptions(config.redisUrl),
            prefix: config.redisPrefix,
            // A job whose worker died is handed to another worker once its lock runs out.
            settings: { lockDuration: config.queueLockMs, stalledInterval: config.queueLockMs },
          }),
        }),
        BullModule.registerQueue(...queues),
      ],
      providers: [OutboxRelayService],
      exports: [BullModule, OutboxRelayService],
    };
  }
}
