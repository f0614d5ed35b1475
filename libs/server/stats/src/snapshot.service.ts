import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StatCounts, StatRunInfo } from '@cqo/contracts';
import { annualTrainingRule, chinaDate, emptyCounts, subtreePattern, sumCounts } from '@cqo/policy';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';
import { PolicyService } from '@cqo/server-eligibility';
import { filingSettingsFor } from '@cqo/server-filings';
import { ownCounts, type EnterpriseFilter, type TrainingThresholds, type YearParams } from './aggregate.sql';

/** One advisory lock serialises every write to the snapshots (full and incremental runs). */
const STATS_LOCK = 7_406_001;

export interface RegionRow {
  code: string;
  name: string;
  level: 1 | 2 | 3;
  path: string;
  parentCode: string | null;
}

export interface RunResult {
  runId: number;
  kind: 'full' | 'incremental';
  years: number[];
  rows: number;
  ms: number;
}

/**
 * Builds the statistics snapshots (SPEC §7). A run writes a new set of rows under its own run id
 * and moves `stat_current` to it in the same transaction, deleting the previous rows: readers,
 * whose every read is one statement joining `stat_current`, see the old snapshot or the new one.
 * A run killed half way leaves its transaction rolled back and its `stat_run` row 'running'; the
 * next run marks it failed.
 */
@Injectable()
export class SnapshotService {
  private readonly logger = new Logger(SnapshotService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return chinaDate(this.clock.now());
  }

  /** The years snapshots hold: the current one and `statsYears - 1` before it. */
  heldYears(): number[] {
    const current = Number(this.today().slice(0, 4));
    return Array.from({ length: this.config.statsYears }, (_, i) => current - this.config.statsYears + 1 + i);
  }

  /** Today for the current year (or a future one), Dec 31 for a past year. */
  asOfFor(year: number): string {
    const today = this.today();
    const end = `${year}-12-31`;
    return today < end ? today : end;
  }

