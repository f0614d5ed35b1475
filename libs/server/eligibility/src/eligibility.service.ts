import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  PolicyProfile,
  Verdict,
  VerdictResult,
  WhatIfChange,
  WhatIfCityRow,
  WhatIfResponse,
} from '@cqo/contracts';
import { evaluateEligibility, maskName, profileRef, readsPersonalData, yearOf, type EligibilityFacts, type ViolationFact, type YearTraining } from '@cqo/policy';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { ScopeService } from '@cqo/server-auth';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { AppointmentsRepository, type AppointmentFactsRow, type JudgeScope } from './appointments.repository';
import { ProfilesService } from './profiles.service';
import { VerdictsRepository, type RegionOn } from './verdicts.repository';

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
    private readonly verdicts: VerdictsRepository,
    private readonly profiles: ProfilesService,
    private readonly scope: ScopeService,
    private readonly clock: Clock,
    private readonly appointments: AppointmentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The verdict of one appointment on `asOf` under the profile in force then (nothing stored). */
  async verdictOf(appointmentId: string, asOf: string, profile?: PolicyProfile, m: EntityManager = this.verdicts.manager): Promise<VerdictResult> {
    const row = await this.appointments.factsOf(m, appointmentId, asOf);
    if (!row) throw AppException.notFound('聘任记录');
    const [facts] = await this.factsFor(m, [row], asOf);
    return evaluateEligibility(profile ?? (await this.profiles.profileAt(asOf, m)), facts, asOf);
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
    const m = this.verdicts.manager;
    await this.verdicts.keep(m, asOf, { id: appointmentId, verdict: fresh.verdict, disqualified: fresh.disqualified }, fresh.profile, this.clock.now());
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
  async judgeOn(m: EntityManager, asOf: string, where: RegionOn): Promise<number> {
    if (asOf >= this.clock.today()) return 0;
    // The appointments in the region on the date that are not judged yet.
    const missing = await this.verdicts.unjudged(m, asOf, where);
    if (!missing.length) return 0;
    const profile = await this.profiles.profileAt(asOf, m);
    let judged = 0;
    for (let i = 0; i < missing.length; i += BATCH) {
      const rows = await this.appointments.factsOn(m, asOf, missing.slice(i, i + BATCH));
      const facts = await this.factsFor(m, rows, asOf);
      const verdicts = facts.map((f) => evaluateEligibility(profile, f, asOf));
      await this.verdicts.keepMany(
        m,
        asOf,
        rows.map((r, j) => ({ id: r.id, verdict: verdicts[j].verdict, disqualified: verdicts[j].disqualified })),
        profileRef(profile),
        this.clock.now(),
      );
      judged += rows.length;
    }
    return judged;
  }

  /** The kept verdict of an appointment on a past date (`judgeOn`), if one was kept. */
  async keptVerdict(appointmentId: string, asOf: string, m: EntityManager = this.verdicts.manager): Promise<KeptVerdict | null> {
    const row = await this.verdicts.kept(m, appointmentId, asOf);
    return row ? { verdict: row.verdict, disqualified: row.disqualified, profile: row.profile, judgedAt: row.judged_at.toISOString() } : null;
  }

  /** Judges a filing that has not been saved (the form's live preview). */
  async preview(draft: DraftFacts, asOf = this.clock.today()): Promise<VerdictResult> {
    const profile = await this.profiles.profileAt(asOf);
    const { personId, ...rest } = draft;
    const extra = personId ? await this.ledgerAndViolations(this.verdicts.manager, [personId], asOf) : null;
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
  async refresh(m: EntityManager, where: JudgeScope): Promise<{ evaluated: number; changed: number }> {
    const asOf = this.clock.today();
    const profile = await this.profiles.profileAt(asOf, m);
    let evaluated = 0;
    let changed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.appointments.activeFacts(m, where, after, BATCH);
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
    return this.refresh(this.verdicts.manager, { all: true });
  }

  /**
   * Ends the appointments whose term is over (SPEC §2: an appointment whose term has ended stops
   * counting as active). Returns the enterprises affected.
   */
  async expireTerms(m: EntityManager = this.appointments.manager): Promise<string[]> {
    // Written and audited once, by the table's owner (issue 19 item 2).
    const rows = await this.appointments.expireTerms(m, this.clock.today());
    return rows.map((r) => r.enterprise_id);
  }

  /**
   * The nightly run (SPEC §2.6): expire terms, then re-judge everyone under today's profile. The
   * ended terms (audited by the same statement) and the `stats.refresh` row that tells the figures
   * commit together, so a crash leaves no ended term the figures do not know of. The re-judge runs in
   * batches, each committed on its own: one transaction over every active appointment (about 450,000
   * at 1M enterprises) would hold their row locks for minutes and stall any filing that touches one.
   * Changed verdicts get a refresh of their own; should the worker die between the two, the 02:00
   * statistics recount counts every county again.
   */
  async nightly(): Promise<{ expired: number; evaluated: number; changed: number }> {
    const tellFigures = (tx: UnitOfWorkTx) => tx.enqueue('stats.refresh', { reason: 'eligibility.nightly' });
    const expired = await this.unitOfWork.run(null, 'eligibility.nightly', async (m, tx) => {
      const ended = (await this.expireTerms(m)).length;
      if (ended) await tellFigures(tx);
      return ended;
    });
    const r = await this.reevaluateAll();
    if (r.changed) await this.unitOfWork.run(null, 'eligibility.nightly', (_m, tx) => tellFigures(tx));
    this.logger.log(`nightly eligibility: ${expired} terms ended, ${r.evaluated} judged, ${r.changed} changed verdict`);
    return { expired, ...r };
  }

  /**
   * How the active CQOs in the actor's scope would be judged under `candidate` instead of the
   * profile in force today, per 市州 (issue: what-if before adopting).
   */
  async whatIf(actor: Actor, candidateRef: string): Promise<WhatIfResponse> {
    const candidate = await this.profiles.find(candidateRef);
    if (!candidate) throw AppException.validation([{ field: 'profile', code: 'unknown', message: `没有名为 ${candidateRef} 的政策版本` }]);
    const asOf = this.clock.today();
    const current = await this.profiles.profileAt(asOf);
    const params: unknown[] = [];
    const inScope = this.scope.wherePositional(actor, 'a', params, 'enterprise_id');
    const m = this.verdicts.manager;
    const rows = await this.appointments.activeFactsWhere(m, inScope, params);
    const cities = await this.verdicts.cities(m, this.config.provinceCode, actor.role === 'admin' ? null : actor.regionPath);
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
  private async factsFor(m: EntityManager, rows: AppointmentFactsRow[], asOf: string): Promise<EligibilityFacts[]> {
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
    const trainingRows = await this.verdicts.yearTraining(m, personIds, `${year}-01-01`, asOf);
    const violationRows = await this.verdicts.violations(m, personIds);
    const initialRows = await this.verdicts.initialTraining(m, personIds);
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
