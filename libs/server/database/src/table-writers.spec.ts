import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'migrations') sources(path, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/**
 * Issue 19 item 2 (STYLE.md "A repository owns its tables"; the table map in docs/architecture.md):
 * the tables below are written by one file only. A raw INSERT, UPDATE or DELETE of one of them
 * anywhere else in the server, worker or CLI fails here (landed migrations aside). Every table is
 * listed here, in SHARED or in BY_DATABASE (a new table without a home fails), and every table is
 * written from one feature: another feature calls that feature's writer.
 */
const OWNERS: Record<string, string> = {
  appointment: 'libs/server/eligibility/src/appointments.repository.ts',
  cqo_person: 'libs/server/eligibility/src/appointments.repository.ts',
  audit_log: 'libs/server/audit/src/audit.service.ts',
  training_record: 'libs/server/training/src/training-records.repository.ts',
  training_certificate: 'libs/server/training/src/hours-certificates.repository.ts',
  violation: 'libs/server/violations/src/violations.repository.ts',
  violation_voided: 'libs/server/violations/src/violations.repository.ts',
  enterprise_change_request: 'libs/server/enterprises/src/enterprise-change-requests.repository.ts',
  app_setting: 'libs/server/database/src/app-settings.repository.ts',
  app_user: 'libs/server/auth/src/accounts.repository.ts',
  user_session: 'libs/server/auth/src/accounts.repository.ts',
  login_lock: 'libs/server/auth/src/accounts.repository.ts',
  login_failure: 'libs/server/auth/src/accounts.repository.ts',
  city_report: 'libs/server/filings/src/city-reports.repository.ts',
  annual_report: 'libs/server/filings/src/annual-reports.repository.ts',
  report_event: 'libs/server/filings/src/report-events.ts',
  outbox: 'libs/server/queue/src/outbox.service.ts',
  stat_contrib: 'libs/server/stats/src/aggregate.sql.ts',
  stat_delta: 'libs/server/stats/src/aggregate.sql.ts',
  message_delivery: 'libs/server/messaging/src/messages.repository.ts',
  message_opt_out: 'libs/server/messaging/src/messages.repository.ts',
  notification: 'libs/server/filings/src/notifications.repository.ts',
  stat_setting: 'libs/server/stats/src/stats.repository.ts',
  evaluation_application: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_event: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_talent: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_evidence: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_panel_member: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_sheet: 'libs/server/evaluation/src/evaluation-records.repository.ts',
  evaluation_certificate: 'libs/server/evaluation/src/evaluation-certificates.repository.ts',
  evaluation_certificate_event: 'libs/server/evaluation/src/evaluation-certificates.repository.ts',
  evaluation_cert_counter: 'libs/server/evaluation/src/evaluation-certificates.repository.ts',
  evaluation_yearly_review: 'libs/server/evaluation/src/evaluation-certificates.repository.ts',
  enterprise_closure: 'libs/server/enterprises/src/enterprises.repository.ts',
  file_job: 'libs/server/files/src/file-jobs.repository.ts',
  filing_setting: 'libs/server/filings/src/filing-settings.repository.ts',
  import_run: 'libs/server/imports/src/import-runs.ts',
  policy_profile_version: 'libs/server/eligibility/src/profiles.repository.ts',
  policy_schedule: 'libs/server/eligibility/src/profiles.repository.ts',
  reminder_log: 'libs/server/filings/src/reminders.repository.ts',
  stat_contrib_region: 'libs/server/stats/src/snapshot.service.ts',
  stat_current: 'libs/server/stats/src/snapshot.service.ts',
  stat_dirty: 'libs/server/stats/src/snapshot.service.ts',
  stat_dirty_enterprise: 'libs/server/stats/src/snapshot.service.ts',
  stat_run: 'libs/server/stats/src/snapshot.service.ts',
  stat_snapshot: 'libs/server/stats/src/snapshot.service.ts',
  verdict_on: 'libs/server/eligibility/src/verdicts.repository.ts',
  worker_heartbeat: 'libs/server/health/src/worker-heartbeat.service.ts',
};

/**
 * The demo seeder builds a whole province on an empty database (it refuses one that holds
 * enterprises) and fills most tables at once through its one generic bulk insert,
 * `DemoSeedService.bulk(m, '<table>', …)`: the one writer allowed besides a table's owner. The
 * scanner sees those calls as writes (it is not blind to them); the checks below set them aside.
 */
const SEEDER = 'libs/server/demo/src/demo-seed.service.ts';

/**
 * Tables written from more than one feature on purpose: the registry's tables are also filled in
 * bulk by the roster import. Any other table is written from inside one feature
 * (`libs/server/<feature>/`, or one app) only.
 */
const SHARED: Record<string, string[]> = {
  enterprise: ['enterprises', 'roster'],
  enterprise_award: ['enterprises', 'roster'],
};

/**
 * Tables no code writes: filled by triggers of the tables they keep the history of
 * (`enterprise_state`, `enterprise_award_removed`, `violation_status_change`, `policy_revision`),
 * seeded by migrations (`region`), or created by the first migration and dropped by a later one
 * (`region_stat`).
 */
const BY_DATABASE = ['enterprise_award_removed', 'enterprise_state', 'policy_revision', 'region', 'region_stat', 'violation_status_change'];

/** Every table a landed migration creates. */
function tables(): string[] {
  const dir = join(ROOT, 'libs/server/database/src/migrations');
  const names = new Set<string>();
  for (const f of readdirSync(dir)) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/g)) names.add(m[1]);
  return [...names].sort();
}

