import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AuthModule } from '@cqo/server-auth';
import { AppException } from '@cqo/server-common';
import { assertXlsx, type ScanOutcome } from '@cqo/server-imports';
import { LedgerService, TrainingImportService, TrainingModule } from '@cqo/server-training';
import { cliActor, withPolicyContext } from '../infra/policy-context';

/** `cqo verify training`: re-walks the ledger's hash chain; exit 1 naming the first broken record. */
export async function verifyTrainingCommand(): Promise<void> {
  const result = await withPolicyContext((app) => app.get(LedgerService).verify(), [AuthModule, TrainingModule]);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (!result.ok) {
    const b = result.firstBroken!;
    process.stderr.write(`training ledger broken at record ${b.id} (seq ${b.seq}): ${b.reason}\n`);
    process.exit(1);
  }
}

/**
 * `cqo import training FILE [--keep-valid]`: the providers' import the web page queues, run here
 * in the foreground on the file where it lies (the upload checks, then the streamed read), as the
 * province office (the whole province in scope). JSON `{inserted, updated, rejected[{row, column,
 * reason}], …}` on stdout; exit 1 if anything was rejected. `scanned`: as for the roster import.
 */
export async function importTrainingCommand(file: string, opts: { keepValid?: boolean }, scanned?: Promise<ScanOutcome | null>): Promise<void> {
  const path = resolve(file);
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch {
    process.stderr.write(`cannot read ${file}\n`);
    process.exit(2);
  }
  try {
    const result = await withPolicyContext(async (app) => {
      const actor = cliActor(app);
      await assertXlsx(buffer, basename(path));
      return app.get(TrainingImportService).import(actor, { path, originalname: basename(path), scanned }, { mode: opts.keepValid ? 'keep-valid' : 'all-or-nothing', dryRun: false });
    }, [AuthModule, TrainingModule]);
    const { errorReportUrl: _url, ...out } = result;
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    if (result.rejected.length) process.exit(1);
  } catch (err) {
    if (err instanceof AppException) {
      process.stdout.write(JSON.stringify({ inserted: 0, updated: 0, rejected: err.details.map((d) => ({ row: null, column: d.field, reason: d.message })) }, null, 2) + '\n');
      process.exit(1);
    }
    throw err;
  }
}
