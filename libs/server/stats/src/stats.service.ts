import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OverviewResponse, OverviewRow, RegionLevel } from '@cqo/contracts';
import { subtreePattern } from '@cqo/policy';
import { Clock, type Actor } from '@cqo/server-common';
import { RegionsService } from '@cqo/server-regions';

interface StatRow {
  code: string;
  name: string;
  level: number;
  enterprises: number | null;
  above_size: number | null;
  sme: number | null;
  award: number | null;
  updated_at: Date | null;
}

@Injectable()
export class StatsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Recounts every region of the province in one statement: each enterprise counts toward every
   * region on its path. Idempotent; readers see the old or the new numbers, never a mix.
   */
  async rebuildCounts(): Promise<number> {
    const province = await this.regions.province();
    const rows: unknown[] = await this.dataSource.query(
      `WITH flags AS (
         SELECT e.region_path, e.above_size,
                EXISTS (SELECT 1 FROM enterprise_award a WHERE a.enterprise_id = e.id) AS award
           FROM enterprise e WHERE e.region_path LIKE $1
       ), per AS (
         SELECT code, count(*)::int AS n,
                (count(*) FILTER (WHERE above_size))::int AS ab,
                (count(*) FILTER (WHERE NOT above_size))::int AS sme,
                (count(*) FILTER (WHERE award))::int AS aw
           FROM flags, unnest(string_to_array(trim(both '/' from region_path), '/')) AS code
          GROUP BY code
       )
       INSERT INTO region_stat (region_code, enterprises, above_size, sme, award, updated_at)
       SELECT r.code, coalesce(per.n, 0), coalesce(per.ab, 0), coalesce(per.sme, 0), coalesce(per.aw, 0), $2
         FROM region r LEFT JOIN per ON per.code = r.code
        WHERE r.path LIKE $1
       ON CONFLICT (region_code) DO UPDATE SET enterprises = EXCLUDED.enterprises, above_size = EXCLUDED.above_size,
         sme = EXCLUDED.sme, award = EXCLUDED.award, updated_at = EXCLUDED.updated_at
       RETURNING region_code`,
      [subtreePattern(province.path), this.clock.now()],
    );
    return rows.length;
  }

  async overview(actor: Actor, regionCode: string | undefined, year: number | undefined): Promise<OverviewResponse> {
    const root = await this.regions.scopeRoot(actor);
    const region = regionCode ? await this.regions.visible(actor, regionCode) : root;
    const select = `SELECT r.code, r.name, r.level, s.enterprises, s.above_size, s.sme, s.award, s.updated_at
                      FROM region r LEFT JOIN region_stat s ON s.region_code = r.code`;
    const [[self], children, [levels], [users]] = await Promise.all([
      this.dataSource.query(`${select} WHERE r.code = $1`, [region.code]) as Promise<StatRow[]>,
      this.dataSource.query(`${select} WHERE r.parent_code = $1 ORDER BY r.code`, [region.code]) as Promise<StatRow[]>,
      this.dataSource.query(
        `SELECT (count(*) FILTER (WHERE level = 2))::int AS cities, (count(*) FILTER (WHERE level = 3))::int AS counties
           FROM region WHERE path LIKE $1 AND code <> $2`,
        [subtreePattern(region.path), region.code],
      ),
      this.dataSource.query(
        `SELECT count(*)::int AS n FROM app_user u
           LEFT JOIN region r ON r.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id
          WHERE coalesce(r.path, e.region_path) LIKE $1`,
        [subtreePattern(region.path)],
      ),
    ]);
    return {
      region: await this.regions.node(region),
      year: year ?? this.clock.now().getFullYear(),
      updatedAt: self?.updated_at ? new Date(self.updated_at).toISOString() : null,
      enterprises: counts(self),
      cities: levels.cities,
      counties: levels.counties,
      users: users.n,
      children: children.map((c) => ({ code: c.code, name: c.name, level: Number(c.level) as RegionLevel, ...counts(c) }) satisfies OverviewRow),
    };
  }
}

function counts(r: StatRow | undefined) {
  return { total: r?.enterprises ?? 0, aboveSize: r?.above_size ?? 0, sme: r?.sme ?? 0, award: r?.award ?? 0 };
}
