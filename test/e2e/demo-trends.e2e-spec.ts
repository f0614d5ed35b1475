import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardResponse, RegionStats, StatSettings } from '@cqo/contracts';
import { chinaDate, DEFAULT_WEIGHTS } from '@cqo/policy';
import { DEMO_PASSWORD } from '@cqo/server-demo';
import { bearer } from '../support/fixtures';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';
import { seededDemoDatabase } from '../support/private-db';

const ROOT = join(__dirname, '../..');

/**
 * The demo province as a visitor first sees it (issue 20 item 9): the trend has years of filing
 * behind it, rising, not 0% then 90%; and the targets say where each stands on the day looked at —
 * 已达标, 逾期未达标 the day after the deadline, pending with the days left up to and on it.
 */
describe('demo province: multi-year trend and target states', () => {
  let t: TestApp;
  let province: string;
  let provinceCode: string;
  const today = chinaDate(new Date());
  const thisYear = Number(today.slice(0, 4));

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))) throw new Error('run `node tools/build.mjs --server` first (npm test does)');
    const env = testEnv();
    // The default --years (5): the trend's five years all have reports.
    const databaseUrl = await seededDemoDatabase('demotrend', 400);
    t = await createTestApp({ config: testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${env.redisPrefix}:demotrend` }) });
    province = await bearer(t.http, 'province', DEMO_PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows a filing rate above 0% for every past year of the trend, rising, not all equal', async () => {
    const d: DashboardResponse = (await t.http().get('/api/stats/dashboard').set('Authorization', province).expect(200)).body;
    provinceCode = d.region.code;
    const past = d.trend.filter((p) => p.year < thisYear);
    expect(past.map((p) => p.year)).toEqual([thisYear - 4, thisYear - 3, thisYear - 2, thisYear - 1]);
    const rates = past.map((p) => p.filingRate);
    for (const r of rates) expect(r).toBeGreaterThan(0.3);
    expect(new Set(rates).size).toBe(rates.length);
    // Filing took hold over the years: each closed year above the one before.
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeGreaterThan(rates[i - 1]!);
    // The seed built every year's snapshot: none of them is computed on the fly.
    for (const year of past.map((p) => p.year)) {
      const s: RegionStats = (await t.http().get(`/api/stats/regions/${provinceCode}?year=${year}`).set('Authorization', province).expect(200)).body;
      expect(s.source.kind).toBe('snapshot');
      expect(s.filings.submitted).toBeGreaterThan(0);
    }
  });

  it('has a target still running beside the ones whose deadline has passed', async () => {
    const d: DashboardResponse = (await t.http().get('/api/stats/dashboard').set('Authorization', province).expect(200)).body;
    const byCategory = new Map(d.self.targets.map((p) => [p.category, p]));
    const sme = byCategory.get('sme')!;
    expect(sme.deadline > today).toBe(true);
    expect(sme.state === 'pending' ? sme.daysLeft : 0).toBeGreaterThanOrEqual(0);
    const above = byCategory.get('aboveSize')!;
    expect(above.deadline < today).toBe(true);
    // 100% of 规上 enterprises is not reached in the demo: overdue, not "on track".
    expect(above.state).toBe('overdue');
  });

  it('states each target as of the day looked at: pending on the deadline day, overdue the day after, met whenever reached', async () => {
    const year = thisYear - 1;
    const deadline = `${year}-06-30`;
    const targets = [
      { category: 'aboveSize', value: 0.01, deadline },
      { category: 'sme', value: 1, deadline },
    ];
    const saved: StatSettings = (await t.http().put('/api/stats/settings').set('Authorization', province).send({ targets, weights: DEFAULT_WEIGHTS }).expect(200)).body;
    expect(saved.targets).toHaveLength(2);
    const at = async (asOf: string) => {
      const s: RegionStats = (await t.http().get(`/api/stats/regions/${provinceCode}?year=${year}&asOf=${asOf}`).set('Authorization', province).expect(200)).body;
      return Object.fromEntries(s.targets.map((p) => [p.category, { state: p.state, daysLeft: p.daysLeft }]));
    };
    expect(await at(`${year}-06-20`)).toEqual({ aboveSize: { state: 'met', daysLeft: null }, sme: { state: 'pending', daysLeft: 10 } });
    expect(await at(deadline)).toEqual({ aboveSize: { state: 'met', daysLeft: null }, sme: { state: 'pending', daysLeft: 0 } });
    expect(await at(`${year}-07-01`)).toEqual({ aboveSize: { state: 'met', daysLeft: null }, sme: { state: 'overdue', daysLeft: null } });
  });
});
