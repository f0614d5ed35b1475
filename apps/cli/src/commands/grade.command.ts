import { readFileSync } from 'node:fs';
import { gradeSheet, SCORING_SCHEMES, validateSheet, type GradeSheet, type SchemeName } from '@cqo/policy';

/**
 * `cqo grade --scheme zhejiang|hunan --sheet FILE.json` → SPEC §9 `{total, dimensions, grade, reasons}`.
 * Pure: no database. The same `gradeSheet` the evaluation panel's report uses. The zhejiang bands
 * are the defaults here (the settings a province may change live in the database).
 * Exit 2 on a bad argument, an unreadable file or a sheet with field errors.
 */
export function gradeCommand(opts: { scheme: string; sheet: string }): void {
  if (!(opts.scheme in SCORING_SCHEMES)) fail(`--scheme must be zhejiang or hunan, got "${opts.scheme}"`);
  const scheme = SCORING_SCHEMES[opts.scheme as SchemeName];
  let sheet: GradeSheet;
  try {
    sheet = JSON.parse(readFileSync(opts.sheet, 'utf8')) as GradeSheet;
  } catch (err) {
    fail(`cannot read the sheet ${opts.sheet}: ${(err as Error).message}`);
  }
  const errors = validateSheet(scheme, sheet);
  if (errors.length) fail(`评分表有误（${errors.length} 处）：\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  const { total, dimensions, grade, reasons } = gradeSheet(scheme, sheet);
  process.stdout.write(JSON.stringify({ total, dimensions, grade, reasons }, null, 2) + '\n');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
