import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StatTarget } from '@cqo/contracts';
import { BUILT_IN_PROFILES, chinaDate, DEFAULT_TARGETS, DEFAULT_WEIGHTS, defaultProfileFor, parseProfileRef } from '@cqo/policy';
import { EligibilityService } from '@cqo/server-eligibility';
import { hashPassword, regionSubtreePattern, regionsInSubtreeSql } from '@cqo/server-auth';
import { AppSettingsRepository, chainDrafts, GENESIS_HASH, ledgerHours } from '@cqo/server-database';
import { APP_CONFIG, pickSnake, type AppConfig } from '@cqo/server-common';
import { citySnapshot } from '@cqo/server-filings';
import { SnapshotService, StatsService } from '@cqo/server-stats';
import { DEFAULT_HISTORY_YEARS, demoCqoPins, generateDemoCqos, type DemoAppointment, type DemoTrainingRecord, type DemoViolation } from './demo-cqo.generator';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, type DemoRegion } from './demo-data.generator';
import { generateDemoEvaluation, type DemoCertificate, type DemoEvaluationApplication, type DemoEvaluationData } from './demo-evaluation.generator';
import { generateDemoFilings, type DemoAnnualReport, type DemoCityReport, type DemoReportEvent, type DemoReportLifecycle } from './demo-filings.generator';

/** The `app_setting` key of what the seeder built: present once a demo province is in, so a second run only reports it. */
const DEMO_SEED_KEY = 'demo_seed';

/** Every demo account shares this password; it exists only in databases seeded with demo data. */
export const DEMO_PASSWORD = 'Cqo@2026demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: string;
  scope: string;
  password: string;
}

export interface DemoSeedResult {
  seeded: boolean;
  enterprises: number;
  /** Active CQO appointments (history rows not counted). */
  appointments: number;
  trainingRecords: number;
  violations: number;
  /** Enterprise annual reports, every year and state (not-started ones have no row). */
  annualReports: number;
  /** City annual reports (市州), every year and state. */
  cityReports: number;
  /** Capability-evaluation applications, every state (none in a small province). */
  evaluationApplications: number;
  /** Evaluation certificates issued from them, every status. */
  certificates: number;
  accounts: DemoAccount[];
}

/** Rows per bulk INSERT: one round trip per thousand rows. */
const BATCH = 1000;

