import 'reflect-metadata';
import { resolve } from 'node:path';
import { Command } from 'commander';

type Action = (...args: never[]) => unknown;

/**
 * A command's action, its module loaded only when it runs: each command loads its own libraries,
 * not those of every command (the roster import's start-up, issue 16).
 */
function lazy<M extends Record<K, Action>, K extends keyof M & string>(load: () => Promise<M>, name: K): (...args: Parameters<M[K]>) => Promise<void> {
  return async (...args) => {
    await (await load())[name](...args);
  };
}

type ImportAction = (file: string, opts: never, scanned?: ReturnType<typeof import('./infra/sheet-scan.js').scanOnThread>) => unknown;

/**
 * An import command's action (`lazy`, plus the scan of FILE started on a thread before the
 * command's libraries load, infra/sheet-scan.ts, and handed to the command still pending).
 */
function scanningImport<M extends Record<K, ImportAction>, K extends keyof M & string>(load: () => Promise<M>, name: K): (file: string, opts: Parameters<M[K]>[1]) => Promise<void> {
  return async (file, opts) => {
    const scanned = (await import('./infra/sheet-scan.js')).scanOnThread(resolve(file));
    await (await load())[name](file, opts, scanned);
  };
}

/** `npm run cqo -- <command>`: one entry per operator task (SPEC §9). */
const program = new Command('cqo').description('企业首席质量官制度监管平台 — operator commands');

program.command('migrate').description('apply pending database migrations (also loads GB/T 2260 regions)').action(lazy(() => import('./commands/migrate.command.js'), 'migrateCommand'));

program
  .command('seed:demo')
  .description('fill an empty database with a demo province and demo accounts of every role')
  .option('--enterprises <n>', 'number of enterprises', '6000')
  .option('--years <k>', "years of history (training ledger, annual and city reports): the current year and the K − 1 before it (2–10; the demo's own default when left out)")
  .option('--force', 'allow in production (throw-away databases only)')
  .action(lazy(() => import('./commands/seed-demo.command.js'), 'seedDemoCommand'));

program
  .command('user:add')
  .description('create a user (production has no default accounts); it must change the password at first sign-in')
  .requiredOption('--username <name>')
  .requiredOption('--role <role>', 'enterprise | county | city | province | evaluator | admin')
  .option('--name <displayName>')
  .option('--region <code>', 'GB/T 2260 code, for county/city/province/evaluator')
  .option('--enterprise <creditCode>', 'for the enterprise role')
  .option('--password <password>', 'at least 12 characters, not a common one; or set CQO_NEW_PASSWORD')
  .action(lazy(() => import('./commands/user-add.command.js'), 'userAddCommand'));

program
  .command('user:reset-password')
  .description("reset a user's password: every session of the user ends and the password must be changed at the next sign-in")
  .requiredOption('--username <name>')
  .option('--password <password>', 'at least 12 characters, not a common one; or set CQO_NEW_PASSWORD')
  .action(lazy(() => import('./commands/user-add.command.js'), 'userResetPasswordCommand'));

const profile = program.command('profile').description('which CQO eligibility policy profile is in force (SPEC §3)');
profile.command('list').description('every profile version, the schedule and the version in force today (JSON)').action(lazy(() => import('./commands/profile.command.js'), 'profileListCommand'));
profile
  .command('use')
  .description('put a profile version in force from a date; past years keep the version in force then')
  .argument('<profile>', 'NAME or NAME@VERSION, e.g. hubei-2021@1')
  .option('--from <date>', 'first day in force (YYYY-MM-DD), default today')
  .action(lazy(() => import('./commands/profile.command.js'), 'profileUseCommand'));

program
  .command('eligibility')
  .description('verdict JSON of the CQO in post at an enterprise: {verdict, profile, rules[]}')
  .requiredOption('--credit-code <code>', '统一社会信用代码')
  .option('--as-of <date>', 'judge on this date (YYYY-MM-DD) under the profile in force then, default today')
  .action(lazy(() => import('./commands/eligibility.command.js'), 'eligibilityCommand'));

program
  .command('grade')
  .description('SPEC §9 grading JSON of a score sheet: {total, dimensions, grade, reasons}; exit 2 on an invalid sheet')
  .requiredOption('--scheme <name>', 'zhejiang | hunan')
  .requiredOption('--sheet <file>', 'JSON {scores: {"<clause id>": points}, applied?, experienceYears?, hasCertificate?}')
  .action(lazy(() => import('./commands/grade.command.js'), 'gradeCommand'));

