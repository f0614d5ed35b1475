import { resolve } from 'node:path';
import { isIsoDate, yearOf } from '@cqo/policy';
import { AttachmentExportService, AttachmentModule } from '@cqo/server-attachment';
import { AppException, Clock } from '@cqo/server-common';
import { cliActor, withPolicyContext } from '../infra/policy-context';

/**
 * `cqo export attachment --region CODE [--year Y] [--as-of D] --out FILE.xlsx`: the statutory
 * attachment table (SPEC §7 附件) as the province office, the same service the web export job
 * runs. Prints the summary JSON `{region, regionName, year, asOf, rows, summaryRows, sha256,
 * bytes, snapshotRunId, snapshotBuiltAt, fileName}`; exit 2 on bad arguments, 1 on failure.
 * With CQO_REPORT_RSS=1 it also prints `maxRSS=<KiB>` on stderr (the benchmark reads it).
 */
export async function exportAttachmentCommand(opts: { region: string; year?: string; asOf?: string; out: string }): Promise<void> {
  if (!/^\d{6}$/.test(opts.region)) fail(`--region must be a 6-digit GB/T 2260 code, got "${opts.region}"`, 2);
  if (opts.asOf !== undefined && !isIsoDate(opts.asOf)) fail(`--as-of must be a date like 2025-12-31, got "${opts.asOf}"`, 2);
  const year = opts.year === undefined ? yearOf(opts.asOf ?? new Clock().today()) : Number(opts.year);
  if (!(Number.isInteger(year) && year >= 2000 && year <= 2100)) fail(`--year must be a year like 2026, got "${opts.year}"`, 2);
  if (!opts.out || !opts.out.toLowerCase().endsWith('.xlsx')) fail(`--out must name an .xlsx file, got "${opts.out}"`, 2);

  const result = await withPolicyContext(async (app) => {
    const actor = cliActor(app);
    try {
      return await app.get(AttachmentExportService).export(actor, { region: opts.region, year, asOf: opts.asOf }, resolve(opts.out));
    } catch (err) {
      if (err instanceof AppException) return { error: err.message, status: err.getStatus() };
      throw err;
    }
  }, [AttachmentModule]);
  if ('error' in result) fail(`cqo export attachment: ${result.error}`, result.status === 400 ? 2 : 1);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (process.env.CQO_REPORT_RSS === '1') process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
