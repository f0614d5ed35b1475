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
 * anywhere else in the server, worker or CLI fails here (landed migrations aside).
 */
const OWNERS: Record<string, string> = {
  appointment: 'libs/server/eligibility/src/appointments.repository.ts',
  cqo_person: 'libs/server/eligibility/src/appointments.repository.ts',
  audit_log: 'libs/server/audit/src/audit.service.ts',
  training_record: 'libs/server/training/src/ledger.service.ts',
  violation: 'libs/server/violations/src/violations.repository.ts',
  enterprise_change_request: 'libs/server/enterprises/src/enterprise-change-requests.repository.ts',
};

describe('each owned table has one writer (issue 19)', () => {
  const files = ['libs/server', 'apps/api', 'apps/worker', 'apps/cli'].flatMap((d) => sources(join(ROOT, d)));
  const writers = (table: string) =>
    files
      .filter((f) => new RegExp(`(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+${table}\\b(?!_)`, 'i').test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
      .sort();

  it.each(Object.entries(OWNERS))('%s is written by %s alone', (table, owner) => {
    expect(writers(table)).toEqual([owner]);
  });

  it('sees a write where there is one (the scanner is not blind)', () => {
    expect(writers('annual_report').length).toBeGreaterThan(0);
  });
});
