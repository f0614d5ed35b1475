import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { MetricsService } from './metrics.service';

/**
 * The worker has no HTTP api: with METRICS_PORT set it answers `GET /metrics` on that port (0: a
 * free one, for tests), with the same token rule as the api's `/api/metrics`.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server: Server | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The port it listens on (null when METRICS_PORT is not set). */
  get port(): number | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? a.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === null) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics' || !this.metrics.allows(req.headers.authorization)) {
        res.writeHead(404).end();
        return;
      }
      this.metrics.text().then(
        (body) => res.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' }).end(body),
        (err: unknown) => {
          this.logger.error(`metrics scrape failed: ${(err as Error).message}`);
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.metrics.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`worker metrics on http://${this.config.metrics.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise((r) => s.close(r));
  }
}
