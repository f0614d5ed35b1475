import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException, Public } from '@cqo/server-common';
import { MetricsService } from './metrics.service';

/**
 * `GET /api/metrics`, for Prometheus (issue 22). Not a user's route: it has no session; with
 * METRICS_TOKEN set it answers only to that bearer token (deploy/prometheus sends it), and in
 * production without one it is not served. `/api/health` stays the liveness answer.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!this.metrics.allows(authorization)) throw AppException.notFound('页面');
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return this.metrics.text();
  }
}
