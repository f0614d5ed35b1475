import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AccidentLevel,
  PolicyProfile,
  Verdict,
  VerdictResult,
  ViolationStatus,
  ViolationType,
  WhatIfChange,
  WhatIfCityRow,
  WhatIfResponse,
} from '@cqo/contracts';
import { evaluateEligibility, maskName, profileRef, readsPersonalData, yearOf, type EligibilityFacts, type ViolationFact, type YearTraining } from '@cqo/policy';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { ScopeService, inRegionSql } from '@cqo/server-auth';
import { ACTIVE_ON } from './appointment-sql';
import { IN_REGION_ON, MOVED_SINCE } from './register-sql';
import { AppointmentsRepository, type AppointmentRecord } from './appointments.repository';
import { ProfilesService } from './profiles.service';

/** The appointment columns the facts are built from, with its enterprise's name and 规上. */
type AppointmentRow = Pick<
  AppointmentRecord,
  | 'id'
  | 'enterprise_id'
  | 'person_id'
  | 'region_path'
  | 'name'
  | 'appointed_on'
  | 'term_end'
  | 'position_level'
  | 'education'
  | 'qualification_type'
  | 'qualification_level'
  | 'quality_related'
  | 'years_in_quality'
  | 'declarations'
  | 'authorisation_cert_no'
  | 'initial_training_hours'
  | 'initial_training_cert_no'
  | 'initial_training_completed_on'
  | 'verdict'
> & { enterprise_name: string; above_size: boolean };

/**
 * The appointment columns the facts are built from. With `asOfParam`, 规上 is the enterprise's on
 * that date (its dated state, `enterprise_state`), for judging on a past date; else today's.
 */
const appointmentColumns = (asOfParam?: string) => `a.id, a.enterprise_id, a.person_id, a.region_path, e.name AS enterprise_name, a.name,
  ${
    asOfParam
      ? `coalesce((SELECT s.above_size FROM enterprise_state s WHERE s.enterprise_id = e.id AND s.valid_from <= ${asOfParam}::date
                   ORDER BY s.valid_from DESC LIMIT 1), e.above_size)`
      : 'e.above_size'
  } AS above_size,
  a.appointed_on::text AS appointed_on, a.term_end::text AS term_end, a.position_level, a.education, a.qualification_type,
  a.qualification_level, a.quality_related, a.years_in_quality, a.declarations, a.authorisation_cert_no,
  a.initial_training_hours::float8 AS initial_training_hours, a.initial_training_cert_no,
  a.initial_training_completed_on::text AS initial_training_completed_on, a.verdict`;

const APPOINTMENT_COLUMNS = appointmentColumns();

const BATCH = 2000;

/** A verdict kept for a past date (`verdict_on`). */
export interface KeptVerdict {
  verdict: Verdict;
  disqualified: boolean;
  profile: string;
  judgedAt: string;
}

/** What a filing form sends before it is saved, to preview its verdict. */
export type DraftFacts = Omit<EligibilityFacts, 'trainingByYear' | 'violations'> & { personId: string | null };

/**
 * Judges CQO appointments (SPEC §3): loads the facts (the appointment as filed, the training
 * ledger, the person's violations), applies the profile in force and stores the verdict on the
 * appointment, so lists filter on it. Called inside the write that changed the data, by the
 * refresh job, and nightly (term ends, training lapses, new violations).
 */
