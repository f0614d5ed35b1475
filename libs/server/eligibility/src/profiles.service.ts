import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CreateProfileVersionRequest, PolicyCatalogue, PolicyProfile, ProfileScheduleEntry } from '@cqo/contracts';
import {
  BUILT_IN_PROFILES,
  defaultProfileFor,
  isIsoDate,
  parseProfileRef,
  profileInForce,
  profileRef,
  validateProfile,
} from '@cqo/policy';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { UnitOfWork, type UnitOfWorkTx } from '@cqo/server-queue';
import { ProfilesRepository } from './profiles.repository';

interface PolicySnapshot {
  revision: string;
  profiles: PolicyProfile[];
  schedule: ProfileScheduleEntry[];
}

/** Who changes policy: a signed-in officer, or an operator at the command line. */
export type PolicyActor = Actor | { cli: true };

/**
 * Which policy profile is in force when (SPEC §3). Built-in versions come from libs/policy; a
 * province's own versions and the schedule are rows. A changed threshold is a new version.
 */
@Injectable()
export class ProfilesService {
  private cached: PolicySnapshot | null = null;

  constructor(
    private readonly repo: ProfilesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Built-ins first, then the province's versions, each name by version. */
  async profiles(m: EntityManager = this.repo.manager): Promise<PolicyProfile[]> {
    return (await this.snapshot(m)).profiles;
  }

  async scheduleEntries(m: EntityManager = this.repo.manager): Promise<ProfileScheduleEntry[]> {
    return (await this.snapshot(m)).schedule;
  }

  async catalogue(): Promise<PolicyCatalogue> {
    const { profiles, schedule } = await this.snapshot(this.repo.manager);
    return { profiles, schedule, inForce: profileInForce(schedule, this.clock.today(), this.fallback()) };
  }

  /**
   * The profile in force on `date` (YYYY-MM-DD): past years are judged under the version in force
   * then. Inside a transaction pass its manager (never the pool: see STYLE). `revision`, when the
   * caller already read `POLICY_REVISION_SQL` in one of its own statements, saves the check.
   */
  async profileAt(date: string, m: EntityManager = this.repo.manager, revision?: string): Promise<PolicyProfile> {
    const { profiles, schedule } = await this.snapshot(m, revision);
    const ref = profileInForce(schedule, date, this.fallback());
    const profile = parseProfileRef(ref, profiles);
    if (!profile) throw new Error(`policy schedule names an unknown profile ${ref}`);
    return profile;
  }

  /**
   * The profiles and the schedule, kept in memory per revision: one tiny read instead of two
   * (a filing burst judges every submit under the profile in force). Read again on a new revision.
   */
  private async snapshot(m: EntityManager, known?: string): Promise<PolicySnapshot> {
    const revision = known ?? (await this.repo.revision(m));
    if (this.cached?.revision === revision) return this.cached;
    const versions = await this.repo.versions(m);
    const schedule = await this.repo.schedule(m);
    const snap: PolicySnapshot = {
      revision,
      profiles: [...BUILT_IN_PROFILES, ...versions],
      schedule: schedule.map((r) => ({ ...r, chosenAt: r.chosenAt ? new Date(r.chosenAt).toISOString() : null })),
    };
    this.cached = snap;
    return snap;
  }

  async find(ref: string): Promise<PolicyProfile | null> {
    return parseProfileRef(ref, await this.profiles());
  }

  /** Puts `ref` in force from `from` (replacing an entry on the same day) and re-judges everyone. */
  async use(actor: PolicyActor, ref: string, from: string): Promise<PolicyCatalogue> {
    if (!isIsoDate(from)) throw AppException.validation([{ field: 'from', code: 'isDateString', message: '启用日期应为YYYY-MM-DD格式的有效日期' }]);
    const profile = await this.find(ref);
    if (!profile) throw AppException.validation([{ field: 'profile', code: 'unknown', message: `没有名为 ${ref} 的政策版本` }]);
    if (from < profile.effectiveFrom) {
      throw AppException.validation([{ field: 'from', code: 'beforeEffective', message: `${profileRef(profile)} 自 ${profile.effectiveFrom} 起生效，启用日期不能早于生效日期` }]);
    }
    await this.write(actor, 'policy.use', profileRef(profile), { from }, async (m, tx) => {
      await this.repo.putInForce(m, {
        from,
        profileName: profile.name,
        profileVersion: profile.version,
        chosenBy: 'cli' in actor ? null : actor.userId,
        chosenAt: this.clock.now(),
      });
      await tx.enqueue('eligibility.refresh', { reason: 'policy.use', all: true });
    });
    return this.catalogue();
  }

  /** Stores a new version derived from `basedOn` (same name → next version number). */
  async createVersion(actor: Actor, req: CreateProfileVersionRequest): Promise<PolicyProfile> {
    const profiles = await this.profiles();
    const base = parseProfileRef(req.basedOn, profiles);
    if (!base) throw AppException.validation([{ field: 'basedOn', code: 'unknown', message: `没有名为 ${req.basedOn} 的政策版本` }]);
    const name = req.name ?? base.name;
    // The number as this process knows the profiles; taken again under the name's lock below.
    const known = Math.max(0, ...profiles.filter((p) => p.name === name).map((p) => p.version));
    const profile: PolicyProfile = {
      name,
      version: known + 1,
      title: req.title ?? base.title,
      source: base.source,
      province: base.province,
      effectiveFrom: req.effectiveFrom,
      basedOn: profileRef(base),
      builtIn: false,
      rules: req.rules,
    };
    const errors = validateProfile(profile);
    if (errors.length) throw AppException.validation(errors.map((e) => ({ field: e.field, code: 'invalid', message: e.message })));
    await this.write(actor, 'policy.version.create', () => profileRef(profile), { basedOn: profile.basedOn, effectiveFrom: profile.effectiveFrom }, async (m) => {
      // A version made meanwhile (another request, another process) takes the next number.
      profile.version = Math.max(known, await this.repo.lockLatestVersion(m, name)) + 1;
      await this.repo.insertVersion(m, { definition: profile, createdBy: actor.userId || null, createdAt: this.clock.now() });
    });
    if (req.adopt) await this.use(actor, profileRef(profile), profile.effectiveFrom);
    return profile;
  }

  private fallback(): string {
    return defaultProfileFor(this.config.provinceCode);
  }

  /** A policy write and its audit row as one unit of work; the CLI's row names it 'cli' (no user, no address). */
  private write(actor: PolicyActor, action: string, objectId: string | (() => string), details: Record<string, unknown>, work: (m: EntityManager, tx: UnitOfWorkTx) => Promise<void>): Promise<void> {
    const cli = 'cli' in actor;
    return this.unitOfWork.run(cli ? null : actor, action, async (m, tx) => {
      await work(m, tx);
      // A function: the object is named once the work has run (a new version's number).
      await tx.audit({ ...(cli ? { username: 'cli' } : {}), objectType: 'policy', objectId: typeof objectId === 'function' ? objectId() : objectId, details });
    });
  }
}
