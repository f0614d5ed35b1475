import { access, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AuthModule } from '@cqo/server-auth';
import { AppException } from '@cqo/server-common';
import { assertXlsx, type ScanOutcome } from '@cqo/server-imports';
import { RosterImportService, RosterModule } from '@cqo/server-roster';
import { cliActor, withPolicyContext } from '../infra/policy-context';

/**
 * `cqo import roster FILE [--keep-valid] [--dry-run]`: the roster import the web page queues, run
 * here in the foreground as the province office (the whole province in scope), on the file where it
 * lies. JSON `{inserted, updated, unchanged, rejected[{row, column, reason}], …}` on stdout; exit 1
 * if anything was rejected. `scanned`: the scan of the file (openSheet), started on a thread while
 * this module loaded (main.ts).
 */
export async function importRosterCommand(file: string, opts: { keepValid?: boolean; dryRun?: boolean }, scanned?: Promise<ScanOutcome | null>): Promise<void> {
  const path = resolve(file);
  try {
    await access(path);
  } catch {
    process.stderr.write(`cannot read ${file}\n`);
    process.exit(2);
  }
  try {
    const result = await withPolicyContext(async (app) => {
      const actor = cliActor(app);
      const service = app.get(RosterImportService);
      // The file checks the upload gets (size, magic bytes, the zip's directory); the header row is
      // checked by the import's own read, so it is not parsed twice.
      await assertXlsx(await readFile(path), basename(path));
      return service.import(actor, { path, originalname: basename(path), scanned }, { mode: opts.keepValid ? 'keep-valid' : 'all-or-nothing', dryRun: !!opts.dryRun });
    }, [AuthModule, RosterModule]);
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
