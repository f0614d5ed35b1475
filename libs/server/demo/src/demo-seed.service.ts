import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StatTarget } from '@cqo/contracts';
import { BUILT_IN_PROFILES, chinaDate, DEFAULT_TARGETS, DEFAULT_WEIGHTS, defaultProfileFor, parseProfileRef } from '@cqo/policy';
import { EligibilityService } from '@cqo/server-eligibility';
import { hashPassword } from '@cqo/server-auth';
import { chainDrafts, GENESIS_HASH, ledgerHours } from '@cqo/server-database';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { citySnapshot } from '@cqo/server-filings';
import { SnapshotService } from '@cqo/server-stats';
import { DEFAULT_HISTORY_YEARS, demoCqoPins, generateDemoCqos, type DemoAppointment, type DemoTrainingRecord, type DemoViolation } from './demo-cqo.generator';
import { demoRegionsOf, demoUserSpecs, generateDemoEnterprises, type DemoRegion } from './demo-data.generator';
import { generateDemoEvaluation, type DemoCertificate, type DemoEvaluationApplication, type DemoEvaluationData } from './demo-evaluation.generator';
import { generateDemoFilings, type DemoAnnualReport, type DemoCityReport, type DemoReportEvent } from './demo-filings.generator';

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

/** Rows per INSERT … SELECT FROM unnest(…): one round trip per thousand rows. */
const BATCH = 1000;

/** One column of a bulk insert: its name, the array type it travels as, and how to read it off a row. */
interface BulkColumn<T> {
  name: string;
  type: string;
  value: (row: T, index: number) => unknown;
  /** SQL over `t.<name>` when the value needs converting on the way in. */
  expr?: string;
}