  async provinceRegions(m: EntityManager = this.dataSource.manager): Promise<RegionRow[]> {
    const rows: { code: string; name: string; level: number; path: string; parent_code: string | null }[] = await m.query(
      `SELECT code, name, level, path, parent_code FROM region WHERE path LIKE $1 ORDER BY code`,
      [subtreePattern(`/${this.config.provinceCode}/`)],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, level: Number(r.level) as 1 | 2 | 3, path: r.path, parentCode: r.parent_code }));
  }

  async yearParams(m: EntityManager, year: number, asOf = this.asOfFor(year)): Promise<YearParams> {
    const profile = await this.policy.profileAt(asOf);
    const rule = annualTrainingRule(profile);
    const training: TrainingThresholds | null = rule
      ? { first: rule.minFirstCategory ?? 0, second: rule.minSecondCategory ?? 0, total: rule.minTotal ?? 0, activities: rule.minActivities ?? 0 }
      : null;
    const settings = await filingSettingsFor(m, this.config.provinceCode, year);
    return { year, asOf, windowOpens: settings.windowOpens, training };
  }

  /** Counts of one region's subtree, computed now (an as-of date or a year no snapshot holds). */
  async liveCounts(region: RegionRow, year: number, asOf: string): Promise<{ total: StatCounts; children: Map<string, StatCounts> }> {
    const m = this.dataSource.manager;
    const own = await ownCounts(m, { subtree: subtreePattern(region.path) }, await this.yearParams(m, year, asOf));
    const regions = (await this.provinceRegions(m)).filter((r) => r.path.startsWith(region.path));
    const totals = rollUp(regions, own);
    const children = new Map(regions.filter((r) => r.parentCode === region.code).map((r) => [r.code, totals.get(r.code) ?? emptyCounts()]));
    return { total: totals.get(region.code) ?? emptyCounts(), children };
  }

  /** Full rebuild of the given years (default: every held year). Idempotent. */
  async rebuild(opts: { years?: number[]; trigger: string }): Promise<RunResult> {
    const years = opts.years?.length ? [...new Set(opts.years)].sort() : this.heldYears();
    return this.run('full', years, null, opts.trigger, async (m, year) => {
      const params = await this.yearParams(m, year);
      const own = await ownCounts(m, { subtree: subtreePattern(`/${this.config.provinceCode}/`) }, params, 'year');
      return { asOf: params.asOf, own };
    });
  }

  /**
   * Incremental update after a change to enterprises of `regionCodes`: recounts only the
   * enterprises registered directly in those regions, for every year in the snapshot, and
   * re-sums their parents. A year whose snapshot is of another day (or missing) is rebuilt in
   * full instead, so one snapshot never mixes two as-of dates.
   */
  async refresh(regionCodes: string[], trigger: string): Promise<RunResult> {
    const current: { year: number; as_of: string }[] = await this.dataSource.query(`SELECT year, as_of::text AS as_of FROM stat_current ORDER BY year`);
    const stale = this.heldYears().filter((y) => current.find((c) => c.year === y)?.as_of !== this.asOfFor(y));
    if (stale.length) {
      const full = await this.rebuild({ years: stale, trigger: `${trigger}:catch-up` });
      if (stale.length === this.heldYears().length) return full;
    }
    const years = current.map((c) => c.year).filter((y) => !stale.includes(y));
    const paths: { path: string }[] = await this.dataSource.query(`SELECT path FROM region WHERE code = ANY($1)`, [regionCodes]);
    const filter: EnterpriseFilter = { exactPaths: paths.map((p) => p.path) };
    return this.run('incremental', years, regionCodes, trigger, async (m, year, previous) => {
      const params = await this.yearParams(m, year);
      const fresh = await ownCounts(m, filter, params);
      const own = new Map(previous);
      for (const code of regionCodes) {
        const c = fresh.get(code);
        if (c) own.set(code, c);
        else own.delete(code);
      }
      return { asOf: params.asOf, own };
    });
  }

  private async run(
    kind: 'full' | 'incremental',
    years: number[],
    regionCodes: string[] | null,
    trigger: string,
    build: (m: EntityManager, year: number, previousOwn: Map<string, StatCounts>) => Promise<{ asOf: string; own: Map<string, StatCounts> }>,
  ): Promise<RunResult> {
    const started = Date.now();
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    let runId = 0;
    try {
      const [run] = await qr.query(
        `INSERT INTO stat_run (kind, trigger, years, regions, status, backend_pid, started_at)
         VALUES ($1, $2, $3, $4, 'running', pg_backend_pid(), $5) RETURNING id`,
        [kind, trigger, years, regionCodes, this.clock.now()],
      );
      runId = Number(run.id);
      await qr.startTransaction();
      const m = qr.manager;
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [STATS_LOCK]);
      // One wide aggregate per year: JIT compilation costs seconds and saves nothing here, and the
      // joins of a province's enterprises spill to disk at the default work_mem.
      await m.query(`SET LOCAL jit = off`);
      await m.query(`SET LOCAL work_mem = '64MB'`);
      // Runs whose process died (a killed worker) never finished: mark them so.
      await m.query(
        `UPDATE stat_run SET status = 'failed', error = '进程中断（未完成，未替换快照）', finished_at = $2
          WHERE status = 'running' AND id <> $1 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = stat_run.backend_pid)`,
        [runId, this.clock.now()],
      );
      const regions = await this.provinceRegions(m);
      let rows = 0;
      for (const year of years) {
        const previous = kind === 'incremental' ? await this.currentOwn(m, year) : new Map<string, StatCounts>();
        const { asOf, own } = await build(m, year, previous);
        rows += await this.write(m, runId, year, asOf, regions, own);
      }
      if (kind === 'full' && this.config.statsRebuildPauseMs > 0) await new Promise((r) => setTimeout(r, this.config.statsRebuildPauseMs));
      const ms = Date.now() - started;
      await m.query(`UPDATE stat_run SET status = 'succeeded', finished_at = $2, rows = $3 WHERE id = $1`, [runId, this.clock.now(), rows]);
      await qr.commitTransaction();
      return { runId, kind, years, rows, ms };
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      if (runId) {
        await qr
          .query(`UPDATE stat_run SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [runId, this.clock.now(), (err as Error).message.slice(0, 500)])
          .catch(() => undefined);
      }
      this.logger.warn(`stats ${kind} run failed: ${(err as Error).message}`);
      throw err;
    } finally {
      await qr.release();
    }
  }

  private async currentOwn(m: EntityManager, year: number): Promise<Map<string, StatCounts>> {
    const rows: { region_code: string; own: StatCounts }[] = await m.query(
      `SELECT s.region_code, s.own FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year WHERE c.year = $1`,
      [year],
    );
    return new Map(rows.map((r) => [r.region_code, r.own]));
  }

  /** Writes one year's rows under `runId`, points the year at it and drops the rows it replaces. */
  private async write(m: EntityManager, runId: number, year: number, asOf: string, regions: RegionRow[], own: Map<string, StatCounts>): Promise<number> {
    const totals = rollUp(regions, own);
    for (let i = 0; i < regions.length; i += 500) {
      const values: unknown[] = [];
      const tuples = regions.slice(i, i + 500).map((r, j) => {
        values.push(runId, year, r.code, asOf, JSON.stringify(own.get(r.code) ?? emptyCounts()), JSON.stringify(totals.get(r.code) ?? emptyCounts()));
        const b = j * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::date, $${b + 5}::jsonb, $${b + 6}::jsonb)`;
      });
      await m.query(`INSERT INTO stat_snapshot (run_id, year, region_code, as_of, own, total) VALUES ${tuples.join(', ')}`, values);
    }
    await m.query(
      `INSERT INTO stat_current (year, run_id, as_of, built_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (year) DO UPDATE SET run_id = EXCLUDED.run_id, as_of = EXCLUDED.as_of, built_at = EXCLUDED.built_at`,
      [year, runId, asOf, this.clock.now()],
    );
    await m.query(`DELETE FROM stat_snapshot WHERE year = $1 AND run_id <> $2`, [year, runId]);
    return regions.length;
  }

  async runs(limit = 20): Promise<StatRunInfo[]> {
    const rows: {
      id: string;
      kind: 'full' | 'incremental';
      trigger: string;
      years: number[];
      status: StatRunInfo['status'];
      started_at: Date;
      finished_at: Date | null;
      rows: number | null;
      error: string | null;
    }[] = await this.dataSource.query(`SELECT * FROM stat_run ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      trigger: r.trigger,
      years: r.years.map(Number),
      status: r.status,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
      rows: r.rows,
      ms: r.finished_at ? new Date(r.finished_at).getTime() - new Date(r.started_at).getTime() : null,
      error: r.error,
    }));
  }

  /** Keeps 30 days of run history (snapshot rows of superseded runs are already gone). */
  async pruneRuns(): Promise<number> {
    const res = await this.dataSource.query(
      `DELETE FROM stat_run r WHERE r.started_at < $1::timestamptz - interval '30 days'
          AND r.status <> 'running' AND NOT EXISTS (SELECT 1 FROM stat_current c WHERE c.run_id = r.id)`,
      [this.clock.now()],
    );
    return Number(res?.[1] ?? 0);
  }
}

/** Sums each region's own counts into itself and every ancestor on its path. */
export function rollUp(regions: RegionRow[], own: Map<string, StatCounts>): Map<string, StatCounts> {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const parts = new Map<string, StatCounts[]>();
  for (const [code, counts] of own) {
    const region = byCode.get(code);
    if (!region) continue;
    for (const ancestor of region.path.split('/').filter(Boolean)) {
      if (!parts.has(ancestor)) parts.set(ancestor, []);
      parts.get(ancestor)!.push(counts);
    }
  }
  return new Map(regions.map((r) => [r.code, sumCounts(parts.get(r.code) ?? [])]));
}

