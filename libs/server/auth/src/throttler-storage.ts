import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { redisOptions } from '@cqo/server-queue';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The sign-in and verification throttles, shared by every api replica through Redis (issue 21:
 * "sign-in and verify throttles live in each api process", so N replicas let N times the limit
 * through). Redis away, each process counts on its own until it is back, so sign-in keeps working
 * (the per-account lockout lives in PostgreSQL and stays exact either way).
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(SharedThrottlerStorage.name);
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private warned = false;

  constructor(redisUrl: string, prefix: string) {
    this.redis = new Redis({ ...redisOptions(redisUrl), keyPrefix: `${prefix}:throttle:`, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.redis.on('error', () => undefined);
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerRecord> {
    if (this.redis.status === 'ready') {
      try {
        const r = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
        this.warned = false;
        return r;
      } catch (err) {
        this.warnOnce(err);
      }
    } else this.warnOnce(new Error(`Redis is ${this.redis.status}`));
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private warnOnce(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(`throttles counted in this process only until Redis answers: ${(err as Error).message}`);
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
    this.redis.disconnect();
  }
}