@Injectable()
export class EligibilityService {
  private readonly logger = new Logger(EligibilityService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ProfilesService,
    private readonly scope: ScopeService,
    private readonly clock: Clock,
    private readonly appointments: AppointmentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The verdict of one appointment on `asOf` under the profile in force then (nothing stored). */
  async verdictOf(appointmentId: string, asOf: string, profile?: PolicyProfile, m: EntityManager = this.dataSource.manager): Promise<VerdictResult> {
    const rows: AppointmentRow[] = await m.query(
      `SELECT ${appointmentColumns('$2')} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.id = $1`,
      [appointmentId, asOf],
    );
    if (!rows.length) throw AppException.notFound('聘任记录');
    const [facts] = await this.factsFor(m, rows, asOf);
    return evaluateEligibility(profile ?? (await this.policy.profileAt(asOf, m)), facts, asOf);
  }

  /**
   * The verdict of one appointment on `asOf` as the figures of that date count it: for a past date
   * the kept verdict (`verdict_on`), judged and kept now if none was; the rules are judged afresh
   * from the facts valid on `asOf`. When facts recorded since (e.g. a back-dated violation) would
   * now judge it otherwise, `judgedNow` says so and `verdict` stays the kept one (issue 17 item 1).
   */
  async verdictOnDate(appointmentId: string, asOf: string): Promise<VerdictResult & { kept?: { judgedAt: string; judgedNow: Verdict } }> {
    const fresh = await this.verdictOf(appointmentId, asOf);
    if (asOf >= this.clock.today()) return fresh;
    const m = this.dataSource.manager;
    await m.query(
      `INSERT INTO verdict_on (as_of, appointment_id, verdict, disqualified, profile, judged_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [asOf, appointmentId, fresh.verdict, fresh.disqualified, fresh.profile, this.clock.now()],
    );
    const kept = await this.keptVerdict(appointmentId, asOf, m);
    if (!kept) return fresh;
    return { ...fresh, verdict: kept.verdict, disqualified: kept.disqualified, kept: { judgedAt: kept.judgedAt, judgedNow: fresh.verdict } };
  }

  /**
   * Judges, as of a past date, every appointment in post on that date in the given regions that has
   * no kept verdict for it yet, and keeps the verdicts in `verdict_on` (issue 17 item 1). The
   * figures of a past date count CQOs by these verdicts: judged from the facts valid on `asOf` (the
   * profile in force then, training that ended by then, violations that occurred by then), and kept,
   * so a figure printed for `asOf` does not move with later changes. Nothing is kept for today or
   * later: today's verdict is the one stored on the appointment. Runs on the caller's manager (one
   * statement after another, so inside a transaction it never needs a second connection).
   * Returns how many verdicts were added.
   */
  async judgeOn(m: EntityManager, asOf: string, where: { pathLike: string } | { paths: string[] }): Promise<number> {
    if (asOf >= this.clock.today()) return 0;
    // The appointments of the enterprises that lay in the region on the date (moved since: their region then, issue 17).
    const region = IN_REGION_ON('a', 'enterprise_id', `(${MOVED_SINCE('$1')})`, (x) => ('pathLike' in where ? inRegionSql(x, '$2') : `${x}.region_path = ANY($2::text[])`));
    // Which are not judged yet, in one anti-join (on a date already judged: none, at the cost of one scan).
    const missing: { id: string }[] = await m.query(
      `SELECT a.id FROM appointment a
        WHERE ${ACTIVE_ON('a', '$1')} AND ${region}
          AND NOT EXISTS (SELECT 1 FROM verdict_on v WHERE v.as_of = $1::date AND v.appointment_id = a.id)
        ORDER BY a.id`,
      [asOf, 'pathLike' in where ? where.pathLike : where.paths],
    );
    if (!missing.length) return 0;
    const profile = await this.policy.profileAt(asOf, m);
    let judged = 0;
    for (let i = 0; i < missing.length; i += BATCH) {
      const rows: AppointmentRow[] = await m.query(
        `SELECT ${appointmentColumns('$1')} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.id = ANY($2::uuid[])`,
        [asOf, missing.slice(i, i + BATCH).map((r) => r.id)],
      );
      const facts = await this.factsFor(m, rows, asOf);
      const verdicts = facts.map((f) => evaluateEligibility(profile, f, asOf));
      await m.query(
        `INSERT INTO verdict_on (as_of, appointment_id, verdict, disqualified, profile, judged_at)
         SELECT $1, v.id, v.verdict, v.disqualified, $5, $6
           FROM unnest($2::uuid[], $3::varchar[], $4::boolean[]) AS v(id, verdict, disqualified)
         ON CONFLICT DO NOTHING`,
        [asOf, rows.map((r) => r.id), verdicts.map((v) => v.verdict), verdicts.map((v) => v.disqualified), profileRef(profile), this.clock.now()],
      );
      judged += rows.length;
    }
    return judged;
  }

  /** The kept verdict of an appointment on a past date (`judgeOn`), if one was kept. */
  async keptVerdict(appointmentId: string, asOf: string, m: EntityManager = this.dataSource.manager): Promise<KeptVerdict | null> {
    const [row]: { verdict: Verdict; disqualified: boolean; profile: string; judged_at: Date }[] = await m.query(
      `SELECT verdict, disqualified, profile, judged_at FROM verdict_on WHERE as_of = $1 AND appointment_id = $2`,
      [asOf, appointmentId],
    );
    return row ? { verdict: row.verdict, disqualified: row.disqualified, profile: row.profile, judgedAt: row.judged_at.toISOString() } : null;
  }

  /** Judges a filing that has not been saved (the form's live preview). */
  async preview(draft: DraftFacts, asOf = this.clock.today()): Promise<VerdictResult> {
    const profile = await this.policy.profileAt(asOf);
    const { personId, ...rest } = draft;
    const extra = personId ? await this.ledgerAndViolations(this.dataSource.manager, [personId], asOf) : null;
    return evaluateEligibility(
      profile,
      { ...rest, trainingByYear: extra?.training.get(personId ?? '') ?? {}, violations: extra?.violations.get(personId ?? '') ?? [] },
      asOf,
    );
  }

  /**
   * Re-judges the active appointments matching `where` as of today and stores the verdicts.
   * Returns how many were judged and how many changed verdict.
   */
  async refresh(
    m: EntityManager,
    where: { appointmentIds?: string[]; enterpriseIds?: string[]; personIds?: string[]; all?: boolean },
  ): Promise<{ evaluated: number; changed: number }> {
    const asOf = this.clock.today();
    const profile = await this.policy.profileAt(asOf, m);
    const conds: string[] = [];
    const params: unknown[] = [];
    if (where.appointmentIds?.length) conds.push(`a.id = ANY($${params.push(where.appointmentIds)})`);
    if (where.enterpriseIds?.length) conds.push(`a.enterprise_id = ANY($${params.push(where.enterpriseIds)})`);
    if (where.personIds?.length) conds.push(`a.person_id = ANY($${params.push(where.personIds)})`);
    if (!where.all && conds.length === 0) return { evaluated: 0, changed: 0 };
    const filter = where.all ? 'TRUE' : `(${conds.join(' OR ')})`;
    let evaluated = 0;
    let changed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: AppointmentRow[] = await m.query(
        `SELECT ${APPOINTMENT_COLUMNS} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id
          WHERE a.status = 'active' AND ${filter} AND a.id > $${params.length + 1} ORDER BY a.id LIMIT ${BATCH}`,
        [...params, after],
      );
      if (!rows.length) break;
      const facts = await this.factsFor(m, rows, asOf);
      const verdicts = facts.map((f) => evaluateEligibility(profile, f, asOf));
      changed += rows.filter((r, i) => r.verdict !== verdicts[i].verdict).length;
      await this.appointments.setVerdicts(
        m,
        rows.map((r, i) => ({ id: r.id, verdict: verdicts[i].verdict, detail: JSON.stringify(verdicts[i]), disqualified: verdicts[i].disqualified })),
        profileRef(profile),
        this.clock.now(),
      );
      evaluated += rows.length;
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) break;
    }
    return { evaluated, changed };
  }

  /** Every active appointment, as of today (seed, nightly, after the profile changes). */
  async reevaluateAll(): Promise<{ evaluated: number; changed: number }> {
    return this.refresh(this.dataSource.manager, { all: true });
  }

  /**
   * Ends the appointments whose term is over (SPEC §2: an appointment whose term has ended stops
   * counting as active). Returns the enterprises affected.
   */
  async expireTerms(m: EntityManager = this.dataSource.manager): Promise<string[]> {
    // Written and audited once, by the table's owner (issue 19 item 2).
    const rows = await this.appointments.expireTerms(m, this.clock.today());
    return rows.map((r) => r.enterprise_id);
  }

  /** The nightly run: expire terms, then re-judge everyone under today's profile. */
  async nightly(): Promise<{ expired: number; evaluated: number; changed: number }> {
    const expired = await this.expireTerms();
    const r = await this.reevaluateAll();
    this.logger.log(`nightly eligibility: ${expired.length} terms ended, ${r.evaluated} judged, ${r.changed} changed verdict`);
    return { expired: expired.length, ...r };
  }

  /**
   * How the active CQOs in the actor's scope would be judged under `candidate` instead of the
   * profile in force today, per 市州 (issue: what-if before adopting).
   */
  async whatIf(actor: Actor, candidateRef: string): Promise<WhatIfResponse> {
    const candidate = await this.policy.find(candidateRef);
    if (!candidate) throw AppException.validation([{ field: 'profile', code: 'unknown', message: `没有名为 ${candidateRef} 的政策版本` }]);
    const asOf = this.clock.today();
    const current = await this.policy.profileAt(asOf);
    const params: unknown[] = [];
    const inScope = this.scope.wherePositional(actor, 'a', params, 'enterprise_id');
    const m = this.dataSource.manager;
    const rows: AppointmentRow[] = await m.query(
      `SELECT ${APPOINTMENT_COLUMNS} FROM appointment a JOIN enterprise e ON e.id = a.enterprise_id
        WHERE a.status = 'active' AND ${inScope} ORDER BY a.region_path, e.name`,
      params,
    );
    const cities: { code: string; name: string }[] = await m.query(
      `SELECT code, name FROM region WHERE level = 2 AND parent_code = $1 AND ($2::text IS NULL OR path LIKE $2 || '%' OR $2 LIKE path || '%') ORDER BY code`,
      [this.config.provinceCode, actor.role === 'admin' ? null : actor.regionPath],
    );
    const byCity = new Map<string, WhatIfCityRow>(cities.map((c) => [c.code, { ...c, active: 0, changed: 0, toEligible: 0, toAttention: 0, toIneligible: 0 }]));
    const changes: WhatIfChange[] = [];
    for (let i = 0; i < rows.length; i += BATCH) {
      const part = rows.slice(i, i + BATCH);
      const facts = await this.factsFor(m, part, asOf);
      part.forEach((r, j) => {
        const before = evaluateEligibility(current, facts[j], asOf);
        const after = evaluateEligibility(candidate, facts[j], asOf);
        const cityCode = r.region_path.split('/')[2];
        const city = byCity.get(cityCode);
        if (city) city.active += 1;
        if (before.verdict === after.verdict) return;
        if (city) {
          city.changed += 1;
          if (after.verdict === 'eligible') city.toEligible += 1;
          else if (after.verdict === 'attention') city.toAttention += 1;
          else city.toIneligible += 1;
        }
        changes.push({
          appointmentId: r.id,
          enterpriseId: r.enterprise_id,
          enterpriseName: r.enterprise_name,
          regionCode: r.region_path.split('/').filter(Boolean).pop() ?? '',
          // admin (system administration only, SPEC §1) sees the name masked (issue 18 item 8).
          personName: readsPersonalData(actor.role) ? r.name : maskName(r.name),
          from: before.verdict,
          to: after.verdict,
          failing: after.rules.filter((x) => !x.pass).map((x) => x.title),
        });
      });
    }
    const order: Record<Verdict, number> = { ineligible: 0, attention: 1, eligible: 2 };
    changes.sort((a, b) => order[a.to] - order[b.to]);
    const cityRows = [...byCity.values()].filter((c) => c.active > 0 || cities.length <= 20);
    return {
      current: profileRef(current),
      candidate: profileRef(candidate),
      asOf,
      active: rows.length,
      changed: changes.length,
      cities: cityRows,
      changes: changes.slice(0, 500),
    };
  }

  /** Facts for each row, in order: the filing plus the ledger and violations of its person. */
  private async factsFor(m: EntityManager, rows: AppointmentRow[], asOf: string): Promise<EligibilityFacts[]> {
    const personIds = [...new Set(rows.map((r) => r.person_id))];
    const { training, violations, initial } = await this.ledgerAndViolations(m, personIds, asOf);
    return rows.map((r) => {
      const ledgerInitial = initial.get(r.person_id)?.filter((t) => t.endDate <= r.appointed_on) ?? [];
      const ledgerHours = ledgerInitial.reduce((sum, t) => sum + t.hours, 0);
      const declaredHours = r.initial_training_hours;
      // The ledger wins when it shows more completed hours than the filing declared.
      const useLedger = ledgerHours > 0 && ledgerHours >= (declaredHours ?? 0);
      return {
        aboveSize: r.above_size,
        appointedOn: r.appointed_on,
        termEnd: r.term_end,
        positionLevel: r.position_level,
        education: r.education,
        qualificationType: r.qualification_type,
        qualificationLevel: r.qualification_level,
        qualityRelated: r.quality_related,
        yearsInQuality: r.years_in_quality,
        declarations: r.declarations,
        authorisationCertNo: r.authorisation_cert_no,
        initialTraining: {
          hours: useLedger ? ledgerHours : declaredHours,
          certificateNo: r.initial_training_cert_no ?? (useLedger ? (ledgerInitial.find((t) => t.certificateNo)?.certificateNo ?? null) : null),
          completedOn: useLedger ? ledgerInitial.map((t) => t.endDate).sort().pop() ?? null : r.initial_training_completed_on,
        },
        trainingByYear: training.get(r.person_id) ?? {},
        violations: violations.get(r.person_id) ?? [],
      };
    });
  }

  private async ledgerAndViolations(m: EntityManager, personIds: string[], asOf: string) {
    const year = yearOf(asOf) - 1;
    // One after another: inside a transaction the manager holds a single connection.
    const trainingRows = (await m.query(
        `SELECT person_id, extract(year FROM end_date)::int AS year,
                coalesce(sum(hours) FILTER (WHERE category = '继续教育(第一类)'), 0)::float8 AS first,
                coalesce(sum(hours) FILTER (WHERE category = '第二类'), 0)::float8 AS second,
                count(*) FILTER (WHERE category = '组织培训活动')::int AS activities
           FROM training_live WHERE person_id = ANY($1) AND end_date BETWEEN $2::date AND $3::date
          GROUP BY 1, 2`,
        [personIds, `${year}-01-01`, asOf],
      )) as { person_id: string; year: number; first: number; second: number; activities: number }[];
    const violationRows = (await m.query(
        `SELECT person_id, type, accident_level, occurred_on::text AS occurred_on, status, source_document
           FROM violation WHERE person_id = ANY($1)`,
        [personIds],
      )) as { person_id: string; type: ViolationType; accident_level: AccidentLevel | null; occurred_on: string; status: ViolationStatus; source_document: string }[];
    const initialRows = (await m.query(
        `SELECT person_id, hours::float8 AS hours, end_date::text AS end_date, certificate_no
           FROM training_live WHERE person_id = ANY($1) AND category = '任职培训'`,
        [personIds],
      )) as { person_id: string; hours: number; end_date: string; certificate_no: string | null }[];
    const training = new Map<string, Record<number, YearTraining>>();
    for (const t of trainingRows) {
      const byYear = training.get(t.person_id) ?? {};
      byYear[t.year] = { firstCategory: t.first, secondCategory: t.second, activities: t.activities };
      training.set(t.person_id, byYear);
    }
    const violations = new Map<string, ViolationFact[]>();
    for (const v of violationRows) {
      const list = violations.get(v.person_id) ?? [];
      list.push({ type: v.type, accidentLevel: v.accident_level, occurredOn: v.occurred_on, status: v.status, sourceDocument: v.source_document });
      violations.set(v.person_id, list);
    }
    const initial = new Map<string, { hours: number; endDate: string; certificateNo: string | null }[]>();
    for (const t of initialRows) {
      const list = initial.get(t.person_id) ?? [];
      list.push({ hours: t.hours, endDate: t.end_date, certificateNo: t.certificate_no });
      initial.set(t.person_id, list);
    }
    return { training, violations, initial };
  }
}
