import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { AssessmentWeights, StatCounts, StatTarget } from '@cqo/contracts';
import { PoolRepository } from '@cqo/server-database';

/** A region with its snapshot total for a year (a row of `snapshotFigures`). */
export interface SnapshotRow extends RegionWithChildren {
  total: StatCounts;
  as_of: string;
  run_id: string;
  built_at: Date;
}

/** A region row and whether it has child regions. */
export interface RegionWithChildren {
  code: string;
  name: string;
  level: number;
  path: string;
  parent_code: string | null;
  has_children: boolean;
}

/** The province's stored targets and weights. */
export interface StatSettingRow {
  targets: StatTarget[];
  weights: Partial<AssessmentWeights>;
  updated_at: Date;
}

/**
 * The statistics reads of the dashboards and SPEC §9's JSON (the current snapshot, the regions,
 * the trend) and the one writer of `stat_setting` (issue 19 item 2). The snapshot tables are
 * written by the snapshot service and `aggregate.sql.ts`; `StatsService` keeps the composition,
 * the caches and the rules and holds no SQL.
 */
@Injectable()
export class StatsRepository extends PoolRepository {
  /**
   * The region and its children for a year from the current snapshot, if it holds that year (and
   * `asOf`, when given): one statement, so never half of two runs. Empty when it does not.
   */
  snapshotFigures(year: number, regionCode: string, asOf: string | null): Promise<SnapshotRow[]> {
    return this.dataSource.query(
      `SELECT r.code, r.name, r.level, r.path, r.parent_code,
              EXISTS (SELECT 1 FROM region k WHERE k.parent_code = r.code) AS has_children,
              s.total, c.as_of::text AS as_of, c.run_id, c.built_at
         FROM stat_current c
         JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year
         JOIN region r ON r.code = s.region_code
        WHERE c.year = $1 AND (r.code = $2 OR r.parent_code = $2) AND ($3::date IS NULL OR c.as_of = $3::date)
        ORDER BY r.code`,
      [year, regionCode, asOf],
    );
  }

  /** A region's children, each with whether it has children of its own. */
  childRegions(regionCode: string): Promise<RegionWithChildren[]> {
    return this.dataSource.query(
      `SELECT r.code, r.name, r.level, r.path, r.parent_code, EXISTS (SELECT 1 FROM region k WHERE k.parent_code = r.code) AS has_children
         FROM region r WHERE r.parent_code = $1 ORDER BY r.code`,
      [regionCode],
    );
  }

  /** A region's total of every current snapshot year, oldest first. */
  history(regionCode: string): Promise<{ year: number; as_of: string; total: StatCounts }[]> {
    return this.dataSource.query(
      `SELECT c.year, c.as_of::text AS as_of, s.total
         FROM stat_current c JOIN stat_snapshot s ON s.run_id = c.run_id AND s.year = c.year
        WHERE s.region_code = $1 ORDER BY c.year`,
      [regionCode],
    );
  }

  async region(code: string): Promise<Omit<RegionWithChildren, 'has_children'> | null> {
    const [r] = await this.dataSource.query(`SELECT code, name, level, path, parent_code FROM region WHERE code = $1`, [code]);
    return r ?? null;
  }

  /** What the snapshots and settings are now: each year's current run and when the settings last changed. */
  async version(provinceCode: string): Promise<string> {
    const [row]: { v: string }[] = await this.dataSource.query(
      `SELECT coalesce((SELECT string_agg(year || ':' || run_id, ',' ORDER BY year) FROM stat_current), '')
              || '|' || coalesce((SELECT updated_at::text FROM stat_setting WHERE province_code = $1), '') AS v`,
      [provinceCode],
    );
    return row.v;
  }

  async settings(m: EntityManager, provinceCode: string): Promise<StatSettingRow | null> {
    const [row] = await m.query(`SELECT targets, weights, updated_at FROM stat_setting WHERE province_code = $1`, [provinceCode]);
    return row ?? null;
  }

  /** The province's targets and weights, set by `userId`. */
  async saveSettings(m: EntityManager, provinceCode: string, targets: StatTarget[], weights: AssessmentWeights, userId: string): Promise<void> {
    await m.query(
      `INSERT INTO stat_setting (province_code, targets, weights, updated_at, updated_by) VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (province_code) DO UPDATE SET targets = EXCLUDED.targets, weights = EXCLUDED.weights, updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [provinceCode, JSON.stringify(targets), JSON.stringify(weights), userId],
    );
  }

  /** The province's targets and weights unless some are set already. */
  async seedSettings(m: EntityManager, provinceCode: string, targets: StatTarget[], weights: AssessmentWeights): Promise<void> {
    await m.query(
      `INSERT INTO stat_setting (province_code, targets, weights, updated_at, updated_by) VALUES ($1, $2, $3, now(), NULL) ON CONFLICT (province_code) DO NOTHING`,
      [provinceCode, JSON.stringify(targets), JSON.stringify(weights)],
    );
  }
}
