import { isIsoDate, yearOf } from '@cqo/policy';
import { Clock } from '@cqo/server-common';
import { SnapshotService, StatsModule, StatsService } from '@cqo/server-stats';
import { withPolicyContext } from '../infra/policy-context';

/**
 * `cqo aggregate [--year Y]`: rebuilds the statistics snapshots now (every held year, or Y) in
 * this process, then holds the current year's counties again as the rebuild job does (so its
 * next changes, and the next day's roll, move counties by their enterprises), waits, and prints
 * the run: `{runId, kind, years, rows, ms, held: {counties, enterprises}}`.
 */
export async function aggregateCommand(opts: { year?: string }): Promise<void> {
  const year = opts.year === undefined ? undefined : Number(opts.year);
  if (year !== undefined && !(Number.isInteger(year) && year >= 2000 && year <= 2100)) fail(`--year must be a year like 2026, got "${opts.year}"`, 2);
  const result = await withPolicyContext(async (app) => {
    const { rebuilt, held } = await app.get(SnapshotService).rebuildAndHold({ years: year ? [year] : undefined, trigger: 'cli' });
    return { ...rebuilt, held: { counties: held.counties, enterprises: held.enterprises } };
  }, [StatsModule]);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

/**
 * `cqo stats --region CODE --year Y [--as-of D]`: SPEC §9's JSON for a region, from the current
 * snapshot (or computed live for an as-of date or year the snapshot does not hold).
 */
export async function statsCommand(opts: { region: string; year?: string; asOf?: string }): Promise<void> {
  if (!/^\d{6}$/.test(opts.region)) fail(`--region must be a 6-digit GB/T 2260 code, got "${opts.region}"`, 2);
  if (opts.asOf !== undefined && !isIsoDate(opts.asOf)) fail(`--as-of must be a date like 2025-12-31, got "${opts.asOf}"`, 2);
  const year = opts.year === undefined ? yearOf(opts.asOf ?? new Clock().today()) : Number(opts.year);
  if (!(Number.isInteger(year) && year >= 2000 && year <= 2100)) fail(`--year must be a year like 2026, got "${opts.year}"`, 2);
  const result = await withPolicyContext(async (app) => {
    try {
      return await app.get(StatsService).regionStats(opts.region, year, opts.asOf);
    } catch (err) {
      return { error: (err as Error).message };
    }
  }, [StatsModule]);
  if ('error' in result) fail(`cqo stats: ${result.error}`, 1);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
