import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { StatCounts, StatRunInfo } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import { annualTrainingRule, emptyCounts, sumCounts, yearAsOf } from '@cqo/policy';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';
import { STATS_REFRESH_MAX_ENTERPRISES } from '@cqo/server-queue';
import { withHeldConnection } from '@cqo/server-database';
import { inRegionSql, regionSubtreePattern, regionsInSubtreeSql } from '@cqo/server-auth';
import { EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { filingSettingsFor } from '@cqo/server-filings';
import {
  addFlat,
  consumeFilingDeltas,
  contributionsYears,
  dropContributionYears,
  dropContributions,
  dropFilingDeltas,
  flatCounts,
  heldOf,
  heldSums,
  holdContributionsSql,
  keepContributions,
  ownCounts,
  rolledEnterprises,
  takeHeldDeltas,
  yearsParams,
  unflatCounts,
  type FlatCounts,
  type TrainingThresholds,
  type YearParams,
} from './aggregate.sql';

/** One advisory lock serialises every write to the snapshots (full and incremental runs). */
const STATS_LOCK = 7_406_001;

export interface RegionRow {
  code: string;
  name: string;
  level: 1 | 2 | 3;
  path: string;
  parentCode: string | null;
}

/** What `holdCounties` did: the counties (and their enterprises) counted and held, and the runs it wrote. */
export interface HoldResult {
  counties: number;
  enterprises: number;
  runs: RunResult[];
}

export interface RunResult {
  runId: number;
  kind: 'full' | 'incremental';
  years: number[];
  rows: number;
  ms: number;
  /**
   * Closed years asked for (a past year whose snapshot was built as of its Dec 31 after that day):
   * re-counted and compared with the kept snapshot, never replaced. `differing` names the regions
   * whose counts a re-count gives otherwise (facts about that year recorded after it closed).
   */
  closed?: { year: number; asOf: string; closedAt: string; identical: boolean; differing: string[] }[];
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
  /** Query runners holding the snapshot lock (released with them). */
  private readonly locked = new WeakSet<QueryRunner>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: ProfilesService,
    private readonly eligibility: EligibilityService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The years snapshots hold: the current one and `statsYears - 1` before it. */
  heldYears(): number[] {
    const current = Number(this.clock.today().slice(0, 4));
    return Array.from({ length: this.config.statsYears }, (_, i) => current - this.config.statsYears + 1 + i);
  }

  /** Today for the current year (or a future one), Dec 31 for a past year. */
  asOfFor(year: number): string {
    return yearAsOf(year, this.clock.today());
  }

  async provinceRegions(m: EntityManager = this.dataSource.manager): Promise<RegionRow[]> {
    const rows: { code: string; name: string; level: number; path: string; parent_code: string | null }[] = await m.query(
      `SELECT code, name, level, path, parent_code FROM region WHERE ${regionsInSubtreeSql('', '$1')} ORDER BY code`,
      [regionSubtreePattern(`/${this.config.provinceCode}/`)],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, level: Number(r.level) as 1 | 2 | 3, path: r.path, parentCode: r.parent_code }));
  }

  async yearParams(m: EntityManager, year: number, asOf = this.asOfFor(year)): Promise<YearParams> {
    const training = await this.trainingAt(asOf);
    const settings = await filingSettingsFor(m, this.config.provinceCode, year);
    return { year, asOf, windowOpens: settings.windowOpens, training, dated: asOf < this.clock.today() };
  }

  /** The yearly training thresholds of the profile in force on `asOf` (through the pool unless a transaction's manager is given). */
  private async trainingAt(asOf: string, m?: EntityManager): Promise<TrainingThresholds | null> {
    const rule = annualTrainingRule(await this.profiles.profileAt(asOf, m));
    return rule ? { first: rule.minFirstCategory ?? 0, second: rule.minSecondCategory ?? 0, total: rule.minTotal ?? 0, activities: rule.minActivities ?? 0 } : null;
  }

  /** Every parameter of these years' counts, read before the run's transaction opens. */
  private async paramsFor(years: number[]): Promise<Map<number, YearParams>> {
    const out = new Map<number, YearParams>();
    for (const year of years) out.set(year, await this.yearParams(this.dataSource.manager, year));
    return out;
  }

  /** Counts of one region's subtree, computed now (an as-of date or a year no snapshot holds). */
  async liveCounts(region: RegionRow, year: number, asOf: string): Promise<{ total: StatCounts; children: Map<string, StatCounts> }> {
    const m = this.dataSource.manager;
    const params = await this.yearParams(m, year, asOf);
    // One connection for the verdicts of a past date and the count, with the settings of a rebuild
    // (no JIT: compiling the wide aggregate costs seconds and saves nothing).
    const own = await this.dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL jit = off`);
      await tx.query(`SET LOCAL work_mem = '64MB'`);
      await this.eligibility.judgeOn(tx, asOf, { pathLike: regionSubtreePattern(region.path) });
      return ownCounts(tx, { subtree: regionSubtreePattern(region.path) }, params);
    });
    const regions = (await this.provinceRegions(m)).filter((r) => r.path.startsWith(region.path));
    const totals = rollUp(regions, own);
    const children = new Map(regions.filter((r) => r.parentCode === region.code).map((r) => [r.code, totals.get(r.code) ?? emptyCounts()]));
    return { total: totals.get(region.code) ?? emptyCounts(), children };
  }

  /** The closed years (issue 17): their snapshots are kept as built; see `RunResult.closed`. */
  async closedYears(m: EntityManager = this.dataSource.manager): Promise<Map<number, { asOf: string; closedAt: string }>> {
    const rows: { year: number; as_of: string; closed_at: Date }[] = await m.query(
      `SELECT year, as_of::text AS as_of, closed_at FROM stat_current WHERE closed_at IS NOT NULL`,
    );
    return new Map(rows.map((r) => [Number(r.year), { asOf: r.as_of, closedAt: r.closed_at.toISOString() }]));
  }

  /**
   * Full rebuild of the given years (default: every held year that is not closed). Idempotent.
   * A closed year is re-counted in the same snapshot and compared with its kept figures, which stay.
   */
  async rebuild(opts: { years?: number[]; trigger: string }): Promise<RunResult> {
    const closedBefore = await this.closedYears();
    const asked = opts.years?.length ? [...new Set(opts.years)].sort() : this.heldYears();
    const years = asked.filter((y) => !closedBefore.has(y));
    const verify = opts.years?.length ? asked.filter((y) => closedBefore.has(y)) : [];
    const params = await this.paramsFor([...years, ...verify]);
    const started = Date.now();
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    return withHeldConnection(async () => {
      let runId = 0;
      try {
        // Committed before the work starts, so a run killed with its process shows as 'running' until the next run marks it failed.
        const [run] = await qr.query(
          `INSERT INTO stat_run (kind, trigger, years, regions, status, backend_pid, started_at)
           VALUES ('full', $1, $2, NULL, 'running', pg_backend_pid(), $3) RETURNING id`,
          [opts.trigger.slice(0, 80), years, this.clock.now()],
        );
        runId = Number(run.id);
        await this.lockAndBegin(qr);
        const m = qr.manager;
        await this.tune(m);
        await dropFilingDeltas(m, years);
        await this.writeFull(m, runId, new Map(years.map((y) => [y, params.get(y)!])));
        const closed: NonNullable<RunResult['closed']> = [];
        for (const year of verify) closed.push({ year, ...closedBefore.get(year)!, ...(await this.recount(m, params.get(year)!)) });
        if (this.config.statsRebuildPauseMs > 0) await new Promise((r) => setTimeout(r, this.config.statsRebuildPauseMs));
        const rows = (await this.provinceRegions(m)).length * years.length;
        await m.query(`UPDATE stat_run SET status = 'succeeded', finished_at = $2, rows = $3 WHERE id = $1`, [runId, this.clock.now(), rows]);
        await qr.commitTransaction();
        return { runId, kind: 'full', years, rows, ms: Date.now() - started, ...(verify.length ? { closed } : {}) };
      } catch (err) {
        await this.fail(qr, runId, 'full', years, null, opts.trigger, err);
        throw err;
      } finally {
        await this.unlockAndRelease(qr);
      }
    });
  }

  /**
   * Holds the parts of the current year's counties that are not held yet (issue 16). A full
   * rebuild drops the held parts, so without this each county's first change after the nightly
   * rebuild recounts the county whole (15.2 s for the largest at 1M). Run after the rebuild job:
   * the counties are counted in batches of about `batchEnterprises` enterprises, each in a short
   * transaction under the snapshot lock (the same recount-and-hold a drain does), largest first.
   * Marks waiting between batches are drained first, so a change waits for one batch at most.
   * A batch whose sums equal the snapshot's counts (no change since the rebuild) writes no run; one
   * that differs (a change not yet drained) is an incremental run, as its drain would have been.
   * Stops when every county is held or the year's snapshot is not current (a rollover, a close).
   * With `every`, each county is counted again, held or not, once (the nightly recount, see `nightly`).
   */
  async holdCounties(trigger: string, opts: { batchEnterprises?: number; every?: boolean } = {}): Promise<HoldResult> {
    const { batchEnterprises = 20_000, every = false } = opts;
    const year = this.heldYears().at(-1)!;
    const done = { counties: 0, enterprises: 0, runs: [] as RunResult[] };
    const counted: string[] = [];
    for (;;) {
      if ((await this.dirtyCount()) > 0) await this.drain(`${trigger}:drain`);
      const params = await this.paramsFor([year]);
      const p = params.get(year)!;
      const qr = this.dataSource.createQueryRunner();
      await qr.connect();
      const finished = await withHeldConnection(async (): Promise<boolean> => {
        let runId = 0;
        const batch: string[] = [];
        try {
          await this.lockAndBegin(qr);
          const m = qr.manager;
          await this.tune(m);
          const [current]: { as_of: string; closed: boolean }[] = await m.query(
            `SELECT as_of::text AS as_of, closed_at IS NOT NULL AS closed FROM stat_current WHERE year = $1`,
            [year],
          );
          const waiting: { code: string; n: number }[] =
            current && !current.closed && current.as_of === p.asOf
              ? await m.query(
                  `SELECT e.region_code AS code, count(*)::int AS n FROM enterprise e
                    WHERE ${inRegionSql('e', '$1')} AND e.region_code <> ALL($4::varchar[])
                      AND ($3 OR NOT EXISTS (SELECT 1 FROM stat_contrib_region c WHERE c.year = $2 AND c.region_code = e.region_code))
                    GROUP BY 1 ORDER BY 2 DESC, 1`,
                  [regionSubtreePattern(`/${this.config.provinceCode}/`), year, every, counted],
                )
              : [];
          let size = 0;
          for (const w of waiting) {
            if (batch.length && size + Number(w.n) > batchEnterprises) continue;
            batch.push(w.code);
            size += Number(w.n);
          }
          if (!batch.length) {
            await qr.commitTransaction();
            return true;
          }
          const started = Date.now();
          const regions = await this.provinceRegions(m);
          const own = await this.currentOwn(m, year);
          const before = new Map(batch.map((code) => [code, own.get(code) ?? emptyCounts()]));
          const { changed } = await this.moveByEnterprises(m, p, regions, own, new Set(batch), new Set(), new Set());
          const differing = changed.filter((code) => !isDeepStrictEqual(own.get(code) ?? emptyCounts(), before.get(code) ?? emptyCounts()));
          if (differing.length) {
            runId = await this.openRun(m, { kind: 'incremental', years: [year], regions: differing, trigger: `${trigger}:${every ? 'recount' : 'hold'}` });
            await this.write(m, runId, year, p.asOf, regions, own, differing);
            done.runs.push(await this.closeRun(m, runId, 'incremental', [year], regions.length, started));
          }
          await qr.commitTransaction();
          counted.push(...batch);
          done.counties += batch.length;
          done.enterprises += size;
          return false;
        } catch (err) {
          // The run's own row rolls back with it: recorded failed anew (run 0).
          if (runId) await this.fail(qr, 0, 'incremental', [year], batch, `${trigger}:${every ? 'recount' : 'hold'}`, err);
          else if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
          throw err;
        } finally {
          await this.unlockAndRelease(qr);
        }
      });
      if (finished) return done;
    }
  }

  /**
   * The nightly job (issue 16). When the current year's snapshot is of today (a drain rolled it
   * forward, or it was built today) and no past year waits to be built or closed, every county of
   * the current year is counted again in the short batches of `holdCounties`, a batch that differs
   * from the snapshot (a figure that drifted: a write without its change mark) written as a run:
   * what a rebuild corrects, without holding the snapshot lock for the whole province (21.9 s at
   * 1M, during which no change reaches a dashboard). Otherwise it is the full rebuild of every
   * held year that is not closed, and the hold after it, as before.
   */
  async nightly(trigger: string): Promise<{ rebuilt: RunResult | null; held: HoldResult }> {
    const held = this.heldYears();
    const thisYear = held.at(-1)!;
    const closed = await this.closedYears();
    const [current]: { as_of: string }[] = await this.dataSource.query(`SELECT as_of::text AS as_of FROM stat_current WHERE year = $1 AND closed_at IS NULL`, [thisYear]);
    if (held.every((y) => y === thisYear || closed.has(y)) && current?.as_of === this.asOfFor(thisYear)) {
      const recounted = await this.holdCounties(trigger, { every: true });
      // Every county counted again and found (or made) equal: the snapshot is as good as one built
      // now ("数据更新于", and the stale-snapshot alert, read built_at), even where no run was written.
      await this.dataSource.query(`UPDATE stat_current SET built_at = $3 WHERE year = $1 AND as_of = $2 AND built_at < $3`, [thisYear, current.as_of, this.clock.now()]);
      return { rebuilt: null, held: recounted };
    }
    return this.rebuildAndHold({ trigger });
  }

  /**
   * A rebuild (`rebuild`) and then every county of the current year held again (`holdCounties`):
   * the rebuild dropped the held parts, and the next changes, and the next day's roll, move a
   * county by its enterprises only once it is held. What the rebuild job, `cqo aggregate` and the
   * nightly job's rebuild do.
   */
  async rebuildAndHold(opts: { years?: number[]; trigger: string }): Promise<{ rebuilt: RunResult; held: HoldResult }> {
    const rebuilt = await this.rebuild(opts);
    return { rebuilt, held: await this.holdCounties(opts.trigger) };
  }

  /**
   * Marks statistics changes (`stats.refresh` payloads) in `stat_dirty`, set-based, in the caller's
   * transaction: one row per region and year however many changes. The regions are the named
   * enterprises' (`enterpriseId`, `enterpriseIds`) and the named `regions` (the county a moved
   * enterprise left); '*' when none is named, one of the enterprises is unknown, or more than
   * `STATS_REFRESH_MAX_ENTERPRISES` are named. Year 0 stands for every held year. A mark made again
   * gets a new `seq`, so a drain running meanwhile leaves it for the next one.
   */
  async markDirty(m: EntityManager, changes: { reason?: unknown; enterpriseId?: unknown; enterpriseIds?: unknown; regions?: unknown; years?: unknown }[]): Promise<void> {
    const rows = changes.map((c, i) => {
      const enterprises = [...new Set([c.enterpriseId, ...(Array.isArray(c.enterpriseIds) ? c.enterpriseIds : [])].filter(isUuid))];
      // More enterprises than a drain should count one by one: the whole province, rebuilt.
      const whole = enterprises.length > STATS_REFRESH_MAX_ENTERPRISES;
      const regions = Array.isArray(c.regions) ? c.regions.filter((r): r is string => typeof r === 'string' && /^\d{6}$/.test(r)) : [];
      const ys = Array.isArray(c.years) ? c.years.filter((y): y is number => Number.isInteger(y) && y >= 2000 && y <= 2100) : [];
      return {
        i,
        reason: (typeof c.reason === 'string' && c.reason ? c.reason : 'change').slice(0, 80),
        // An annual report's save, submit, acceptance or return changes only the filing counts.
        filings: typeof c.reason === 'string' && c.reason.startsWith('annual_report.'),
        enterprises: whole ? [] : enterprises,
        regions: whole ? [] : [...new Set(regions)],
        years: ys.length ? [...new Set(ys)] : [0],
      };
    });
    if (!rows.length) return;
    await m.query(
      `INSERT INTO stat_dirty (region_code, year, reason, filings_only)
       SELECT region_code, year, (array_agg(reason ORDER BY i DESC))[1], bool_and(filings)
         FROM (SELECT coalesce(k.region_code, '*') AS region_code, y.year, c.reason, c.i,
                      c.filings AND k.by_enterprise AND k.region_code IS NOT NULL AND y.year <> 0 AS filings
                 FROM jsonb_to_recordset($1::jsonb) AS c(i int, reason text, enterprises uuid[], regions text[], years int[], filings boolean)
                 -- Each named enterprise's county (an unknown one: NULL, the whole province), each named region, or the whole province.
                 CROSS JOIN LATERAL (
                   SELECT e.region_code, true FROM unnest(c.enterprises) AS n(id) LEFT JOIN enterprise e ON e.id = n.id
                   UNION ALL SELECT r.code, false FROM unnest(c.regions) AS n(code) JOIN region r ON r.code = n.code
                   UNION ALL SELECT NULL, false WHERE cardinality(c.enterprises) = 0 AND cardinality(c.regions) = 0
                 ) AS k(region_code, by_enterprise)
                 CROSS JOIN LATERAL unnest(c.years) AS y(year)) x
        GROUP BY region_code, year
       ON CONFLICT (region_code, year) DO UPDATE SET seq = nextval('stat_dirty_seq'), reason = EXCLUDED.reason, marked_at = now(),
          filings_only = stat_dirty.filings_only AND EXCLUDED.filings_only`,
      [JSON.stringify(rows)],
    );
    // The changed enterprises themselves: a county whose contributions are held moves by theirs alone.
    // (A report change is not marked so: its trigger's `stat_delta` row names the enterprise.)
    await m.query(
      `INSERT INTO stat_dirty_enterprise (enterprise_id, year)
       SELECT DISTINCT e.id, y.year FROM jsonb_to_recordset($1::jsonb) AS c(enterprises uuid[], years int[])
         CROSS JOIN LATERAL unnest(c.enterprises) AS n(id) JOIN enterprise e ON e.id = n.id CROSS JOIN LATERAL unnest(c.years) AS y(year)
       ON CONFLICT (enterprise_id, year) DO UPDATE SET seq = nextval('stat_dirty_seq')`,
      [JSON.stringify(rows.filter((r) => r.enterprises.length && !r.filings))],
    );
  }

  /** How many marks wait in `stat_dirty`. */
  async dirtyCount(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM stat_dirty`);
    return Number(row.n);
  }

  /** Whether a mark has waited longer than `leaseMs`: the drain armed for it may be gone with Redis. */
  async hasStaleMarks(leaseMs: number): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM stat_dirty WHERE marked_at < now() - make_interval(secs => $1)) AS stale`, [leaseMs / 1000]);
    return !!row?.stale;
  }

  /**
   * Recounts what `stat_dirty` marks, in one transaction under the snapshot lock (so two workers
   * take turns, and the second finds the marks the first has drained gone):
   *  - each marked county (or any region holding enterprises) is recounted for its marked years
   *    (year 0: every year `stat_current` holds), from its own enterprises only; its ancestors are
   *    re-summed from the region rows (`rollUp`), never recounted;
   *  - annual-report changes are not recounted: the report triggers left their deltas in
   *    `stat_delta`, and the run adds them to the counties' filing counts (at the year-end rush,
   *    time proportional to the reports changed, not to the counties' appointments and reports);
   *  - a past year no snapshot holds is skipped (readers compute it live until a rebuild builds
   *    it): after `cqo aggregate --year Y` a change is never a catch-up of the other years;
   *  - the current year's snapshot of an earlier day (the day rolled over since it was built) is
   *    rolled forward to today: the enterprises whose counts the dates alone move (`rolledEnterprises`)
   *    are counted again as changed ones and every row is written as of today, so one snapshot
   *    never mixes two dates and the first drain of a day costs what that day's changes cost, not a
   *    rebuild (21.9 s at 1M, issue 16). Unless the yearly training thresholds in force differ
   *    between the two days or a county of those enterprises is not held (see `roll`): then it is
   *    rebuilt in full;
   *  - a past year whose snapshot is not closed is rebuilt in full (as of its Dec 31, which closes
   *    it); so is the current year when no snapshot holds it (a new installation or a new year),
   *    and a year marked for the whole province ('*', year 0: the current year).
   * Everything is read in one REPEATABLE READ snapshot (see `lockAndBegin`). Then the marks it has
   * seen (by `seq`) are deleted; a mark made meanwhile stays for the next drain.
   * Returns the runs written (none when nothing was marked) and how many marks remain.
   */
  async drain(trigger = 'outbox'): Promise<{ runs: RunResult[]; remaining: number }> {
    const held = this.heldYears();
    const params = await this.paramsFor(held);
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    return withHeldConnection(async () => {
      const runs: RunResult[] = [];
      let attempt: { kind: 'full' | 'incremental'; years: number[]; regions: string[] | null; trigger: string } | null = null;
      try {
        await this.lockAndBegin(qr);
        const m = qr.manager;
        await this.tune(m);
        const marks: { region_code: string; year: number; seq: string; reason: string; filings_only: boolean }[] = await m.query(
          `SELECT region_code, year, seq, reason, filings_only FROM stat_dirty ORDER BY region_code, year`,
        );
        const entMarks: { enterprise_id: string; year: number; seq: string }[] = await m.query(`SELECT enterprise_id, year, seq FROM stat_dirty_enterprise`);
        if (!marks.length && !entMarks.length) {
          await qr.commitTransaction();
          return { runs, remaining: 0 };
        }
        const current: { year: number; as_of: string; closed: boolean }[] = await m.query(
          `SELECT year, as_of::text AS as_of, closed_at IS NOT NULL AS closed FROM stat_current ORDER BY year`,
        );
        // A closed year's snapshot is kept as it is: its marks are dropped, its report deltas too (below).
        const closedYears = new Set(current.filter((c) => c.closed).map((c) => Number(c.year)));
        const built = current.filter((c) => held.includes(Number(c.year)) && !c.closed).map((c) => ({ year: Number(c.year), asOf: c.as_of }));
        const thisYear = held.at(-1)!;
        const full = new Set<number>();
        // The current year rolled forward from its snapshot's day (see above): year → that day and the enterprises the dates move.
        const rolls = new Map<number, { from: string; enterprises: string[] }>();
        const byYear = new Map<number, Set<string>>();
        // (year → counties) whose marks are all annual-report changes: their deltas move them, no recount.
        const filingsOnly = new Map<number, Set<string>>();
        for (const mark of marks) {
          const year = Number(mark.year);
          if (mark.region_code === '*') {
            for (const y of year === 0 ? [thisYear] : [year]) if (held.includes(y) && !closedYears.has(y)) full.add(y);
            continue;
          }
          for (const y of year === 0 ? held : [year]) {
            if (closedYears.has(y)) continue;
            const b = built.find((x) => x.year === y);
            if (!b) {
              if (y === thisYear) full.add(y);
              // A past year counted before it ended is counted again, as of its last day, which closes it.
              continue;
            }
            // Moved by this drain: the current year's snapshot of today, or of an earlier day it can roll forward.
            const moves =
              y === thisYear &&
              (b.asOf === this.asOfFor(y) || (b.asOf < this.asOfFor(y) && !full.has(y) && (rolls.has(y) || (await this.roll(m, rolls, y, b.asOf, params.get(y)!)))));
            if (!moves) full.add(y);
            else {
              if (!byYear.has(y)) byYear.set(y, new Set());
              byYear.get(y)!.add(mark.region_code);
              if (mark.filings_only) {
                if (!filingsOnly.has(y)) filingsOnly.set(y, new Set());
                filingsOnly.get(y)!.add(mark.region_code);
              }
            }
          }
        }
        for (const y of full) {
          byYear.delete(y);
          rolls.delete(y);
        }
        const why = summarise(trigger, marks.map((x) => x.reason));
        const regions = await this.provinceRegions(m);
        if (full.size) {
          const years = [...full].sort();
          attempt = { kind: 'full', years, regions: null, trigger: `${why}:catch-up` };
          const started = Date.now();
          const runId = await this.openRun(m, attempt);
          await this.writeFull(m, runId, new Map(years.map((y) => [y, params.get(y)!])));
          runs.push(await this.closeRun(m, runId, 'full', years, regions.length * years.length, started));
        }
        // The report changes since the last run, for the years whose snapshot is current and not just
        // rebuilt; the rest are taken and dropped (a rebuild above or a later one counts them).
        const live = built.filter((b) => (b.asOf === this.asOfFor(b.year) || rolls.has(b.year)) && !full.has(b.year)).map((b) => b.year);
        const codeOf = new Map(regions.map((r) => [r.path, r.code]));
        // The counties whose enterprises' contributions are held (issue 16): they move by their changed enterprises.
        const contributed = new Map<number, Set<string>>(live.map((y) => [y, new Set()]));
        for (const r of await m.query(`SELECT year, region_code FROM stat_contrib_region WHERE year = ANY($1::int[])`, [live])) contributed.get(Number(r.year))?.add(r.region_code);
        const changedEnterprises = new Map<number, Set<string>>(live.map((y) => [y, new Set()]));
        for (const e of entMarks) for (const y of Number(e.year) === 0 ? live : [Number(e.year)]) changedEnterprises.get(y)?.add(e.enterprise_id);
        // A rolled year: the enterprises the dates alone move count as changed ones.
        for (const [y, { enterprises }] of rolls) for (const id of enterprises) changedEnterprises.get(y)!.add(id);
        // Their report changes too: recounting the enterprise takes the change in (its held part did not have it).
        for (const d of await takeHeldDeltas(m, live)) changedEnterprises.get(Number(d.year))?.add(d.enterprise_id);
        const deltas = new Map<number, Map<string, StatCounts['filings']>>();
        for (const d of await consumeFilingDeltas(m, live.map((y) => ({ year: y, windowOpens: params.get(y)!.windowOpens, asOf: params.get(y)!.asOf })))) {
          const code = codeOf.get(d.regionPath);
          if (!code || Object.values(d.filings).every((n) => n === 0)) continue;
          if (!deltas.has(d.year)) deltas.set(d.year, new Map());
          const byCode = deltas.get(d.year)!;
          byCode.set(code, addFilings(byCode.get(code) ?? emptyCounts().filings, d.filings));
        }
        const years = live.filter((y) => rolls.has(y) || byYear.has(y) || deltas.has(y) || changedEnterprises.get(y)!.size > 0).sort();
        if (years.length) {
          const owns = new Map<number, Map<string, StatCounts>>();
          for (const year of years) owns.set(year, await this.currentOwn(m, year));
          // Recounted in full: the counties marked by any change other than an annual report's, and
          // any county the snapshot has no row for yet. A recount includes the county's deltas.
          const recount = new Map<number, Set<string>>();
          // Moved by deltas only: the other counties with report changes.
          const moved = new Map<number, Map<string, StatCounts['filings']>>();
          for (const year of years) {
            const own = owns.get(year)!;
            const only = filingsOnly.get(year) ?? new Set<string>();
            const codes = new Set([...(byYear.get(year) ?? [])].filter((code) => !only.has(code) || !own.has(code)));
            const add = new Map<string, StatCounts['filings']>();
            for (const [code, f] of deltas.get(year) ?? []) {
              if (!own.has(code)) codes.add(code);
              else if (!codes.has(code)) add.set(code, f);
            }
            recount.set(year, codes);
            moved.set(year, add);
          }
          const touched = [...new Set(years.flatMap((y) => [...recount.get(y)!, ...moved.get(y)!.keys()]))].sort();
          if (touched.length || rolls.size || years.some((y) => changedEnterprises.get(y)!.size > 0)) {
            const onlyFilings = years.every((y) => recount.get(y)!.size === 0);
            const tag = rolls.size ? `:roll` : onlyFilings ? ':filings' : '';
            attempt = { kind: 'incremental', years, regions: touched, trigger: tag ? `${why.slice(0, 80 - tag.length)}${tag}` : why };
            const started = Date.now();
            const runId = await this.openRun(m, attempt);
            const all: string[] = [];
            for (const year of years) {
              const own = owns.get(year)!;
              const { changed, recounted } = await this.moveByEnterprises(m, params.get(year)!, regions, own, recount.get(year)!, contributed.get(year)!, changedEnterprises.get(year)!);
              // A county recounted here has its report changes in the count already.
              for (const code of recounted) moved.get(year)!.delete(code);
              all.push(...changed);
              for (const [code, f] of moved.get(year)!) own.set(code, { ...own.get(code)!, filings: addFilings(own.get(code)!.filings, f) });
              changed.push(...moved.get(year)!.keys());
              // A rolled year is written even with nothing changed: its rows move to today's date.
              if (changed.length || rolls.has(year)) await this.write(m, runId, year, params.get(year)!.asOf, regions, own, [...new Set(changed)]);
            }
            await m.query(`UPDATE stat_run SET regions = $2 WHERE id = $1`, [runId, [...new Set([...touched, ...all])].sort()]);
            runs.push(await this.closeRun(m, runId, 'incremental', years, regions.length * years.length, started));
          }
        }
        await qr.commitTransaction();
        // The marks seen are deleted after the commit, outside the snapshot: a mark made again
        // meanwhile has a new seq and stays. Should this fail, the marks are drained again, which
        // recounts what is already current (and finds the deltas already taken).
        await qr.query(
          `DELETE FROM stat_dirty d USING jsonb_to_recordset($1::jsonb) AS x(region_code text, year int, seq bigint)
            WHERE d.region_code = x.region_code AND d.year = x.year AND d.seq = x.seq`,
          [JSON.stringify(marks.map((x) => ({ region_code: x.region_code, year: Number(x.year), seq: x.seq })))],
        );
        await qr.query(
          `DELETE FROM stat_dirty_enterprise d USING jsonb_to_recordset($1::jsonb) AS x(enterprise_id uuid, year int, seq bigint)
            WHERE d.enterprise_id = x.enterprise_id AND d.year = x.year AND d.seq = x.seq`,
          [JSON.stringify(entMarks.map((x) => ({ enterprise_id: x.enterprise_id, year: Number(x.year), seq: x.seq })))],
        );
        const [left] = await qr.query(`SELECT count(*)::int AS n FROM stat_dirty`);
        return { runs, remaining: Number(left.n) };
      } catch (err) {
        if (attempt) await this.fail(qr, 0, attempt.kind, attempt.years, attempt.regions, attempt.trigger, err);
        else if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await this.unlockAndRelease(qr);
      }
    });
  }

  /**
   * Whether the current year's snapshot of the day `from` can be rolled forward to `p.asOf` (see
   * `drain`), and if so notes it in `rolls` with the enterprises the dates move. It can when the
   * yearly training thresholds in force are the same on both days and those enterprises' counties
   * are held (`stat_contrib`), as the rebuild job leaves every county: each is then moved by its
   * enterprise. An unheld county would be recounted whole inside the drain, and a day's moved
   * enterprises lie in nearly every county, which would cost more than the rebuild (and its hold
   * afterwards) does. (Read on the drain's own connection.)
   */
  private async roll(m: EntityManager, rolls: Map<number, { from: string; enterprises: string[] }>, year: number, from: string, p: YearParams): Promise<boolean> {
    if (from.slice(0, 4) !== String(year) || !isDeepStrictEqual(await this.trainingAt(from, m), p.training)) return false;
    const enterprises = await rolledEnterprises(m, from, p.asOf, regionSubtreePattern(`/${this.config.provinceCode}/`));
    const [unheld]: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM enterprise e
        WHERE e.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM stat_contrib_region c WHERE c.year = $2 AND c.region_code = e.region_code)`,
      [enterprises, year],
    );
    if (Number(unheld.n) > 0) return false;
    rolls.set(year, { from, enterprises });
    return true;
  }

  /**
   * Takes the snapshot lock (session level, so it is held before the transaction's snapshot is
   * taken) and opens a REPEATABLE READ transaction: every recount of the run and the taking of the
   * report deltas then see the same committed state, so no change is counted twice or lost.
   */
  private async lockAndBegin(qr: QueryRunner): Promise<void> {
    await qr.query(`SELECT pg_advisory_lock($1)`, [STATS_LOCK]);
    this.locked.add(qr);
    await qr.startTransaction('REPEATABLE READ');
  }

  private async unlockAndRelease(qr: QueryRunner): Promise<void> {
    if (this.locked.delete(qr)) await qr.query(`SELECT pg_advisory_unlock($1)`, [STATS_LOCK]).catch(() => undefined);
    await qr.release();
  }

  /** Sets the run's transaction up (under the snapshot lock): a long aggregate, no JIT, room to hash. */
  private async tune(m: EntityManager): Promise<void> {
    // A full rebuild at province scale runs longer than the pool's default statement timeout.
    await m.query(`SET LOCAL statement_timeout = 0`);
    // One wide aggregate per year: JIT compilation costs seconds and saves nothing here, and the
    // joins of a province's enterprises spill to disk at the default work_mem.
    await m.query(`SET LOCAL jit = off`);
    await m.query(`SET LOCAL work_mem = '64MB'`);
    // Runs whose process died (a killed worker) never finished: mark them so.
    await m.query(
      `UPDATE stat_run SET status = 'failed', error = '进程中断（未完成，未替换快照）', finished_at = $1
        WHERE status = 'running' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = stat_run.backend_pid)`,
      [this.clock.now()],
    );
  }

  /**
   * One year of an incremental run (issue 16), in the drain's snapshot. The marked counties not yet
   * held by enterprise (`contributed`) are recounted from their own enterprises, and each
   * enterprise's part is kept (`stat_contrib`), so they are held from now on. A changed enterprise
   * of a held county is counted alone: its new part minus its held one moves its county's own
   * counts (its old county's, when it moved), and the new part is kept. Every figure is a count of
   * enterprises, persons in post at one enterprise, reports or violations of one enterprise, so the
   * parts add up to the county's counts exactly (the e2e compares them with a full rebuild).
   * Changes `own` in place; answers the regions whose own counts it changed.
   */
  private async moveByEnterprises(
    m: EntityManager,
    p: YearParams,
    regions: RegionRow[],
    own: Map<string, StatCounts>,
    recount: Set<string>,
    contributed: Set<string>,
    enterprises: Set<string>,
  ): Promise<{ changed: string[]; recounted: Set<string> }> {
    const ids = [...enterprises];
    const now: { id: string; region_code: string }[] = ids.length ? await m.query(`SELECT id, region_code FROM enterprise WHERE id = ANY($1::uuid[])`, [ids]) : [];
    const held = await heldOf(m, p.year, ids);
    const counties = new Set([...recount].filter((code) => !contributed.has(code)));
    // A changed enterprise's county not held yet is recounted (and held from now on).
    for (const e of now) if (!contributed.has(e.region_code)) counties.add(e.region_code);
    const flat = new Map<string, FlatCounts>();
    const flatOf = (code: string) => {
      if (!flat.has(code)) flat.set(code, flatCounts(own.get(code) ?? emptyCounts()));
      return flat.get(code)!;
    };
    await dropContributions(m, p.year, ids);
    // The old parts of the changed enterprises, out of the counties that are not recounted.
    for (const h of held) if (!counties.has(h.region_code)) addFlat(flatOf(h.region_code), h.counts, -1);
    if (counties.size) {
      const codes = [...counties];
      const paths = regions.filter((r) => counties.has(r.code)).map((r) => r.path);
      // Counted and held inside the server (replacing what the counties held), then summed there: no part travels to the process.
      await m.query(holdContributionsSql(), yearsParams([p], paths));
      const sums = await heldSums(m, p.year, codes);
      for (const code of codes) flat.set(code, sums.get(code) ?? {});
      await m.query(`INSERT INTO stat_contrib_region (year, region_code) SELECT $1, unnest($2::varchar[]) ON CONFLICT DO NOTHING`, [p.year, codes]);
    }
    // The new parts of the changed enterprises of held counties.
    const alone = now.filter((e) => !counties.has(e.region_code)).map((e) => e.id);
    const parts = (await contributionsYears(m, { enterprises: alone }, [p])).get(p.year)!;
    for (const c of parts.values()) addFlat(flatOf(c.regionCode), c.counts);
    await keepContributions(m, p.year, parts);
    for (const [code, f] of flat) {
      if (Object.keys(f).length || own.has(code)) own.set(code, unflatCounts(f));
    }
    return { changed: [...flat.keys()], recounted: counties };
  }

  /** Re-counts a closed year as a full rebuild would and compares it with the kept snapshot (nothing is written but kept verdicts). */
  private async recount(m: EntityManager, p: YearParams): Promise<{ identical: boolean; differing: string[] }> {
    const province = regionSubtreePattern(`/${this.config.provinceCode}/`);
    await this.eligibility.judgeOn(m, p.asOf, { pathLike: province });
    const fresh = await ownCounts(m, { subtree: province }, p, 'year');
    const kept = await this.currentOwn(m, p.year);
    const codes = [...new Set([...fresh.keys(), ...kept.keys()])].sort();
    const differing = codes.filter((code) => !isDeepStrictEqual(fresh.get(code) ?? emptyCounts(), kept.get(code) ?? emptyCounts()));
    return { identical: differing.length === 0, differing };
  }

  /** Recounts the whole province for each year and swaps the years in. */
  private async writeFull(m: EntityManager, runId: number, params: Map<number, YearParams>): Promise<void> {
    const regions = await this.provinceRegions(m);
    // The held contributions were parts of the snapshot this replaces: the next drain of a county counts it again.
    await dropContributionYears(m, [...params.keys()]);
    await m.query(`DELETE FROM stat_contrib_region WHERE year = ANY($1::int[])`, [[...params.keys()]]);
    for (const [year, p] of [...params].sort(([a], [b]) => a - b)) {
      const province = regionSubtreePattern(`/${this.config.provinceCode}/`);
      // A past year's CQOs are counted by their verdict on its as-of date, kept once judged.
      await this.eligibility.judgeOn(m, p.asOf, { pathLike: province });
      const own = await ownCounts(m, { subtree: province }, p, 'year');
      await this.write(m, runId, year, p.asOf, regions, own);
    }
  }

  /** A run written inside the drain's transaction: its row commits with its snapshot rows, or not at all. */
  private async openRun(m: EntityManager, a: { kind: 'full' | 'incremental'; years: number[]; regions: string[] | null; trigger: string }): Promise<number> {
    const [run] = await m.query(
      `INSERT INTO stat_run (kind, trigger, years, regions, status, backend_pid, started_at)
       VALUES ($1, $2, $3, $4, 'running', pg_backend_pid(), $5) RETURNING id`,
      [a.kind, a.trigger.slice(0, 80), a.years, a.regions, this.clock.now()],
    );
    return Number(run.id);
  }

  private async closeRun(m: EntityManager, runId: number, kind: 'full' | 'incremental', years: number[], rows: number, started: number): Promise<RunResult> {
    await m.query(`UPDATE stat_run SET status = 'succeeded', finished_at = $2, rows = $3 WHERE id = $1`, [runId, this.clock.now(), rows]);
    return { runId, kind, years, rows, ms: Date.now() - started };
  }

  /** Rolls the run back and records it failed (a new row when the run's own row rolled back with it). */
  private async fail(qr: QueryRunner, runId: number, kind: 'full' | 'incremental', years: number[], regions: string[] | null, trigger: string, err: unknown): Promise<void> {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    const message = (err as Error).message.slice(0, 500);
    const now = this.clock.now();
    const write = runId
      ? qr.query(`UPDATE stat_run SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [runId, now, message])
      : qr.query(
          `INSERT INTO stat_run (kind, trigger, years, regions, status, started_at, finished_at, error) VALUES ($1, $2, $3, $4, 'failed', $5, $5, $6)`,
          [kind, trigger.slice(0, 80), years, regions, now, message],
        );
    await write.catch(() => undefined);
    this.logger.warn(`stats ${kind} run failed: ${message}`);
  }

  private async currentOwn(m: EntityManager, year: number): Promise<Map<string, StatCounts>> {
    const rows: { region_code: string; own: StatCounts }[] = await m.query(
      `SELECT s.region_code, s.own FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year WHERE c.year = $1`,
      [year],
    );
    return new Map(rows.map((r) => [r.region_code, r.own]));
  }

  /**
   * Writes one year's rows under `runId`, points the year at it and drops the rows it replaces.
   * With `changed` (an incremental run), only those regions and their ancestors are sent; every
   * other row is copied from the year's current run inside the server, dated `asOf` (a snapshot
   * rolled forward to today keeps the counts the date does not move).
   */
  private async write(m: EntityManager, runId: number, year: number, asOf: string, regions: RegionRow[], own: Map<string, StatCounts>, changed?: string[]): Promise<number> {
    const totals = rollUp(regions, own);
    let send = regions;
    if (changed) {
      const byCode = new Map(regions.map((r) => [r.code, r]));
      const affected = new Set(changed.flatMap((code) => byCode.get(code)?.path.split('/').filter(Boolean) ?? []));
      send = regions.filter((r) => affected.has(r.code));
      await m.query(
        `INSERT INTO stat_snapshot (run_id, year, region_code, as_of, own, total)
         SELECT $1, s.year, s.region_code, $4::date, s.own, s.total
           FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year
          WHERE c.year = $2 AND s.region_code <> ALL($3::varchar[])`,
        [runId, year, send.map((r) => r.code), asOf],
      );
    }
    for (let i = 0; i < send.length; i += 500) {
      const values: unknown[] = [];
      const tuples = send.slice(i, i + 500).map((r, j) => {
        values.push(runId, year, r.code, asOf, JSON.stringify(own.get(r.code) ?? emptyCounts()), JSON.stringify(totals.get(r.code) ?? emptyCounts()));
        const b = j * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::date, $${b + 5}::jsonb, $${b + 6}::jsonb)`;
      });
      await m.query(`INSERT INTO stat_snapshot (run_id, year, region_code, as_of, own, total) VALUES ${tuples.join(', ')}`, values);
    }
    // The replaced rows: an incremental run knows their run (one index range); a full run clears the year.
    if (changed) await m.query(`DELETE FROM stat_snapshot WHERE run_id = (SELECT run_id FROM stat_current WHERE year = $1) AND year = $1`, [year]);
    // A full count of a past year as of its last day, made after that day, closes the year (issue 17).
    const closes = !changed && asOf === `${year}-12-31` && this.clock.today() > asOf;
    await m.query(
      `INSERT INTO stat_current (year, run_id, as_of, built_at, closed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (year) DO UPDATE SET run_id = EXCLUDED.run_id, as_of = EXCLUDED.as_of, built_at = EXCLUDED.built_at, closed_at = EXCLUDED.closed_at`,
      [year, runId, asOf, this.clock.now(), closes ? this.clock.now() : null],
    );
    if (!changed) await m.query(`DELETE FROM stat_snapshot WHERE year = $1 AND run_id <> $2`, [year, runId]);
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


/** Filing counts added field by field (a delta may be negative). */
function addFilings(a: StatCounts['filings'], b: StatCounts['filings']): StatCounts['filings'] {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof StatCounts['filings'])[]) out[k] = (a[k] ?? 0) + b[k];
  return out;
}

/** A run's trigger: the source and the change reasons it covers, most frequent first (fits `stat_run.trigger`). */
export function summarise(source: string, reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => (n > 1 ? `${r}×${n}` : r));
  let out = `${source}:`;
  for (const [i, p] of parts.entries()) {
    const next = `${out}${i ? ',' : ''}${p}`;
    if (next.length > 70) return `${out}…+${parts.length - i}`;
    out = next;
  }
  return out;
}