/** The feature a source file belongs to: `libs/server/<feature>/…`, or the app (`apps/cli`). */
function feature(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'libs' ? parts[2] : `${parts[0]}/${parts[1]}`;
}

describe('each owned table has one writer (issue 19)', () => {
  const files = ['libs/server', 'apps/api', 'apps/worker', 'apps/cli'].flatMap((d) => sources(join(ROOT, d)));
  const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  /** Every file that writes `table`: raw SQL, or the seeder's bulk insert naming it. */
  const writers = (table: string) => {
    const raw = new RegExp(`(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+${table}\\b(?!_)`, 'i');
    const bulk = new RegExp(`\\bbulk(<\\w+>)?\\(\\s*m,\\s*'${table}'`);
    return files
      .filter((f) => raw.test(text.get(f)!) || bulk.test(text.get(f)!))
      .map((f) => relative(ROOT, f))
      .sort();
  };
  const besidesSeeder = (table: string) => writers(table).filter((f) => f !== SEEDER);

  it.each(Object.entries(OWNERS))('%s is written by %s alone (the demo seeder aside)', (table, owner) => {
    expect(besidesSeeder(table)).toEqual([owner]);
  });

  it.each(tables())('%s is written from one feature (a shared table from its listed ones)', (table) => {
    const features = [...new Set(besidesSeeder(table).map(feature))].sort();
    if (SHARED[table]) expect(features).toEqual(SHARED[table]);
    else expect(features.length).toBeLessThanOrEqual(1);
  });

  it.each(tables())('%s has a home: one writing file, the shared registry, or the database itself', (table) => {
    const homes = [OWNERS[table] && 'owner', SHARED[table] && 'shared', BY_DATABASE.includes(table) && 'database'].filter(Boolean);
    expect(homes).toHaveLength(1);
    if (BY_DATABASE.includes(table)) expect(besidesSeeder(table)).toEqual([]);
  });

  it('sees a write where there is one (the scanner is not blind)', () => {
    expect(writers('annual_report').length).toBeGreaterThan(0);
    // The seeder's bulk inserts count as writes: appointment is written by its owner and the seeder.
    expect(writers('appointment')).toEqual([SEEDER, OWNERS.appointment].sort());
  });
});
