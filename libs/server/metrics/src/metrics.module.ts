import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { QueueHandles } from '@cqo/server-queue';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';
import { WorkerMetricsServer } from './worker-metrics.server';

/** The api's metrics: every request counted and timed, served at `/api/metrics` (issue 22). */
/** It also holds the api's one set of queue handles, which the queue board (libs/server/app) reads too. */
@Module({ providers: [QueueHandles, MetricsRepository, MetricsService, HttpMetricsMiddleware], controllers: [MetricsController], exports: [MetricsService, QueueHandles] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // '{*splat}': Nest 11's wildcard ('*' logs a LegacyRouteConverter warning at every start).
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*splat}');
  }

  /** The worker's: the shared series on METRICS_PORT (no HTTP api of its own). */
  static forWorker(): DynamicModule {
    return { module: WorkerMetricsModule };
  }
}

@Module({ providers: [QueueHandles, MetricsRepository, MetricsService, WorkerMetricsServer], exports: [MetricsService, WorkerMetricsServer] })
class WorkerMetricsModule {}