/** text[] cannot travel inside an array of rows: the declarations go as one comma-joined string each. */
const DECLARATIONS_SEPARATOR = ',';

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
    private readonly eligibility: EligibilityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async seed(opts: { enterprises: number; years?: number; now?: Date }): Promise<DemoSeedResult> {
    const [marker] = await this.dataSource.query(`SELECT value FROM app_setting WHERE key = 'demo_seed'`);
    if (marker) {
      const v = marker.value;
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
      await this.dataSource.query(`SELECT code, name, level, parent_code AS "parentCode", path FROM region WHERE path LIKE $1`, [`/${province}/%`]),
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
    const filings = generateDemoFilings({
      regions,
      provinceCode: province,
      enterprises,
      cqos,
      users,
      today,
      seed: 20211231,
      profile: parseProfileRef(defaultProfileFor(province), BUILT_IN_PROFILES),
      // `--years K` covers the reports as it does the training ledger: the trend has K years.
      years: opts.years ?? DEFAULT_HISTORY_YEARS,
    });
    // Capability evaluation (issue 8): applications in every state, certificates of earlier years.
    const provinceName = regions.find((r) => r.code === province)?.name ?? '';
    const evaluation = generateDemoEvaluation({
      regions,
      provinceCode: province,
      enterprises,
      cqos,
      users,
      today,
      seed: 20211231,
      // The settings default (EvaluationSettingsService): a fresh database has no `evaluation` setting.
      issuingBody: `${provinceName}首席质量官能力评价中心`,
    });
    const hash = await hashPassword(DEMO_PASSWORD);
    const paths = new Map<string, string>(
      (await this.dataSource.query(`SELECT code, path FROM region WHERE path LIKE $1`, [`/${province}/%`])).map(
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
      await this.bulk(m, 'cqo_person', cqos.persons, [
        { name: 'id', type: 'uuid', value: (_, i) => personIds[i] },
        { name: 'name', type: 'varchar', value: (p) => p.name },
        { name: 'phone', type: 'varchar', value: (p) => p.phone },
      ]);
      // A change filing comes after the row it changed, so previous_id always points into this or an earlier batch.
      await this.bulk<DemoAppointment>(m, 'appointment', cqos.appointments, [
        { name: 'id', type: 'uuid', value: (_, i) => appointmentIds[i] },
        { name: 'enterprise_id', type: 'uuid', value: (a) => ids[a.enterpriseIndex] },
        { name: 'region_path', type: 'text', value: (a) => enterprisePath(a.enterpriseIndex) },
        { name: 'person_id', type: 'uuid', value: (a) => personIds[a.personIndex] },
        { name: 'previous_id', type: 'uuid', value: (a) => (a.previousIndex === null ? null : appointmentIds[a.previousIndex]) },
        { name: 'filing_type', type: 'varchar', value: (a) => a.filingType },
        { name: 'status', type: 'varchar', value: (a) => a.status },
        { name: 'name', type: 'varchar', value: (a) => a.name },
        { name: 'gender', type: 'varchar', value: (a) => a.gender },
        { name: 'birth_month', type: 'varchar', value: (a) => a.birthMonth },
        { name: 'phone', type: 'varchar', value: (a) => a.phone },
        { name: 'position_title', type: 'varchar', value: (a) => a.positionTitle },
        { name: 'position_level', type: 'varchar', value: (a) => a.positionLevel },
        { name: 'concurrent_post', type: 'boolean', value: (a) => a.concurrentPost },
        { name: 'education', type: 'varchar', value: (a) => a.education },
        { name: 'qualification_type', type: 'varchar', value: (a) => a.qualificationType },
        { name: 'qualification_level', type: 'varchar', value: (a) => a.qualificationLevel },
        { name: 'quality_related', type: 'boolean', value: (a) => a.qualityRelated },
        { name: 'years_in_quality', type: 'smallint', value: (a) => a.yearsInQuality },
        {
          name: 'declarations',
          type: 'text',
          value: (a) => a.declarations.join(DECLARATIONS_SEPARATOR),
          expr: `string_to_array(t.declarations, '${DECLARATIONS_SEPARATOR}')`,
        },
        { name: 'appointed_on', type: 'date', value: (a) => a.appointedOn },
        { name: 'term_end', type: 'date', value: (a) => a.termEnd },
        { name: 'effective_from', type: 'date', value: (a) => a.effectiveFrom },
        { name: 'ended_on', type: 'date', value: (a) => a.endedOn },
        { name: 'end_reason', type: 'text', value: (a) => a.endReason },
        { name: 'authorisation_cert_no', type: 'varchar', value: (a) => a.authorisationCertNo },
        { name: 'initial_training_hours', type: 'numeric', value: (a) => a.initialTrainingHours },
        { name: 'initial_training_cert_no', type: 'varchar', value: (a) => a.initialTrainingCertNo },
        { name: 'initial_training_completed_on', type: 'date', value: (a) => a.initialTrainingCompletedOn },
        { name: 'explanation', type: 'text', value: (a) => a.explanation },
        { name: 'filed_at', type: 'timestamptz', value: (a) => a.filedAt },
        { name: 'late_filing', type: 'boolean', value: (a) => a.lateFiling },
      ]);
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
      await this.bulk<DemoTrainingRecord>(m, 'training_record', cqos.trainingRecords, [
        { name: 'id', type: 'uuid', value: (_t, i) => trainingIds[i] },
        { name: 'seq', type: 'bigint', value: (_t, i) => links[i].seq },
        { name: 'kind', type: 'varchar', value: () => 'entry' },
        { name: 'person_id', type: 'uuid', value: (t) => personIds[t.personIndex] },
        { name: 'enterprise_id', type: 'uuid', value: (t) => (t.enterpriseIndex === null ? null : ids[t.enterpriseIndex]) },
        { name: 'category', type: 'varchar', value: (t) => t.category },
        { name: 'course', type: 'varchar', value: (t) => t.course },
        { name: 'provider', type: 'varchar', value: (t) => t.provider },
        { name: 'start_date', type: 'date', value: (t) => t.startDate },
        { name: 'end_date', type: 'date', value: (t) => t.endDate },
        { name: 'hours', type: 'numeric', value: (t) => t.hours },
        { name: 'certificate_no', type: 'varchar', value: (t) => t.certificateNo },
        { name: 'source', type: 'varchar', value: (t) => t.source },
        { name: 'recorded_at', type: 'timestamptz', value: (t) => t.recordedAt },
        { name: 'prev_hash', type: 'text', value: (_t, i) => links[i].prevHash },
        { name: 'hash', type: 'text', value: (_t, i) => links[i].hash },
      ]);
      await this.bulk<DemoViolation>(m, 'violation', cqos.violations, [
        { name: 'enterprise_id', type: 'uuid', value: (v) => ids[v.enterpriseIndex] },
        { name: 'region_path', type: 'text', value: (v) => enterprisePath(v.enterpriseIndex) },
        { name: 'subject', type: 'varchar', value: (v) => v.subject },
        { name: 'person_id', type: 'uuid', value: (v) => (v.personIndex === null ? null : personIds[v.personIndex]) },
        { name: 'appointment_id', type: 'uuid', value: (v) => (v.appointmentIndex === null ? null : appointmentIds[v.appointmentIndex]) },
        { name: 'type', type: 'varchar', value: (v) => v.type },
        { name: 'accident_level', type: 'varchar', value: (v) => v.accidentLevel },
        { name: 'occurred_on', type: 'date', value: (v) => v.occurredOn },
        { name: 'source_document', type: 'varchar', value: (v) => v.sourceDocument },
        { name: 'description', type: 'text', value: (v) => v.description },
        { name: 'status', type: 'varchar', value: (v) => v.status },
        { name: 'status_note', type: 'text', value: (v) => v.statusNote },
        { name: 'recorded_role', type: 'varchar', value: (v) => v.recordedRole },
        { name: 'recorded_at', type: 'timestamptz', value: (v) => v.recordedAt },
        { name: 'updated_at', type: 'timestamptz', value: (v) => v.updatedAt },
        { name: 'version', type: 'integer', value: (v) => v.version },
      ]);
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
      await m.query(
        `INSERT INTO stat_setting (province_code, targets, weights, updated_at, updated_by) VALUES ($1, $2, $3, now(), NULL) ON CONFLICT (province_code) DO NOTHING`,
        [province, JSON.stringify(demoTargets(year)), JSON.stringify(DEFAULT_WEIGHTS)],
      );
      await m.query(`INSERT INTO app_setting (key, value) VALUES ('demo_seed', $1)`, [
        JSON.stringify({
          enterprises: enterprises.length,
          appointments: activeCount,
          trainingRecords: cqos.trainingRecords.length,
          violations: cqos.violations.length,
          annualReports: filings.annualReports.length,
          cityReports: filings.cityReports.length,
          evaluationApplications: evaluation.applications.length,
          certificates: evaluation.certificates.length,
          at: new Date().toISOString(),
        }),
      ]);
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
    return {
      seeded: true,
      enterprises: enterprises.length,
      appointments: activeCount,
      trainingRecords: cqos.trainingRecords.length,
      violations: cqos.violations.length,
      annualReports: filings.annualReports.length,
      cityReports: filings.cityReports.length,
      evaluationApplications: evaluation.applications.length,
      certificates: evaluation.certificates.length,
      accounts: await this.accounts(),
    };
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
    const annualIds = annual.map(() => randomUUID());
    await this.bulk<DemoAnnualReport>(m, 'annual_report', annual, [
      { name: 'id', type: 'uuid', value: (_r, i) => annualIds[i] },
      { name: 'enterprise_id', type: 'uuid', value: (r) => ref.enterpriseId(r.enterpriseIndex) },
      { name: 'region_path', type: 'text', value: (r) => ref.enterprisePath(r.enterpriseIndex) },
      { name: 'year', type: 'smallint', value: (r) => r.year },
      { name: 'status', type: 'varchar', value: (r) => r.status },
      { name: 'version', type: 'integer', value: (r) => r.version },
      { name: 'data', type: 'jsonb', value: (r) => JSON.stringify(r.data) },
      { name: 'soft_hits', type: 'jsonb', value: (r) => JSON.stringify(r.softHits) },
      { name: 'explanation', type: 'text', value: (r) => r.explanation },
      { name: 'submitted_at', type: 'timestamptz', value: (r) => r.submittedAt },
      { name: 'submitted_by', type: 'uuid', value: (r) => ref.userId(r.submittedBy) },
      { name: 'late', type: 'boolean', value: (r) => r.late },
      { name: 'return_reason', type: 'text', value: (r) => r.returnReason },
      { name: 'reviewed_at', type: 'timestamptz', value: (r) => r.reviewedAt },
      { name: 'reviewed_by', type: 'uuid', value: (r) => ref.userId(r.reviewedBy) },
      { name: 'created_at', type: 'timestamptz', value: (r) => r.createdAt },
      { name: 'updated_at', type: 'timestamptz', value: (r) => r.updatedAt },
    ]);

    const cityIds = city.map(() => randomUUID());
    const snapshots: (string | null)[] = [];
    for (const c of city) {
      // As the city report service would at submission: the figures as of the submission day.
      snapshots.push(
        c.submittedAt === null
          ? null
          : JSON.stringify(
              await citySnapshot(m, c.cityCode, c.year, chinaDate(new Date(c.submittedAt)), new Date(c.submittedAt), (asOf, pathLike) =>
                this.eligibility.judgeOn(m, asOf, { pathLike }),
              ),
            ),
      );
    }
    await this.bulk<DemoCityReport>(m, 'city_report', city, [
      { name: 'id', type: 'uuid', value: (_c, i) => cityIds[i] },
      { name: 'region_code', type: 'varchar', value: (c) => c.cityCode },
      { name: 'region_path', type: 'text', value: (c) => ref.regionPath(c.cityCode) },
      { name: 'year', type: 'smallint', value: (c) => c.year },
      { name: 'status', type: 'varchar', value: (c) => c.status },
      { name: 'version', type: 'integer', value: (c) => c.version },
      { name: 'narrative', type: 'text', value: (c) => c.narrative },
      { name: 'snapshot', type: 'jsonb', value: (_c, i) => snapshots[i] },
      { name: 'unreviewed_at_submission', type: 'integer', value: (c) => c.unreviewedAtSubmission },
      { name: 'submitted_at', type: 'timestamptz', value: (c) => c.submittedAt },
      { name: 'submitted_by', type: 'uuid', value: (c) => ref.userId(c.submittedBy) },
      { name: 'late', type: 'boolean', value: (c) => c.late },
      { name: 'return_reason', type: 'text', value: (c) => c.returnReason },
      { name: 'reviewed_at', type: 'timestamptz', value: (c) => c.reviewedAt },
      { name: 'reviewed_by', type: 'uuid', value: (c) => ref.userId(c.reviewedBy) },
      { name: 'created_at', type: 'timestamptz', value: (c) => c.createdAt },
      { name: 'updated_at', type: 'timestamptz', value: (c) => c.updatedAt },
    ]);

    // The history of every report, written in the order it happened (ids follow time within a report).
    type EventRow = DemoReportEvent & { type: 'annual' | 'city'; reportId: string; ms: number };
    const events: EventRow[] = [
      ...annual.flatMap((r, i) => r.events.map((e) => ({ ...e, type: 'annual' as const, reportId: annualIds[i], ms: Date.parse(e.at) }))),
      ...city.flatMap((c, i) => c.events.map((e) => ({ ...e, type: 'city' as const, reportId: cityIds[i], ms: Date.parse(e.at) }))),
    ].sort((a, b) => a.ms - b.ms);
    await this.bulk<EventRow>(m, 'report_event', events, [
      { name: 'report_type', type: 'varchar', value: (e) => e.type },
      { name: 'report_id', type: 'uuid', value: (e) => e.reportId },
      { name: 'from_status', type: 'varchar', value: (e) => e.from },
      { name: 'to_status', type: 'varchar', value: (e) => e.to },
      { name: 'actor_id', type: 'uuid', value: (e) => ref.userId(e.actor) },
      { name: 'actor_role', type: 'varchar', value: (e) => e.actorRole },
      { name: 'reason', type: 'text', value: (e) => e.reason },
      { name: 'at', type: 'timestamptz', value: (e) => e.at },
    ]);
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
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    const appIds = data.applications.map(() => randomUUID());
    await this.bulk<DemoEvaluationApplication>(m, 'evaluation_application', data.applications, [
      { name: 'id', type: 'uuid', value: (_a, i) => appIds[i] },
      { name: 'body_code', type: 'varchar', value: () => ref.bodyCode },
      { name: 'enterprise_id', type: 'uuid', value: (a) => ref.enterpriseId(a.enterpriseIndex) },
      { name: 'region_path', type: 'text', value: (a) => ref.enterprisePath(a.enterpriseIndex) },
      { name: 'person_id', type: 'uuid', value: (a) => ref.personId(a.personIndex) },
      { name: 'appointment_id', type: 'uuid', value: (a) => ref.appointmentId(a.appointmentIndex) },
      { name: 'scheme', type: 'varchar', value: (a) => a.scheme },
      { name: 'applied_grade', type: 'varchar', value: (a) => a.appliedGrade },
      { name: 'experience_years', type: 'smallint', value: (a) => a.experienceYears },
      { name: 'has_certificate', type: 'boolean', value: (a) => a.hasCertificate },
      { name: 'self_assessment', type: 'jsonb', value: (a) => json(a.selfAssessment) },
      { name: 'statement', type: 'text', value: (a) => a.statement },
      { name: 'recommendation', type: 'text', value: (a) => a.recommendation },
      { name: 'status', type: 'varchar', value: (a) => a.status },
      { name: 'return_reasons', type: 'text', value: (a) => a.returnReasons },
      { name: 'interview_on', type: 'date', value: (a) => a.interviewOn },
      { name: 'interview_notes', type: 'text', value: (a) => a.interviewNotes },
      { name: 'site_visit_on', type: 'date', value: (a) => a.siteVisitOn },
      { name: 'site_visit_notes', type: 'text', value: (a) => a.siteVisitNotes },
      { name: 'report', type: 'jsonb', value: (a) => json(a.report) },
      { name: 'report_scores', type: 'jsonb', value: (a) => json(a.reportScores) },
      { name: 'report_conclusion', type: 'text', value: (a) => a.reportConclusion },
      { name: 'reported_at', type: 'timestamptz', value: (a) => a.reportedAt },
      { name: 'reported_by', type: 'uuid', value: (a) => ref.userId(a.reportedBy) },
      { name: 'submitted_at', type: 'timestamptz', value: (a) => a.submittedAt },
      { name: 'updated_at', type: 'timestamptz', value: (a) => a.updatedAt },
      { name: 'version', type: 'integer', value: (a) => a.version },
    ]);
    // History in the order it happened (ids follow time within an application).
    type AppEvent = DemoEvaluationApplication['events'][number] & { applicationId: string; ms: number };
    const events: AppEvent[] = data.applications
      .flatMap((a, i) => a.events.map((e) => ({ ...e, applicationId: appIds[i], ms: Date.parse(e.at) })))
      .sort((a, b) => a.ms - b.ms);
    await this.bulk<AppEvent>(m, 'evaluation_event', events, [
      { name: 'application_id', type: 'uuid', value: (e) => e.applicationId },
      { name: 'at', type: 'timestamptz', value: (e) => e.at },
      { name: 'actor_id', type: 'uuid', value: (e) => ref.userId(e.actor) },
      { name: 'actor_role', type: 'varchar', value: (e) => e.actorRole },
      { name: 'action', type: 'varchar', value: (e) => e.action },
      { name: 'from_status', type: 'varchar', value: (e) => e.from },
      { name: 'to_status', type: 'varchar', value: (e) => e.to },
      { name: 'note', type: 'text', value: (e) => e.note },
    ]);
    const panel = data.applications.flatMap((a, i) => a.panel.map((p) => ({ applicationId: appIds[i], userId: ref.userId(p.username), leader: p.leader })));
    await this.bulk<(typeof panel)[number]>(m, 'evaluation_panel_member', panel, [
      { name: 'application_id', type: 'uuid', value: (p) => p.applicationId },
      { name: 'user_id', type: 'uuid', value: (p) => p.userId },
      { name: 'is_leader', type: 'boolean', value: (p) => p.leader },
    ]);
    const sheets = data.applications.flatMap((a, i) => a.sheets.map((s) => ({ ...s, applicationId: appIds[i] })));
    await this.bulk<(typeof sheets)[number]>(m, 'evaluation_sheet', sheets, [
      { name: 'application_id', type: 'uuid', value: (s) => s.applicationId },
      { name: 'user_id', type: 'uuid', value: (s) => ref.userId(s.username) },
      { name: 'scores', type: 'jsonb', value: (s) => json(s.scores) },
      { name: 'comment', type: 'text', value: (s) => s.comment },
      { name: 'result', type: 'jsonb', value: (s) => json(s.result) },
      { name: 'submitted_at', type: 'timestamptz', value: (s) => s.submittedAt },
    ]);

    const certIds = data.certificates.map(() => randomUUID());
    await this.bulk<DemoCertificate>(m, 'evaluation_certificate', data.certificates, [
      { name: 'id', type: 'uuid', value: (_c, i) => certIds[i] },
      { name: 'number', type: 'varchar', value: (c) => c.number },
      { name: 'body_code', type: 'varchar', value: () => ref.bodyCode },
      { name: 'year', type: 'smallint', value: (c) => c.year },
      { name: 'seq', type: 'integer', value: (c) => c.seq },
      { name: 'application_id', type: 'uuid', value: (c) => appIds[c.applicationIndex] },
      { name: 'person_id', type: 'uuid', value: (c) => ref.personId(c.personIndex) },
      { name: 'enterprise_id', type: 'uuid', value: (c) => ref.enterpriseId(c.enterpriseIndex) },
      { name: 'region_path', type: 'text', value: (c) => ref.enterprisePath(c.enterpriseIndex) },
      { name: 'holder_name', type: 'varchar', value: (c) => c.holderName },
      { name: 'organisation_name', type: 'varchar', value: (c) => c.organisationName },
      { name: 'scheme', type: 'varchar', value: (c) => c.scheme },
      { name: 'score', type: 'numeric', value: (c) => c.score },
      { name: 'grade', type: 'varchar', value: (c) => c.grade },
      { name: 'dimensions', type: 'jsonb', value: (c) => json(c.dimensions) },
      { name: 'issuing_body', type: 'varchar', value: (c) => c.issuingBody },
      { name: 'issued_on', type: 'date', value: (c) => c.issuedOn },
      { name: 'valid_until', type: 'date', value: (c) => c.validUntil },
      { name: 'status', type: 'varchar', value: (c) => c.status },
      { name: 'status_changed_on', type: 'date', value: (c) => c.statusChangedOn },
      { name: 'status_reason', type: 'text', value: (c) => c.statusReason },
      { name: 'issued_by', type: 'uuid', value: (c) => ref.userId(c.issuedBy) },
      { name: 'created_at', type: 'timestamptz', value: (c) => c.createdAt },
      { name: 'version', type: 'integer', value: (c) => c.events.length },
    ]);
    type CertEvent = DemoCertificate['events'][number] & { certificateId: string; ms: number };
    const certEvents: CertEvent[] = data.certificates
      .flatMap((c, i) => c.events.map((e) => ({ ...e, certificateId: certIds[i], ms: Date.parse(e.at) })))
      .sort((a, b) => a.ms - b.ms);
    await this.bulk<CertEvent>(m, 'evaluation_certificate_event', certEvents, [
      { name: 'certificate_id', type: 'uuid', value: (e) => e.certificateId },
      { name: 'at', type: 'timestamptz', value: (e) => e.at },
      { name: 'from_status', type: 'varchar', value: (e) => e.from },
      { name: 'to_status', type: 'varchar', value: (e) => e.to },
      { name: 'reason', type: 'text', value: (e) => e.reason },
      { name: 'actor_id', type: 'uuid', value: (e) => ref.userId(e.actor) },
    ]);
    const reviews = data.certificates.flatMap((c, i) => c.reviews.map((r) => ({ ...r, certificateId: certIds[i] })));
    await this.bulk<(typeof reviews)[number]>(m, 'evaluation_yearly_review', reviews, [
      { name: 'certificate_id', type: 'uuid', value: (r) => r.certificateId },
      { name: 'year', type: 'smallint', value: (r) => r.year },
      { name: 'rating', type: 'varchar', value: (r) => r.rating },
      { name: 'summary', type: 'text', value: (r) => r.summary },
      { name: 'reviewed_by', type: 'uuid', value: (r) => ref.userId(r.reviewedBy) },
      { name: 'reviewed_at', type: 'timestamptz', value: (r) => r.reviewedAt },
    ]);
    await this.bulk<DemoEvaluationData['talent'][number]>(m, 'evaluation_talent', data.talent, [
      { name: 'person_id', type: 'uuid', value: (t) => ref.personId(t.personIndex) },
      { name: 'certificate_id', type: 'uuid', value: (t) => certIds[t.certificateIndex] },
      { name: 'note', type: 'text', value: (t) => t.note },
      { name: 'added_at', type: 'timestamptz', value: (t) => t.addedAt },
      { name: 'added_by', type: 'uuid', value: (t) => ref.userId(t.addedBy) },
    ]);
    // As the issue would leave them: the last number used per year.
    await this.bulk<DemoEvaluationData['counters'][number]>(m, 'evaluation_cert_counter', data.counters, [
      { name: 'body_code', type: 'varchar', value: () => ref.bodyCode },
      { name: 'year', type: 'smallint', value: (c) => c.year },
      { name: 'last_seq', type: 'integer', value: (c) => c.lastSeq },
    ]);
  }

  /** INSERT … SELECT FROM unnest(…) in batches of BATCH rows. */
  private async bulk<T>(m: EntityManager, table: string, rows: readonly T[], columns: readonly BulkColumn<T>[]): Promise<void> {
    const names = columns.map((c) => c.name).join(', ');
    const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const exprs = columns.map((c) => c.expr ?? `t.${c.name}`).join(', ');
    const sql = `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM unnest(${arrays}) AS t(${names})`;
    for (let from = 0; from < rows.length; from += BATCH) {
      const part = rows.slice(from, from + BATCH);
      await m.query(
        sql,
        columns.map((c) => part.map((row, k) => c.value(row, from + k))),
      );
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
