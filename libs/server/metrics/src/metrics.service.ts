import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';
import { QueueHandles } from '@cqo/server-queue';
import { MetricsRepository } from './metrics.repository';

/** How far back the audit-derived series look (the lockout rule's own window). */
const RECENT_MINUTES = 15;

/**
 * The metrics of one process in Prometheus' text format (issue 22): request rate and latency per
 * route (the api), and, read when scraped, the state every process shares: queue depth and the age
 * of the oldest waiting job per queue, failed jobs, outbox lag, the age of each year's statistics
 * snapshot, sign-in failures and lockouts, rejected uploads. A registry of its own (not prom-client's
 * global one), so two apps in one process never mix their series. The scrape reads Redis and
 * PostgreSQL on the pool, outside any transaction; an unreachable Redis gives `cqo_redis_up 0` and
 * no queue series, never a failed scrape.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly shared: MetricsRepository,
    private readonly clock: Clock,
    private readonly handles: QueueHandles,
  ) {
    const registers = [this.registry];
    const scrapeTime = new Gauge({ name: 'cqo_scrape_shared_state_seconds', help: 'Time the last scrape spent reading the shared state (Redis and PostgreSQL).', registers: [this.registry] });
    this.httpRequests = new Counter({ name: 'cqo_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'cqo_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const redisUp = new Gauge({ name: 'cqo_redis_up', help: '1 when Redis answered this scrape, else 0.', registers });
    const queueJobs = new Gauge({ name: 'cqo_queue_jobs', help: 'Jobs in each bull queue, by state.', labelNames: ['queue', 'state'], registers });
    const queueAge = new Gauge({ name: 'cqo_queue_oldest_waiting_seconds', help: 'Age of the oldest job waiting in each queue (0 when none waits).', labelNames: ['queue'], registers });
    const outboxRows = new Gauge({ name: 'cqo_outbox_rows', help: 'Outbox rows not yet done, by state: pending (not relayed), relayed (not completed), failed (given up).', labelNames: ['state'], registers });
    const outboxLag = new Gauge({ name: 'cqo_outbox_lag_seconds', help: 'Age of the oldest outbox row neither done nor given up (0 when none).', registers });
    const snapshotAge = new Gauge({
      name: 'cqo_stats_snapshot_age_seconds',
      help: "Time since each year's statistics snapshot was built; closed years are kept as built.",
      labelNames: ['year', 'closed'],
      registers,
    });
    const signinFailures = new Gauge({ name: 'cqo_signin_failures_recent', help: `Failed sign-ins in the last ${RECENT_MINUTES} minutes (audit log).`, registers });
    const lockouts = new Gauge({ name: 'cqo_signin_lockouts_recent', help: `Sign-in lockouts started in the last ${RECENT_MINUTES} minutes (audit log).`, registers });
    const uploadRejections = new Gauge({ name: 'cqo_upload_rejections_recent', help: `Imports that failed (caps, format) in the last ${RECENT_MINUTES} minutes.`, registers });
    // Read when scraped (`text`), before the registry is serialised: prom-client reads the series
    // of a scrape concurrently, so a collector on one of them would not fill the others in time.
    this.collectShared = async () => {
      const started = performance.now();
      queueJobs.reset();
      queueAge.reset();
      snapshotAge.reset();
      const now = this.clock.now().getTime();
      redisUp.set((await this.readQueues(queueJobs, queueAge, now)) ? 1 : 0);
      const o = await this.shared.outboxState();
      outboxRows.set({ state: 'pending' }, o.pending);
      outboxRows.set({ state: 'relayed' }, o.relayed);
      outboxRows.set({ state: 'failed' }, o.failed);
      outboxLag.set(o.oldest ? Math.max(0, (now - new Date(o.oldest).getTime()) / 1000) : 0);
      for (const s of await this.shared.snapshots()) {
        snapshotAge.set({ year: String(s.year), closed: String(s.closed) }, Math.max(0, (now - new Date(s.built_at).getTime()) / 1000));
      }
      const since = new Date(now - RECENT_MINUTES * 60_000);
      const a = await this.shared.signIns(since);
      signinFailures.set(a.failures);
      lockouts.set(a.lockouts);
      uploadRejections.set(await this.shared.failedImports(since));
      scrapeTime.set((performance.now() - started) / 1000);
    };
  }

  /** Fills the queue series; false when Redis did not answer. */
  private async readQueues(jobs: Gauge<'queue' | 'state'>, age: Gauge<'queue'>, now: number): Promise<boolean> {
    try {
      for (const q of this.handles.queues) {
        const counts = await withTimeout(q.getJobCounts(), 1000);
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) jobs.set({ queue: q.name, state }, counts[state] ?? 0);
        const [oldest] = await withTimeout(q.getWaiting(0, 0), 1000);
        age.set({ queue: q.name }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
      }
      return true;
    } catch (err) {
      this.logger.debug(`metrics: Redis did not answer: ${(err as Error).message}`);
      jobs.reset();
      age.reset();
      return false;
    }
  }

  private readonly collectShared: () => Promise<void>;

  async text(): Promise<string> {
    await this.collectShared();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Whether a scrape may read the metrics: with METRICS_TOKEN set, only with that bearer token; without it, not in production. */
  allows(authorization: string | undefined): boolean {
    const token = this.config.metrics.token;
    if (!token) return this.config.env !== 'production';
    return authorization === `Bearer ${token}`;
  }

}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
