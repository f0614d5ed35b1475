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
 * listed here or in BY_DATABASE (a new table without a home fails), and every table is written from
 * one feature: another feature calls that feature's writer (the roster import fills `enterprise`
 * and `enterprise_award` through EnterprisesRepository, `appointment` and `cqo_person` through
 * AppointmentsRepository).
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
  enterprise: 'libs/server/enterprises/src/enterprises.repository.ts',
  enterprise_award: 'libs/server/enterprises/src/enterprises.repository.ts',
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

/** A raw SQL write of `table`: INSERT, UPDATE, DELETE, or a bulk `COPY <table> [(columns)] FROM` (not `COPY … TO`, a read). */
function rawWrite(table: string): RegExp {
  return new RegExp(`(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+${table}\\b(?!_)|COPY\\s+${table}\\b(?!_)\\s*(\\([^)]*\\)\\s*)?FROM\\b`, 'i');
}

/** The TypeORM calls that write (on an EntityManager, a Repository or a query builder). */
const WRITE = 'insert|update|upsert|delete|save|remove|softDelete|softRemove|restore|recover|increment|decrement';

/** Every TypeORM entity class in `text` and the table it maps to (`@Entity('<table>') … class <Name>`). */
function entityTables(text: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of text) {
    for (const m of t.matchAll(/@Entity\(\s*(?:\{\s*name:\s*)?['"](\w+)['"][^)]*\)\s*(?:@\w+\([^)]*\)\s*)*(?:export\s+)?class\s+(\w+)/g)) out.set(m[2], m[1]);
  }
  return out;
}

/**
 * The tables `src` writes through TypeORM, and the writes whose table it cannot tell (`unknown`, a
 * line each). A write names its table by its first argument (`m.insert(XEntity, …)`,
 * `qb.update(XEntity)`, `.into(XEntity)`, `m.save(m.create(XEntity, …))`, or the table in quotes), by
 * its receiver (`getRepository(XEntity).delete(…)`, a repository injected or kept for `XEntity`), or,
 * for a query builder's `.insert()`/`.update()`/`.delete()`, by the chain it is in
 * (`createQueryBuilder(XEntity)`, `.into(…)`, `.from(…)`).
 */
function typeormWrites(src: string, entities: Map<string, string>, known: Set<string>): { tables: Set<string>; unknown: string[] } {
  const tables = new Set<string>();
  const unknown: string[] = [];
  /** The table a call's argument text names (an entity class, `create(Entity`, or a table in quotes), if any. */
  const named = (args: string): string | undefined => {
    const m = /^\s*(?:\w+\.create\(\s*)?(?:(\w+)|['"`](\w+)['"`])/.exec(args);
    if (!m) return undefined;
    return m[1] ? entities.get(m[1]) : known.has(m[2]) ? m[2] : undefined;
  };
  // Repositories held in a field or a variable: `@InjectRepository(X) private readonly repo`, `const r = m.getRepository(X)`.
  const handles = new Map<string, string>();
  for (const m of src.matchAll(/@InjectRepository\(\s*(\w+)\s*\)\s*(?:(?:private|protected|public|readonly)\s+)*(\w+)/g)) {
    if (entities.has(m[1])) handles.set(m[2], entities.get(m[1])!);
  }
  for (const m of src.matchAll(/(\w+)\s*=\s*[\w.]*getRepository\(\s*(\w+)\s*\)/g)) if (entities.has(m[2])) handles.set(m[1], entities.get(m[2])!);
  const byReceiver = (before: string): string | undefined => {
    const repo = /(?:getRepository|withRepository)\(\s*(?:this\.)?(\w+)\s*\)\s*$/.exec(before);
    if (repo) return entities.get(repo[1]) ?? handles.get(repo[1]);
    const handle = /(?:^|[^\w.]|this\.)(\w+)\s*$/.exec(before);
    return handle ? handles.get(handle[1]) : undefined;
  };
  const line = (at: number) => `${src.slice(0, at).split('\n').length}: ${src.slice(src.lastIndexOf('\n', at) + 1, src.indexOf('\n', at) >>> 0).trim()}`;
  for (const call of src.matchAll(new RegExp(`\\.\\s*(${WRITE})\\(`, 'g'))) {
    const at = call.index!;
    const before = src.slice(Math.max(0, at - 300), at);
    const after = src.slice(at + call[0].length, at + call[0].length + 300);
    const empty = /^\s*\)/.test(after);
    let table = named(after) ?? byReceiver(before);
    if (!table && empty && /^(insert|update|delete|softDelete|restore)$/.test(call[1])) {
      // A query builder's write: its table is named where the chain starts or in `.into`/`.from`.
      const start = before.lastIndexOf('createQueryBuilder(');
      const statement = start >= 0 && !before.slice(start).includes(';') ? before.slice(start) + after.slice(0, after.indexOf(';') >>> 0) : '';
      if (!statement) {
        unknown.push(line(at));
        continue;
      }
      const into = /\.(?:into|from)\(([^)]*)\)/.exec(statement);
      table = named(statement.slice('createQueryBuilder('.length)) ?? byReceiver(before.slice(0, start).replace(/\.\s*$/, '')) ?? (into ? named(into[1]) : undefined);
      if (!table) unknown.push(line(at));
    } else if (!table && /(?:^|[^\w.])(?:m|manager|em|entityManager)\s*$|\.manager\s*$/.test(before)) {
      // An EntityManager's write whose target the scanner cannot read (`m.save(entity)`).
      unknown.push(line(at));
    }
    if (table) tables.add(table);
  }
  return { tables, unknown };
}

/** The feature a source file belongs to: `libs/server/<feature>/…`, or the app (`apps/cli`). */
function feature(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'libs' ? parts[2] : `${parts[0]}/${parts[1]}`;
}

describe('each owned table has one writer (issue 19)', () => {
  const files = ['libs/server', 'apps/api', 'apps/worker', 'apps/cli'].flatMap((d) => sources(join(ROOT, d)));
  const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  const entities = entityTables(text.values());
  const known = new Set(tables());
  const orm = new Map(files.map((f) => [f, typeormWrites(text.get(f)!, entities, known)]));
  /** Every file that writes `table`: raw SQL, a TypeORM write of its entity, or the seeder's bulk insert naming it. */
  const writers = (table: string) => {
    const raw = rawWrite(table);
    const bulk = new RegExp(`\\bbulk(<\\w+>)?\\(\\s*m,\\s*'${table}'`);
    return files
      .filter((f) => raw.test(text.get(f)!) || bulk.test(text.get(f)!) || orm.get(f)!.tables.has(table))
      .map((f) => relative(ROOT, f))
      .sort();
  };
  const besidesSeeder = (table: string) => writers(table).filter((f) => f !== SEEDER);

  it.each(Object.entries(OWNERS))('%s is written by %s alone (the demo seeder aside)', (table, owner) => {
    expect(besidesSeeder(table)).toEqual([owner]);
  });

  it.each(tables())('%s is written from one feature', (table) => {
    const features = [...new Set(besidesSeeder(table).map(feature))].sort();
    expect(features.length).toBeLessThanOrEqual(1);
  });

  it('every TypeORM write names its table (an entity, the table, or a repository of one), so the checks above see it', () => {
    const unread = files.flatMap((f) => orm.get(f)!.unknown.map((l) => `${relative(ROOT, f)}:${l}`));
    expect(unread).toEqual([]);
  });

  it.each(tables())('%s has a home: one writing file, or the database itself', (table) => {
    const homes = [OWNERS[table] && 'owner', BY_DATABASE.includes(table) && 'database'].filter(Boolean);
    expect(homes).toHaveLength(1);
    if (BY_DATABASE.includes(table)) expect(besidesSeeder(table)).toEqual([]);
  });

  it('sees a write where there is one (the scanner is not blind)', () => {
    expect(writers('annual_report').length).toBeGreaterThan(0);
    // The seeder's bulk inserts count as writes: appointment is written by its owner and the seeder.
    expect(writers('appointment')).toEqual([SEEDER, OWNERS.appointment].sort());
    // A session is opened through TypeORM (`m.save(m.create(SessionEntity, …))`): its entity maps to user_session.
    expect(entities.get('EnterpriseEntity')).toBe('enterprise');
    expect(orm.get(join(ROOT, OWNERS.user_session))!.tables).toContain('user_session');
  });

  it.each([
    ['COPY enterprise (id, credit_code, name) FROM STDIN', true],
    ['COPY enterprise FROM STDIN', true],
    ['DELETE FROM enterprise_award w USING roster_stage s', false],
    ['COPY enterprise TO STDOUT', false],
    ['COPY (SELECT * FROM enterprise) TO STDOUT', false],
    ['SELECT * FROM enterprise_award', false],
  ])('reads a raw write of enterprise in %j: %s', (sql, written) => {
    expect(rawWrite('enterprise').test(sql)).toBe(written);
  });

  it.each([
    ['await m.insert(EnterpriseEntity, { name })', ['enterprise'], []],
    ["await m.createQueryBuilder()\n  .update(EnterpriseEntity)\n  .set({ name })\n  .where('id = :id', { id })\n  .execute();", ['enterprise'], []],
    ['await m.createQueryBuilder().insert().into(UserEntity).values(u).execute();', ['app_user'], []],
    ["await m.createQueryBuilder(SessionEntity, 's').delete().where('id = :id', { id }).execute();", ['user_session'], []],
    ['await m.delete(EnterpriseEntity, { id });', ['enterprise'], []],
    ["await m.getRepository(RegionEntity).update({ code }, { name });", ['region'], []],
    ['@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>;\nawait this.users.save({ id, name });', ['app_user'], []],
    ["await m.insert('enterprise', { name });", ['enterprise'], []],
    ['return m.save(\n  m.create(SessionEntity, { userId }),\n);', ['user_session'], []],
    ['await m.save(entity);', [], ['1: await m.save(entity);']],
    ["await this.users.findOneBy({ id });\nhash.update(text);\nawait this.reports.save(actor, id, dto);", [], []],
  ])('reads the TypeORM writes of %j', (src, written, unread) => {
    const found = typeormWrites(src, entities, known);
    expect([...found.tables].sort()).toEqual(written);
    expect(found.unknown).toEqual(unread);
  });
});
