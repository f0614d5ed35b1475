import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hashPassword } from '@cqo/server-auth';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { StatsService } from '@cqo/server-stats';
import { demoUserSpecs, generateDemoEnterprises, type DemoRegion } from './demo-data.generator';

/** Every demo account shares this password; it exists only in databases seeded with demo data. */
export const DEMO_PASSWORD = 'Cqo@2026demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: string;
  scope: string;
  password: string;
}

export interface DemoSeedResult {
  seeded: boolean;
  enterprises: number;
  accounts: DemoAccount[];
}

/**
 * Builds a demo province on an empty database: enterprises in every 市州 and county, and an
 * account for every role. Runs once; later calls only report the accounts.
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly stats: StatsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async seed(opts: { enterprises: number; now?: Date }): Promise<DemoSeedResult> {
    const [marker] = await this.dataSource.query(`SELECT value FROM app_setting WHERE key = 'demo_seed'`);
    if (marker) return { seeded: false, enterprises: Number(marker.value.enterprises), accounts: await this.accounts() };
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM enterprise');
    if (n > 0) throw new Error('the database already holds enterprises that are not demo data: refusing to add demo data');

    const province = this.config.provinceCode;
    const regions: DemoRegion[] = (
      await this.dataSource.query(
        `SELECT code, name, level, parent_code AS "parentCode" FROM region WHERE path LIKE $1 ORDER BY code`,
        [`/${province}/%`],
      )
    ).map((r: DemoRegion) => ({ ...r, level: Number(r.level) as DemoRegion['level'] }));
    const year = (opts.now ?? new Date()).getFullYear();
    const enterprises = generateDemoEnterprises({ regions, count: opts.enterprises, seed: 20211231, currentYear: year });
    const users = demoUserSpecs({ regions, enterprises, provinceCode: province });
    const hash = await hashPassword(DEMO_PASSWORD);
    const paths = new Map<string, string>(
      (await this.dataSource.query(`SELECT code, path FROM region WHERE path LIKE $1`, [`/${province}/%`])).map(
        (r: { code: string; path: string }) => [r.code, r.path],
      ),
    );

    await this.dataSource.transaction(async (m) => {
      const ids: string[] = [];
      for (let i = 0; i < enterprises.length; i += 1000) {
        const part = enterprises.slice(i, i + 1000);
        const rows: { id: string }[] = await m.query(
          `INSERT INTO enterprise (credit_code, name, region_code, region_path, above_size, size_class, ownership, industry)
           SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::boolean[], $6::varchar[], $7::varchar[], $8::varchar[])
           RETURNING id`,
          [
            part.map((e) => e.creditCode),
            part.map((e) => e.name),
            part.map((e) => e.regionCode),
            part.map((e) => paths.get(e.regionCode)),
            part.map((e) => e.aboveSize),
            part.map((e) => e.sizeClass),
            part.map((e) => e.ownership),
            part.map((e) => e.industry),
          ],
        );
        ids.push(...rows.map((r) => r.id));
      }
      const awards = enterprises.flatMap((e, i) => e.awards.map((a) => ({ id: ids[i], ...a })));
      if (awards.length) {
        await m.query(
          `INSERT INTO enterprise_award (enterprise_id, award, year) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::smallint[]) ON CONFLICT DO NOTHING`,
          [awards.map((a) => a.id), awards.map((a) => a.award), awards.map((a) => a.year)],
        );
      }
      for (const u of users) {
        await m.query(
          `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id) VALUES ($1,$2,$3,$4,$5,$6)`,
          [u.username, u.displayName, hash, u.role, u.role === 'enterprise' ? null : u.regionCode, u.enterpriseIndex === null ? null : ids[u.enterpriseIndex]],
        );
      }
      await m.query(`INSERT INTO app_setting (key, value) VALUES ('demo_seed', $1)`, [JSON.stringify({ enterprises: enterprises.length, at: new Date().toISOString() })]);
    });
    await this.stats.rebuildCounts();
    this.logger.log(`demo province ${province}: ${enterprises.length} enterprises, ${users.length} accounts`);
    return { seeded: true, enterprises: enterprises.length, accounts: await this.accounts() };
  }

  private async accounts(): Promise<DemoAccount[]> {
    const rows = await this.dataSource.query(
      `SELECT u.username, u.display_name, u.role, coalesce(r.name, e.name, '') AS scope
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id
        ORDER BY array_position(ARRAY['admin','province','city','county','enterprise','evaluator'], u.role::text), u.username`,
    );
    return rows.map((r: { username: string; display_name: string; role: string; scope: string }) => ({
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      scope: r.scope,
      password: DEMO_PASSWORD,
    }));
  }
}
