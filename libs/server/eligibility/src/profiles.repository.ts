import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { PolicyProfile, ProfileScheduleEntry } from '@cqo/contracts';
import { PoolRepository } from '@cqo/server-database';

/** The policy tables' revision as an SQL expression, to fold into a caller's own read (migration 1764610000000). */
export const POLICY_REVISION_SQL = `(SELECT rev::text FROM policy_revision WHERE id = 1)`;

/** A `policy_schedule` row as the schedule reads it, with who chose it (`chosenAt` as the driver gives it). */
export type ScheduleRow = ProfileScheduleEntry & { chosenAt: Date | string | null };

/** A schedule entry to store: a version in force from `from`, chosen by `chosenBy` (null from the CLI) at `chosenAt`. */
export interface ScheduleWrite {
  from: string;
  profileName: string;
  profileVersion: number;
  chosenBy: string | null;
  chosenAt: Date;
}

/** A province's own profile version to store (`definition`: the whole profile). */
export interface VersionWrite {
  definition: PolicyProfile;
  createdBy: string | null;
  createdAt: Date;
}

/**
 * The one reader and writer of `policy_profile_version` and `policy_schedule` (SPEC §3; STYLE.md
 * "A repository owns its tables"). Every method takes the caller's EntityManager first: inside a
 * transaction (an annual-report submit judges under the profile in force) it never reaches the
 * pool. ProfilesService keeps the rules and the cache.
 */
@Injectable()
export class ProfilesRepository extends PoolRepository {
  /** The policy tables' revision (bumped by a trigger on every change, in any process). */
  async revision(m: EntityManager): Promise<string> {
    const [row]: { rev: string }[] = await m.query(`SELECT ${POLICY_REVISION_SQL} AS rev`);
    return row.rev;
  }

  /** The province's own versions, each name by version (the built-in ones live in libs/policy). */
  async versions(m: EntityManager): Promise<PolicyProfile[]> {
    const rows: { definition: PolicyProfile }[] = await m.query(`SELECT definition FROM policy_profile_version ORDER BY name, version`);
    return rows.map((r) => r.definition);
  }

  /** The schedule, by start date, with the username of who chose each entry. */
  async schedule(m: EntityManager): Promise<ScheduleRow[]> {
    return m.query(
      `SELECT s.from_date::text AS "from", s.profile_name || '@' || s.profile_version AS profile, u.username AS "chosenBy", s.chosen_at AS "chosenAt"
         FROM policy_schedule s LEFT JOIN app_user u ON u.id = s.chosen_by ORDER BY s.from_date`,
    );
  }

  /** Puts a version in force from `e.from`, replacing an entry on the same day. */
  async putInForce(m: EntityManager, e: ScheduleWrite): Promise<void> {
    await m.query(
      `INSERT INTO policy_schedule (from_date, profile_name, profile_version, chosen_by, chosen_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (from_date) DO UPDATE SET profile_name = EXCLUDED.profile_name, profile_version = EXCLUDED.profile_version,
           chosen_by = EXCLUDED.chosen_by, chosen_at = EXCLUDED.chosen_at`,
      [e.from, e.profileName, e.profileVersion, e.chosenBy, e.chosenAt],
    );
  }

  /** Stores a new version of the province's own (its name and version are the profile's). */
  /**
   * The highest stored version of profile `name`, read under a transaction lock on that name: two
   * new versions made at once are numbered one after the other, not both max + 1 (the second hit the
   * primary key: a 500).
   */
  async lockLatestVersion(m: EntityManager, name: string): Promise<number> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('policy_profile_version:' || $1))`, [name]);
    const [row]: { v: number | null }[] = await m.query(`SELECT max(version)::int AS v FROM policy_profile_version WHERE name = $1`, [name]);
    return row?.v ?? 0;
  }

  async insertVersion(m: EntityManager, v: VersionWrite): Promise<void> {
    await m.query(
      `INSERT INTO policy_profile_version (name, version, definition, effective_from, created_by, created_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
      [v.definition.name, v.definition.version, JSON.stringify(v.definition), v.definition.effectiveFrom, v.createdBy, v.createdAt],
    );
  }
}
