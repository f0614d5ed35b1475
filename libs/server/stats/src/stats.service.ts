import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { RANKING_SORT_KEYS, parseSort } from '@cqo/contracts';
import type {
  AssessmentResponse,
  AssessmentWeights,
  CityAssessment,
  DashboardResponse,
  RegionStats,
  StatCounts,
  StatSettings,
  StatTarget,
  TrendPoint,
} from '@cqo/contracts';
import {
  assessCity,
  DEFAULT_TARGETS,
  DEFAULT_WEIGHTS,
  emptyCounts,
  isIsoDate,
  rankCities,
  statsRow,
  targetProgress,
  trendPoint,
  validateStatSettings,
} from '@cqo/policy';
import { AppException, APP_CONFIG, type Actor, type AppConfig } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService, type RegionEntity } from '@cqo/server-regions';
import { SnapshotService, type RegionRow } from './snapshot.service';
import { StatsRepository, type SnapshotRow } from './stats.repository';

interface Figures {
  asOf: string;
  self: StatCounts;
  children: { region: RegionRow; hasChildren: boolean; counts: StatCounts }[];
  source: RegionStats['source'];
}

interface DashboardEntry {
  version: string;
  body: DashboardResponse;
  json?: string;
  etag?: string;
}

type History = { year: number; asOf: string; counts: StatCounts }[];

/** Dashboards kept per process (region × year × audience); a province has ~120 regions. */
const DASHBOARD_CACHE_SIZE = 2000;
/**
 * How long a process trusts the snapshot version it last read. A run swapped in (or settings
 * saved by another process) shows on the dashboards within this time; settings saved through this
 * process show at once.
 */
const VERSION_TTL_MS = 1000;

const toRegion = (r: Pick<SnapshotRow, 'code' | 'name' | 'level' | 'path' | 'parent_code'>): RegionRow => ({
  code: r.code,
  name: r.name,
  level: Number(r.level) as 1 | 2 | 3,
  path: r.path,
  parentCode: r.parent_code,
});