program
  .command('aggregate')
  .description('rebuild the statistics snapshots now (every held year, or --year) and wait; prints the run as JSON')
  .option('--year <y>', 'only this year')
  .action(lazy(() => import('./commands/stats.command.js'), 'aggregateCommand'));

program
  .command('stats')
  .description("SPEC §9 statistics JSON of a region: enterprises, appointed, rates, eligible, training, filings, violations, targets")
  .requiredOption('--region <code>', 'GB/T 2260 code (province, 市州 or 县)')
  .option('--year <y>', 'year, default the current one')
  .option('--as-of <date>', 'count as of this date (YYYY-MM-DD); default the snapshot date')
  .action(lazy(() => import('./commands/stats.command.js'), 'statsCommand'));

const verify = program.command('verify').description('integrity checks');
verify
  .command('training')
  .description('re-walk the training ledger hash chain; exit 1 naming the first broken record')
  .action(lazy(() => import('./commands/training.command.js'), 'verifyTrainingCommand'));
verify
  .command('audit')
  .description('re-walk the audit log hash chain (every lane); exit 1 naming the first broken row')
  .action(lazy(() => import('./commands/audit.command.js'), 'verifyAuditCommand'));

program
  .command('backup')
  .description('the database (pg_dump custom format, as the owner) and every stored file (the CQO_S3_* bucket, else CQO_FILES_DIR) with a manifest of row counts and SHA-256s')
  .requiredOption('--out <dir>', 'a new or empty directory')
  .action(lazy(() => import('./commands/backup.command.js'), 'backupCommand'));
program
  .command('restore')
  .description('a `cqo backup` into an empty database and an empty folder or bucket; checks the SHA-256s first and the row counts and files after')
  .requiredOption('--from <dir>', 'the backup directory')
  .requiredOption('--database-url <url>', 'the empty target database (its role owns what is restored)')
  .option('--files-dir <dir>', 'a new or empty folder for the files')
  .option('--bucket <name>', 'a new or empty bucket for the files, on the object store of CQO_S3_ENDPOINT (created if missing)')
  .action(lazy(() => import('./commands/backup.command.js'), 'restoreCommand'));

const importCmd = program.command('import').description('imports from spreadsheets (SPEC §8)');
importCmd
  .command('training')
  .description('providers\' training records (.xlsx with the SPEC §8 columns); JSON summary, exit 1 if any row was rejected')
  .argument('<file>', 'the .xlsx file')
  .option('--keep-valid', 'write the valid rows even when some are rejected (default: all or nothing)')
  .action(scanningImport(() => import('./commands/training.command.js'), 'importTrainingCommand'));
importCmd
  .command('roster')
  .description('enterprises and their CQOs (.xlsx with the SPEC §8 roster columns); JSON summary, exit 1 if any row was rejected')
  .argument('<file>', 'the .xlsx file')
  .option('--keep-valid', 'write the valid rows even when some are rejected (default: all or nothing)')
  .option('--dry-run', 'validate every row and report, writing nothing')
  .action(scanningImport(() => import('./commands/roster.command.js'), 'importRosterCommand'));

const exportCmd = program.command('export').description('exports to spreadsheets (SPEC §7)');
exportCmd
  .command('attachment')
  .description('the statutory attachment table 企业首席质量官基本情况统计表 of a region and year; JSON summary on stdout')
  .requiredOption('--region <code>', 'GB/T 2260 code (province, 市州 or 县)')
  .option('--year <y>', 'year, default the current one')
  .option('--as-of <date>', 'as of this date (YYYY-MM-DD); default the snapshot date')
  .requiredOption('--out <file>', 'the .xlsx file to write')
  .action(lazy(() => import('./commands/export.command.js'), 'exportAttachmentCommand'));

program
  .command('start')
  .description('start the api and the worker (embedded PostgreSQL and local Redis when not configured)')
  .option('--demo', 'seed demo data on first start and print the demo accounts')
  .option('--enterprises <n>', 'demo enterprises', '6000')
  .option('--verbose', 'show the api and worker logs here instead of in <data dir>/logs (so does LOG_LEVEL)')
  .action(lazy(() => import('./commands/start.command.js'), 'startCommand'));

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`cqo: ${err.message}\n`);
  process.exit(1);
});