/**
 * Builds a demo province on an empty database: enterprises in every 市州 and county, their CQOs
 * (appointments with history, training ledger, violations), annual reporting in every state (the
 * last closed cycle and the open one) and an account for every role. Runs once; later calls only
 * report the accounts. Verdicts are not generated: the eligibility service judges every active
 * appointment once the CQO data is in, as it does nightly, before the city reports freeze their
 * snapshots — all in one transaction.
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshots: SnapshotService,
    private readonly stats: StatsService,
    private readonly settings: AppSettingsRepository,
    private readonly eligibility: EligibilityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async seed(opts: { enterprises: number; years?: number; now?: Date }): Promise<DemoSeedResult> {
    const v = await this.settings.get<Record<string, unknown>>(DEMO_SEED_KEY);
    if (v) {
      return {
        seeded: false,
        enterprises: Number(v.enterprises),
        appointments: Number(v.appointments ?? 0),
        trainingRecords: Number(v.trainingRecords ?? 0),
        violations: Number(v.violations ?? 0),
        annualReports: Number(v.annualReports ?? 0),
        cityReports: Number(v.cityReports ?? 0),
        evaluationApplications: Number(v.evaluationApplications ?? 0),
        certificates: Number(v.certificates ?? 0),
        accounts: await this.accounts(),
      };
    }
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM enterprise');
    if (n > 0) throw new Error('the database already holds enterprises that are not demo data: refusing to add demo data');

    const province = this.config.provinceCode;
    const regions: DemoRegion[] = demoRegionsOf(
      await this.dataSource.query(`SELECT code, name, level, parent_code AS "parentCode", path FROM region WHERE ${regionsInSubtreeSql('', '$1')}`, [regionSubtreePattern(`/${province}/`)]),
      province,
    );
    const started = Date.now();
    const today = chinaDate(opts.now ?? new Date());
    const year = Number(today.slice(0, 4));
    const enterprises = generateDemoEnterprises({ regions, count: opts.enterprises, seed: 20211231, currentYear: year });
    const users = demoUserSpecs({ regions, enterprises, provinceCode: province });
    const cqos = generateDemoCqos({ enterprises, today, seed: 20211231, historyYears: opts.years, ...demoCqoPins(users) });
    const activeCount = cqos.appointments.filter((a) => a.status === 'active').length;
    // Annual reporting for the last closed cycle and the open one (SPEC §2): soft rules are judged
    // under the profile a fresh database has in force.
    // What every later generator draws on: the province, its enterprises, their CQOs and the accounts.
    const base = { regions, provinceCode: province, enterprises, cqos, users, today, seed: 20211231 };
    const filings = generateDemoFilings({
      ...base,
      profile: parseProfileRef(defaultProfileFor(province), BUILT_IN_PROFILES),
      // `--years K` covers the reports as it does the training ledger: the trend has K years.
      years: opts.years ?? DEFAULT_HISTORY_YEARS,
    });
    // Capability evaluation (issue 8): applications in every state, certificates of earlier years.
    const provinceName = regions.find((r) => r.code === province)?.name ?? '';
    const evaluation = generateDemoEvaluation({
      ...base,
      // The settings default (EvaluationSettingsService): a fresh database has no `evaluation` setting.
      issuingBody: `${provinceName}首席质量官能力评价中心`,
    });
    const counts: Omit<DemoSeedResult, 'seeded' | 'accounts'> = {
      enterprises: enterprises.length,
      appointments: activeCount,
      trainingRecords: cqos.trainingRecords.length,
      violations: cqos.violations.length,
      annualReports: filings.annualReports.length,
      cityReports: filings.cityReports.length,
      evaluationApplications: evaluation.applications.length,
      certificates: evaluation.certificates.length,
    };
    const hash = await hashPassword(DEMO_PASSWORD);
    const paths = new Map<string, string>(
      (await this.dataSource.query(`SELECT code, path FROM region WHERE ${regionsInSubtreeSql('', '$1')}`, [regionSubtreePattern(`/${province}/`)])).map(
        (r: { code: string; path: string }) => [r.code, r.path],
      ),
    );

    let judged = { evaluated: 0, changed: 0 };
    let judgedAt = 0;
    await this.dataSource.transaction(async (m) => {
      const ids: string[] = [];
      for (let i = 0; i < enterprises.length; i += 1000) {
        const part = enterprises.slice(i, i + 1000);
        const rows: { id: string }[] = await m.query(
          `INSERT INTO enterprise (credit_code, name, region_code, region_path, above_size, size_class, ownership, industry)
           SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::boolean[], $6::varchar[], $7::varchar[], $8::varchar[])
           RETURNING id`,
          [
            part.map((e) => e.creditCode),
            part.map((e) => e.name),
            part.map((e) => e.regionCode),
            part.map((e) => paths.get(e.regionCode)),
            part.map((e) => e.aboveSize),
            part.map((e) => e.sizeClass),
            part.map((e) => e.ownership),
            part.map((e) => e.industry),
          ],
        );
        ids.push(...rows.map((r) => r.id));
      }
      const awards = enterprises.flatMap((e, i) => e.awards.map((a) => ({ id: ids[i], ...a })));
      if (awards.length) {
        await m.query(
          `INSERT INTO enterprise_award (enterprise_id, award, year) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::smallint[]) ON CONFLICT DO NOTHING`,
          [awards.map((a) => a.id), awards.map((a) => a.award), awards.map((a) => a.year)],
        );
      }
      const userIds = new Map<string, string>();
      for (const u of users) {
        const [row]: { id: string }[] = await m.query(
          `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
          [u.username, u.displayName, hash, u.role, u.role === 'enterprise' ? null : u.regionCode, u.enterpriseIndex === null ? null : ids[u.enterpriseIndex]],
        );
        userIds.set(u.username, row.id);
      }
      const userId = (username: string | null) => (username === null ? null : (userIds.get(username) ?? null));
      const enterprisePath = (i: number) => paths.get(enterprises[i].regionCode);
      const personIds = cqos.persons.map(() => randomUUID());
      const appointmentIds = cqos.appointments.map(() => randomUUID());
      await this.bulk(m, 'cqo_person', cqos.persons, (p, i) => ({
        ...pickSnake(p, ['name', 'phone']),
        id: personIds[i],
      }));
      // A change filing comes after the row it changed, so previous_id always points into this or an earlier batch.
      await this.bulk<DemoAppointment>(m, 'appointment', cqos.appointments, (a, i) => ({
        ...pickSnake(a, ['filingType', 'status', 'name', 'gender', 'birthMonth', 'phone', 'positionTitle', 'positionLevel', 'concurrentPost', 'education', 'qualificationType', 'qualificationLevel', 'qualityRelated', 'yearsInQuality', 'declarations', 'appointedOn', 'termEnd', 'effectiveFrom', 'endedOn', 'endReason', 'authorisationCertNo', 'initialTrainingHours', 'initialTrainingCertNo', 'initialTrainingCompletedOn', 'explanation', 'filedAt', 'lateFiling']),
        id: appointmentIds[i],
        enterprise_id: ids[a.enterpriseIndex],
        region_path: enterprisePath(a.enterpriseIndex),
        person_id: personIds[a.personIndex],
        previous_id: a.previousIndex === null ? null : appointmentIds[a.previousIndex],
      }));
      // The ledger is a hash chain (SPEC §4): each record is hashed onto the one before it, in recorded order.
      const trainingIds = cqos.trainingRecords.map(() => randomUUID());
      const links = chainDrafts(
        await ledgerHead(m),
        cqos.trainingRecords.map((t, i) => ({
          id: trainingIds[i],
          kind: 'entry',
          personId: personIds[t.personIndex],
          enterpriseId: t.enterpriseIndex === null ? null : ids[t.enterpriseIndex],
          category: t.category,
          course: t.course,
          provider: t.provider,
          startDate: t.startDate,
          endDate: t.endDate,
          hours: ledgerHours(t.hours),
          certificateNo: t.certificateNo,
          source: t.source,
          reverses: null,
          reason: null,
          recordedAt: String(Date.parse(t.recordedAt)),
          recordedBy: null,
        })),
      );
      await this.bulk<DemoTrainingRecord>(m, 'training_record', cqos.trainingRecords, (t, i) => ({
        ...pickSnake(t, ['category', 'course', 'provider', 'startDate', 'endDate', 'hours', 'certificateNo', 'source', 'recordedAt']),
        id: trainingIds[i],
        seq: links[i].seq,
        kind: 'entry',
        person_id: personIds[t.personIndex],
        enterprise_id: t.enterpriseIndex === null ? null : ids[t.enterpriseIndex],
        prev_hash: links[i].prevHash,
        hash: links[i].hash,
      }));
      await this.bulk<DemoViolation>(m, 'violation', cqos.violations, (v) => ({
        ...pickSnake(v, ['subject', 'type', 'accidentLevel', 'occurredOn', 'sourceDocument', 'description', 'status', 'statusNote', 'recordedRole', 'recordedAt', 'updatedAt', 'version']),
        enterprise_id: ids[v.enterpriseIndex],
        region_path: enterprisePath(v.enterpriseIndex),
        person_id: v.personIndex === null ? null : personIds[v.personIndex],
        appointment_id: v.appointmentIndex === null ? null : appointmentIds[v.appointmentIndex],
      }));
      // Verdicts before the city snapshots, so that their eligible counts are real. The eligibility
      // service judges every active appointment, as it does nightly.
      const judgeStart = Date.now();
      judged = await this.eligibility.refresh(m, { all: true });
      judgedAt = Date.now() - judgeStart;
      await this.insertFilings(m, filings.annualReports, filings.cityReports, {
        enterpriseId: (i) => ids[i],
        enterprisePath,
        regionPath: (code) => paths.get(code) ?? null,
        userId,
      });
      await this.insertEvaluation(m, evaluation, {
        enterpriseId: (i) => ids[i],
        enterprisePath,
        personId: (i) => personIds[i],
        appointmentId: (i) => appointmentIds[i],
        userId,
        bodyCode: province,
      });
      // The province's targets: the policy's (all due by the end of last year) and a next-phase one
      // still running, so the dashboard shows targets met, 逾期未达标 and pending with days left.
      await this.stats.seedSettings(m, demoTargets(year), DEFAULT_WEIGHTS);
      await this.settings.add(m, DEMO_SEED_KEY, { ...counts, at: new Date().toISOString() });
    });
    const inserted = Date.now();
    // Fresh tables have no planner statistics yet; without them the first aggregation plans badly.
    await this.dataSource.query('ANALYZE');
    await this.snapshots.rebuild({ trigger: 'seed:demo' });
    this.logger.log(
      `demo province ${province}: ${enterprises.length} enterprises, ${activeCount} active CQOs (${cqos.appointments.length} appointments), ` +
        `${cqos.trainingRecords.length} training records, ${cqos.violations.length} violations, ` +
        `${filings.annualReports.length} annual reports and ${filings.cityReports.length} city reports (${Object.keys(filings.expected).join(', ')}` +
        `), ${evaluation.applications.length} evaluation applications and ` +
        `${evaluation.certificates.length} certificates, ${users.length} accounts; ` +
        `written in ${inserted - started} ms (${judged.evaluated} verdicts in ${judgedAt} ms), counts rebuilt in ${Date.now() - inserted} ms`,
    );
    return { seeded: true, ...counts, accounts: await this.accounts() };
  }

  /**
   * Enterprise annual reports, then their history, then the city reports: a submitted or accepted
   * city report freezes its statistics snapshot, taken here over the reports just written.
   */
  private async insertFilings(
    m: EntityManager,
    annual: readonly DemoAnnualReport[],
    city: readonly DemoCityReport[],
    ref: {
      enterpriseId: (index: number) => string;
      enterprisePath: (index: number) => string | undefined;
      regionPath: (code: string) => string | null;
      userId: (username: string | null) => string | null;
    },
  ): Promise<void> {
    // The columns an enterprise's and a city's report share.
    const lifecycle = (r: DemoReportLifecycle) => ({
      ...pickSnake(r, ['year', 'status', 'version', 'submittedAt', 'late', 'returnReason', 'reviewedAt', 'createdAt', 'updatedAt']),
      submitted_by: ref.userId(r.submittedBy),
      reviewed_by: ref.userId(r.reviewedBy),
    });
    const annualIds = annual.map(() => randomUUID());
    await this.bulk<DemoAnnualReport>(m, 'annual_report', annual, (r, i) => ({
      ...lifecycle(r),
      ...pickSnake(r, ['data', 'softHits', 'explanation']),
      id: annualIds[i],
      enterprise_id: ref.enterpriseId(r.enterpriseIndex),
      region_path: ref.enterprisePath(r.enterpriseIndex),
    }));

    const cityIds = city.map(() => randomUUID());
    const snapshots: unknown[] = [];
    for (const c of city) {
      // As the city report service would at submission: the figures as of the submission day.
      snapshots.push(
        c.submittedAt === null
          ? null
          : await citySnapshot(m, c.cityCode, c.year, chinaDate(new Date(c.submittedAt)), new Date(c.submittedAt), (asOf, pathLike) =>
              this.eligibility.judgeOn(m, asOf, { pathLike }),
            ),
      );
    }
    await this.bulk<DemoCityReport>(m, 'city_report', city, (c, i) => ({
      ...lifecycle(c),
      ...pickSnake(c, ['narrative', 'unreviewedAtSubmission']),
      id: cityIds[i],
      region_code: c.cityCode,
      region_path: ref.regionPath(c.cityCode),
      snapshot: snapshots[i],
    }));

    // The history of every report, written in the order it happened (ids follow time within a report).
    type EventRow = DemoReportEvent & { type: 'annual' | 'city'; reportId: string; ms: number };
    const events: EventRow[] = [
      ...annual.flatMap((r, i) => r.events.map((e) => ({ ...e, type: 'annual' as const, reportId: annualIds[i], ms: Date.parse(e.at) }))),
      ...city.flatMap((c, i) => c.events.map((e) => ({ ...e, type: 'city' as const, reportId: cityIds[i], ms: Date.parse(e.at) }))),
    ].sort((a, b) => a.ms - b.ms);
    await this.bulk<EventRow>(m, 'report_event', events, (e) => ({
      ...pickSnake(e, ['reportId', 'actorRole', 'reason', 'at']),
      report_type: e.type,
      from_status: e.from,
      to_status: e.to,
      actor_id: ref.userId(e.actor),
    }));
  }

  /**
   * Capability evaluation: applications with their panel, sheets and history, then the
   * certificates with theirs, yearly reviews, the talent pool and the number counters (which end
   * at the last number used, so the next real issue continues the sequence).
   */
  private async insertEvaluation(
    m: EntityManager,
    data: DemoEvaluationData,
    ref: {
      enterpriseId: (index: number) => string;
      enterprisePath: (index: number) => string | undefined;
      personId: (index: number) => string;
      appointmentId: (index: number) => string;
      userId: (username: string | null) => string | null;
      bodyCode: string;
    },
  ): Promise<void> {
    if (!data.applications.length) return;
    const appIds = data.applications.map(() => randomUUID());
    await this.bulk<DemoEvaluationApplication>(m, 'evaluation_application', data.applications, (a, i) => ({
      ...pickSnake(a, ['scheme', 'appliedGrade', 'experienceYears', 'hasCertificate', 'selfAssessment', 'statement', 'recommendation', 'status', 'returnReasons', 'interviewOn', 'interviewNotes', 'siteVisitOn', 'siteVisitNotes', 'report', 'reportScores', 'reportConclusion', 'reportedAt', 'submittedAt', 'updatedAt', 'version']),
      id: appIds[i],
      body_code: ref.bodyCode,
      enterprise_id: ref.enterpriseId(a.enterpriseIndex),
      region_path: ref.enterprisePath(a.enterpriseIndex),
      person_id: ref.personId(a.personIndex),
      appointment_id: ref.appointmentId(a.appointmentIndex),
      reported_by: ref.userId(a.reportedBy),
    }));
    // History in the order it happened (ids follow time within an application).
    type AppEvent = DemoEvaluationApplication['events'][number] & { applicationId: string; ms: number };
    const events: AppEvent[] = data.applications
      .flatMap((a, i) => a.events.map((e) => ({ ...e, applicationId: appIds[i], ms: Date.parse(e.at) })))
      .sort((a, b) => a.ms - b.ms);
    await this.bulk<AppEvent>(m, 'evaluation_event', events, (e) => ({
      ...pickSnake(e, ['applicationId', 'at', 'actorRole', 'action', 'note']),
      actor_id: ref.userId(e.actor),
      from_status: e.from,
      to_status: e.to,
    }));
    const panel = data.applications.flatMap((a, i) => a.panel.map((p) => ({ applicationId: appIds[i], userId: ref.userId(p.username), leader: p.leader })));
    await this.bulk<(typeof panel)[number]>(m, 'evaluation_panel_member', panel, (p) => ({
      ...pickSnake(p, ['applicationId', 'userId']),
      is_leader: p.leader,
    }));
    const sheets = data.applications.flatMap((a, i) => a.sheets.map((s) => ({ ...s, applicationId: appIds[i] })));
    await this.bulk<(typeof sheets)[number]>(m, 'evaluation_sheet', sheets, (s) => ({
      ...pickSnake(s, ['applicationId', 'scores', 'comment', 'result', 'submittedAt']),
      user_id: ref.userId(s.username),
    }));

    const certIds = data.certificates.map(() => randomUUID());
    await this.bulk<DemoCertificate>(m, 'evaluation_certificate', data.certificates, (c, i) => ({
      ...pickSnake(c, ['number', 'year', 'seq', 'holderName', 'organisationName', 'scheme', 'score', 'grade', 'dimensions', 'issuingBody', 'issuedOn', 'validUntil', 'status', 'statusChangedOn', 'statusReason', 'createdAt']),
      id: certIds[i],
      body_code: ref.bodyCode,
      application_id: appIds[c.applicationIndex],
      person_id: ref.personId(c.personIndex),
      enterprise_id: ref.enterpriseId(c.enterpriseIndex),
      region_path: ref.enterprisePath(c.enterpriseIndex),
      issued_by: ref.userId(c.issuedBy),
      version: c.events.length,
    }));
    type CertEvent = DemoCertificate['events'][number] & { certificateId: string; ms: number };
    const certEvents: CertEvent[] = data.certificates
      .flatMap((c, i) => c.events.map((e) => ({ ...e, certificateId: certIds[i], ms: Date.parse(e.at) })))
      .sort((a, b) => a.ms - b.ms);
    await this.bulk<CertEvent>(m, 'evaluation_certificate_event', certEvents, (e) => ({
      ...pickSnake(e, ['certificateId', 'at', 'reason']),
      from_status: e.from,
      to_status: e.to,
      actor_id: ref.userId(e.actor),
    }));
    const reviews = data.certificates.flatMap((c, i) => c.reviews.map((r) => ({ ...r, certificateId: certIds[i] })));
    await this.bulk<(typeof reviews)[number]>(m, 'evaluation_yearly_review', reviews, (r) => ({
      ...pickSnake(r, ['certificateId', 'year', 'rating', 'summary', 'reviewedAt']),
      reviewed_by: ref.userId(r.reviewedBy),
    }));
    await this.bulk<DemoEvaluationData['talent'][number]>(m, 'evaluation_talent', data.talent, (t) => ({
      ...pickSnake(t, ['note', 'addedAt']),
      person_id: ref.personId(t.personIndex),
      certificate_id: certIds[t.certificateIndex],
      added_by: ref.userId(t.addedBy),
    }));
    // As the issue would leave them: the last number used per year.
    await this.bulk<DemoEvaluationData['counters'][number]>(m, 'evaluation_cert_counter', data.counters, (c) => ({
      ...pickSnake(c, ['year', 'lastSeq']),
      body_code: ref.bodyCode,
    }));
  }

  /**
   * INSERT … SELECT FROM json_populate_recordset(…) in batches of BATCH rows. `toRow` gives each
   * row as an object keyed by column name; the table's own row type converts the values (dates,
   * numerics, text[] from arrays, jsonb from objects), so no column is typed twice.
   */
  private async bulk<T>(m: EntityManager, table: string, rows: readonly T[], toRow: (row: T, index: number) => Record<string, unknown>): Promise<void> {
    if (!rows.length) return;
    const columns = Object.keys(toRow(rows[0], 0)).join(', ');
    const sql = `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`;
    for (let from = 0; from < rows.length; from += BATCH) {
      const part = rows.slice(from, from + BATCH).map((row, k) => toRow(row, from + k));
      await m.query(sql, [JSON.stringify(part)]);
    }
  }

  private async accounts(): Promise<DemoAccount[]> {
    const rows = await this.dataSource.query(
      `SELECT u.username, u.display_name, u.role, coalesce(r.name, e.name, '') AS scope
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id
        ORDER BY array_position(ARRAY['admin','province','city','county','enterprise','evaluator'], u.role::text), u.username`,
    );
    return rows.map((r: { username: string; display_name: string; role: string; scope: string }) => ({
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      scope: r.scope,
      password: DEMO_PASSWORD,
    }));
  }
}

/**
 * The demo province's targets: the policy defaults, but the 中小企业 one raised to a next phase
 * (70% by the end of next year), so one target is still running.
 */
export function demoTargets(year: number): StatTarget[] {
  return DEFAULT_TARGETS.map((t) => (t.category === 'sme' ? { category: 'sme', value: 0.7, deadline: `${year + 1}-12-31` } : { ...t }));
}

/** Where the training ledger ends now: demo records are chained after it. */
async function ledgerHead(m: EntityManager): Promise<{ seq: number; hash: string }> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('cqo.training_ledger'))`);
  const [row] = await m.query(`SELECT seq::float8 AS seq, hash FROM training_record ORDER BY seq DESC LIMIT 1`);
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}