/** Reads the statistics snapshots: the dashboards, SPEC §9's stats JSON, targets and the 市州 assessment. */
@Injectable()
export class StatsService {
  constructor(
    private readonly repo: StatsRepository,
    private readonly regions: RegionsService,
    private readonly snapshots: SnapshotService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly dashboards = new Map<string, DashboardEntry>();
  private versionRead: { at: number; value: Promise<string> } | null = null;

  /**
   * The region and its children for a year, from the current snapshot when it holds that year
   * and as-of date (one statement, so never half of two runs), else computed live.
   */
  private async figures(region: RegionRow, year: number, asOf?: string): Promise<Figures> {
    const rows = await this.repo.snapshotFigures(year, region.code, asOf ?? null);
    const self = rows.find((r) => r.code === region.code);
    if (self) {
      return {
        asOf: self.as_of,
        self: self.total,
        children: rows.filter((r) => r.code !== region.code).map((r) => ({ region: toRegion(r), hasChildren: r.has_children, counts: r.total })),
        source: { kind: 'snapshot' as const, runId: Number(self.run_id), builtAt: new Date(self.built_at).toISOString() },
      };
    }
    const date = asOf ?? this.snapshots.asOfFor(year);
    const live = await this.snapshots.liveCounts(region, year, date);
    const children = await this.repo.childRegions(region.code);
    return {
      asOf: date,
      self: live.total,
      // A region outside the configured province (an officer bound there) has no live counts: zeros, not a 500.
      children: children.map((c) => ({ region: toRegion(c), hasChildren: c.has_children, counts: live.children.get(c.code) ?? emptyCounts() })),
      source: { kind: 'live' as const, runId: null, builtAt: null },
    };
  }

  /** The region's year-end figures of every snapshot year before `year` (the trend and the projection). */
  private async history(regionCode: string): Promise<History> {
    const rows = await this.repo.history(regionCode);
    return rows.map((r) => ({ year: Number(r.year), asOf: r.as_of, counts: r.total }));
  }

  private async regionRow(code: string): Promise<RegionRow> {
    const r = await this.repo.region(code);
    if (!r) throw AppException.notFound('地区');
    return toRegion(r);
  }

  /** SPEC §9's JSON for a region (CLI `cqo stats`, GET /api/stats/regions/:code). */
  async regionStats(regionCode: string, year: number, asOf?: string): Promise<RegionStats> {
    if (asOf !== undefined && !isIsoDate(asOf)) throw AppException.validation([{ field: 'asOf', code: 'isDateString', message: '统计截止日期应为YYYY-MM-DD格式的有效日期' }]);
    const region = await this.regionRow(regionCode);
    const [f, settings, history] = await Promise.all([this.figures(region, year, asOf), this.settings(), this.history(region.code)]);
    return this.compose(region, year, f, settings, history);
  }

  /** A region's SPEC §9 JSON from figures already read (no further queries). */
  private compose(region: RegionRow, year: number, f: Figures, settings: StatSettings, history: History): RegionStats {
    const row = statsRow(region, year, f.asOf, f.self);
    const past = history.filter((h) => h.year < year).map((h) => ({ asOf: h.asOf, rates: trendPoint(h.year, h.asOf, h.counts).rates }));
    return {
      ...row,
      distributions: { education: f.self.education, title: f.self.title, positionLevel: f.self.positionLevel },
      targets: targetProgress(settings.targets, row.rates, past, f.asOf),
      source: f.source,
    };
  }

  async statsFor(actor: Actor, regionCode: string, year: number, asOf?: string): Promise<RegionStats> {
    const region = await this.regions.visible(actor, regionCode);
    return this.regionStats(region.code, year, asOf);
  }

  /**
   * What the snapshots and settings are now: the run each year points at and when the settings
   * last changed. A dashboard assembled under one version is the same for every reader until the
   * version moves (a run swapped in, settings saved), so it is cached against it.
   */
  private version(): Promise<string> {
    const now = Date.now();
    if (!this.versionRead || now - this.versionRead.at > VERSION_TTL_MS) {
      const read = this.readVersion();
      this.versionRead = { at: now, value: read };
      read.catch(() => (this.versionRead = null));
    }
    return this.versionRead.value;
  }

  private readVersion(): Promise<string> {
    return this.repo.version(this.config.provinceCode);
  }

  /**
   * The dashboard as the JSON text sent and its ETag: a cached dashboard is serialised and hashed
   * once, not on every request (at 1,000 requests a second that was most of a request's cost).
   */
  async dashboardJson(actor: Actor, regionCode: string | undefined, year: number): Promise<{ json: string; etag: string }> {
    const entry = await this.dashboardEntry(actor, regionCode, year);
    entry.json ??= JSON.stringify(entry.body);
    entry.etag ??= `W/"${createHash('sha1').update(entry.json).digest('base64url')}"`;
    return { json: entry.json, etag: entry.etag };
  }

  private async dashboardEntry(actor: Actor, regionCode: string | undefined, year: number): Promise<DashboardEntry> {
    const root = await this.regions.scopeRoot(actor);
    const region = regionCode ? await this.regions.visible(actor, regionCode) : root;
    // What differs between readers of the same region: a city sees only its own rank, a county none.
    const audience = actor.role === 'county' ? 'county' : actor.role === 'city' ? `city:${actor.regionCode}` : 'all';
    const key = `${region.code}|${year}|${audience}`;
    const version = await this.version();
    const hit = this.dashboards.get(key);
    if (hit && hit.version === version) return hit;
    const entry: DashboardEntry = { version, body: await this.assembleDashboard(actor, region, year) };
    if (entry.body.self.source.kind === 'snapshot') {
      this.dashboards.delete(key);
      this.dashboards.set(key, entry);
      if (this.dashboards.size > DASHBOARD_CACHE_SIZE) this.dashboards.delete(this.dashboards.keys().next().value!);
    }
    return entry;
  }

  private async assembleDashboard(actor: Actor, entity: RegionEntity, year: number): Promise<DashboardResponse> {
    const region = toRegion({ ...entity, parent_code: entity.parentCode });
    const [f, settings, history, node] = await Promise.all([this.figures(region, year), this.settings(), this.history(region.code), this.regions.node(entity)]);
    const stats = this.compose(region, year, f, settings, history);
    const trend: TrendPoint[] = history.filter((h) => h.year < year).map((h) => trendPoint(h.year, h.asOf, h.counts));
    trend.push(trendPoint(year, stats.asOf, f.self));
    let assessment: DashboardResponse['assessment'] = null;
    if (actor.role !== 'county') {
      const province = region.level === 1 ? f : await this.figures(await this.regionRow(this.config.provinceCode), year);
      const all = this.assess(province, year, settings);
      const own = region.level === 1 ? all : all.filter((i) => region.path.includes(`/${i.code}/`));
      assessment = { items: actor.role === 'city' ? all.filter((i) => i.code === actor.regionCode) : own, cities: all.length };
    }
    // Reports awaiting review come from the same snapshot as every other figure (no live scan).
    const reviewQueue = region.level > 1 ? stats.filings.progress.awaitingReview : null;
    return {
      region: node,
      year,
      asOf: stats.asOf,
      updatedAt: stats.source.builtAt,
      self: stats,
      children: f.children.map((c) => ({ ...statsRow(c.region, year, stats.asOf, c.counts), hasChildren: c.hasChildren })),
      trend,
      assessment,
      reviewQueue,
      map: this.config.provinceGeoJson ? '/api/stats/geojson' : null,
    };
  }

  async geoJson(): Promise<unknown> {
    if (!this.config.provinceGeoJson) throw AppException.notFound('地图');
    return JSON.parse(await readFile(this.config.provinceGeoJson, 'utf8'));
  }

  /** The 市州 of the province figures, scored and ranked. */
  private assess(province: Figures, year: number, settings: StatSettings): CityAssessment[] {
    return rankCities(
      province.children.map((c) => {
        const row = statsRow(c.region, year, province.asOf, c.counts);
        return { code: c.region.code, name: c.region.name, ...assessCity(row, settings.targets, settings.weights) };
      }),
    );
  }

  /** The yearly 市州 assessment, ranked; `sort` (a whitelisted key, issue 20 item 3) orders the rows, by rank otherwise. */
  async assessment(year: number, sort?: string): Promise<AssessmentResponse> {
    const [settings, province] = await Promise.all([this.settings(), this.regionRow(this.config.provinceCode)]);
    const f = await this.figures(province, year);
    return { year, asOf: f.asOf, weights: settings.weights, items: sortRanking(this.assess(f, year, settings), sort), updatedAt: f.source.builtAt };
  }

  async settings(m: EntityManager = this.repo.manager): Promise<StatSettings> {
    const row = await this.repo.settings(m, this.config.provinceCode);
    if (!row) return { provinceCode: this.config.provinceCode, targets: DEFAULT_TARGETS.map((t) => ({ ...t })), weights: { ...DEFAULT_WEIGHTS }, isDefault: true, updatedAt: null };
    return { provinceCode: this.config.provinceCode, targets: row.targets, weights: { ...DEFAULT_WEIGHTS, ...row.weights }, isDefault: false, updatedAt: new Date(row.updated_at).toISOString() };
  }

  async saveSettings(actor: Actor, targets: StatTarget[], weights: AssessmentWeights): Promise<StatSettings> {
    const errors = validateStatSettings(targets, weights);
    if (Object.keys(errors).length) throw AppException.validation(Object.entries(errors).map(([field, message]) => ({ field, code: 'invalid', message })));
    const saved = await this.unitOfWork.run(actor, 'stats.settings', async (m, tx) => {
      const before = await this.settings(m);
      await this.repo.saveSettings(m, this.config.provinceCode, targets, weights, actor.userId);
      await tx.audit({ objectType: 'stat_setting', objectId: this.config.provinceCode, details: { before: { targets: before.targets, weights: before.weights }, after: { targets, weights } } });
      return this.settings(m);
    });
    this.versionRead = null;
    return saved;
  }

  /** The province's targets and weights unless some are set already: a seeder's starting values (not audited; the seed is). */
  async seedSettings(m: EntityManager, targets: StatTarget[], weights: AssessmentWeights): Promise<void> {
    await this.repo.seedSettings(m, this.config.provinceCode, targets, weights);
    this.versionRead = null;
  }

  /** Queues a full rebuild (through the outbox, so the worker runs it). */
  async requestRebuild(actor: Actor, year: number | undefined): Promise<{ queued: true }> {
    await this.unitOfWork.run(actor, 'stats.rebuild', async (_m, tx) => {
      await tx.enqueue('stats.rebuild', { trigger: `user:${actor.userId}`, years: year ? [year] : undefined });
      await tx.audit({ objectType: 'stat_run', objectId: String(year ?? 'all'), details: { year: year ?? null } });
    });
    return { queued: true };
  }
}

const NAME_ORDER = new Intl.Collator('zh-CN');

/**
 * The ranking in the order a sort asks for (issue 20 item 3): by rank, name (Chinese collation),
 * score, a part's points (a part that does not apply last) or the penalty; ties by rank.
 */
export function sortRanking(items: CityAssessment[], sort: string | undefined): CityAssessment[] {
  const parsed = parseSort(sort, RANKING_SORT_KEYS);
  if (!parsed) return items;
  const value = (item: CityAssessment): number | string | null => {
    switch (parsed.key) {
      case 'rank':
        return item.rank;
      case 'name':
        return item.name;
      case 'score':
        return item.score;
      case 'penalty':
        return item.penalty.points;
      case 'aboveSize':
      case 'sme':
      case 'award':
      case 'filingOnTime':
      case 'training':
        return item.parts.find((p) => p.key === parsed.key)?.points ?? null;
    }
  };
  const sign = parsed.desc ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? a.rank - b.rank : x === null ? 1 : -1;
    const c = typeof x === 'string' ? NAME_ORDER.compare(x, y as string) : x - (y as number);
    return c !== 0 ? sign * c : a.rank - b.rank;
  });
}
