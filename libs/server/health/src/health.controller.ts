import { Controller, Get, Inject, OnModuleDestroy } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, Public, type AppConfig } from '@cqo/server-common';
import { redisOptions } from '@cqo/server-queue';
import { FILE_STORAGE, type FileStorage } from '@cqo/server-storage';
import { HEARTBEAT_STALE_SECONDS } from './worker-heartbeat.service';

@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly dataSource: DataSource,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new Redis({ ...redisOptions(config.redisUrl), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined); // reported through the check, not the process
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      () => this.redisCheck(),
      () => this.workerCheck(),
      () => this.outboxCheck(),
      () => this.storeCheck(),
    ]);
  }

  /**
   * The file store (issue 21): the bucket answers a HeadBucket (`CQO_S3_*`), or the folder
   * (`CQO_FILES_DIR`) takes a file. Down when it does not within 2 s: uploads, exports and the
   * frozen 统计表 would fail, so a replica that cannot reach the store is not ready.
   */
  private async storeCheck() {
    const r = this.indicators.check('store');
    const where = { kind: this.storage.kind, location: this.storage.location };
    try {
      await this.storage.probe(2000);
      return r.up(where);
    } catch (err) {
      return r.down({ ...where, message: (err as Error).message });
    }
  }

  private async redisCheck() {
    const r = this.indicators.check('redis');
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect().catch(() => undefined);
      const pong = await Promise.race([this.redis.ping(), new Promise<string>((_, rej) => setTimeout(() => rej(new Error('timeout')), 1500))]);
      return pong === 'PONG' ? r.up() : r.down({ message: String(pong) });
    } catch (err) {
      return r.down({ message: (err as Error).message });
    }
  }

  /**
   * The outbox (issue 18 item 9): rows waiting for the relay, and jobs the relay gave up on after
   * all attempts and re-sends (failed, in docs/deploy.md). Reported, never a reason to be down: a
   * failed job needs an operator, not a restart of the api.
   */
  private async outboxCheck() {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)::int AS pending,
              (SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL)::int AS failed`,
    );
    return this.indicators.check('outbox').up({ pending: row.pending, failed: row.failed });
  }

  private async workerCheck() {
    const r = this.indicators.check('worker');
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS alive, max(last_seen_at) AS last FROM worker_heartbeat WHERE last_seen_at > now() - make_interval(secs => $1)`,
      [HEARTBEAT_STALE_SECONDS],
    );
    return row.alive > 0 ? r.up({ workers: row.alive }) : r.down({ message: `没有在${HEARTBEAT_STALE_SECONDS}秒内报到的后台任务进程` });
  }
}
