import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@cqo/contracts';
import { SessionEntity } from './entities/session.entity';

/** A new account's row: its password must be changed at the first sign-in. */
export interface NewAccount {
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  regionCode: string | null;
  enterpriseId: string | null;
}

/** A new session's row, as sign-in opens it. */
export interface NewSession {
  userId: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/** An UPDATE or DELETE through `m.query` answers [rows, row count] with TypeORM's postgres driver. */
type Affected<R = unknown> = [R[], number];

/**
 * The only writer of `app_user`, `user_session`, `login_lock` and `login_failure` (issue 19 item 2).
 * Every method takes the caller's manager first: a transaction's, or the data source's for a write
 * of its own. No constructor dependencies, so the CLI uses it without the Nest container.
 */
@Injectable()
export class AccountsRepository {
  /** Creates an account that must change its password at the next sign-in; returns its id. */
  async create(m: EntityManager, a: NewAccount): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id, must_change_password) VALUES ($1,$2,$3,$4,$5,$6,true) RETURNING id`,
      [a.username, a.displayName, a.passwordHash, a.role, a.regionCode, a.enterpriseId],
    );
    return row.id;
  }

  /** Enables or disables an account (its sessions are ended separately). */
  async setActive(m: EntityManager, id: string, active: boolean): Promise<void> {
    await m.query(`UPDATE app_user SET is_active = $2 WHERE id = $1`, [id, active]);
  }

  /** The user's own contact details; a field left undefined is not touched. */
  async setContact(m: EntityManager, id: string, c: { email?: string | null; phone?: string | null }): Promise<void> {
    if (c.email !== undefined) await m.query(`UPDATE app_user SET email = $2 WHERE id = $1`, [id, c.email]);
    if (c.phone !== undefined) await m.query(`UPDATE app_user SET phone = $2 WHERE id = $1`, [id, c.phone]);
  }

  /** Clears the account's old single lock column (the locks themselves are `login_lock` rows). */
  async clearLockedUntil(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE app_user SET locked_until = NULL WHERE id = $1`, [id]);
  }

  /** An admin's reset: the new hash, a forced change at the next sign-in, the old lock column cleared. */
  async resetPassword(m: EntityManager, id: string, passwordHash: string): Promise<void> {
    await m.query(`UPDATE app_user SET password_hash = $2, must_change_password = true, locked_until = NULL WHERE id = $1`, [id, passwordHash]);
  }

  /** The operator's reset (`cqo user:reset-password`), by name: a forced change at the next sign-in. Returns the account's id, or null when there is none. */
  async resetPasswordByUsername(m: EntityManager, username: string, passwordHash: string): Promise<string | null> {
    const [[user]] = (await m.query(
      `UPDATE app_user SET password_hash = $2, must_change_password = true, password_changed_at = now() WHERE username = $1 RETURNING id`,
      [username, passwordHash],
    )) as Affected<{ id: string }>;
    return user ? user.id : null;
  }

  /** The user's own change: the new hash, no forced change pending. */
  async changePassword(m: EntityManager, id: string, passwordHash: string, at: Date): Promise<void> {
    await m.query(`UPDATE app_user SET password_hash = $2, must_change_password = false, password_changed_at = $3 WHERE id = $1`, [id, passwordHash, at]);
  }

  /** Opens a session (token generation 0); returns it with its id. */
  openSession(m: EntityManager, s: NewSession): Promise<SessionEntity> {
    return m.save(
      m.create(SessionEntity, {
        userId: s.userId,
        createdAt: s.at,
        lastSeenAt: s.at,
        revokedAt: null,
        ip: s.ip,
        userAgent: s.userAgent,
        tokenGen: 0,
        rotatedAt: null,
      }),
    );
  }

  /** Ends one session, whether or not it had ended already. */
  async revokeSession(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE user_session SET revoked_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Ends one session unless it has ended already (an earlier end time is kept). */
  async expireSession(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE user_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
  }

  /** Ends every live session of a user, at `at` or, without it, at the transaction's now(); returns how many. */
  async endSessions(m: EntityManager, userId: string, at?: Date): Promise<number> {
    const [, ended] = (await m.query(`UPDATE user_session SET revoked_at = coalesce($2::timestamptz, now()) WHERE user_id = $1 AND revoked_at IS NULL`, [
      userId,
      at ?? null,
    ])) as Affected;
    return ended;
  }

  /** Ends every live session of a user but one; returns how many. */
  async endOtherSessions(m: EntityManager, userId: string, keepSessionId: string, at: Date): Promise<number> {
    const [, ended] = (await m.query(`UPDATE user_session SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, [userId, keepSessionId, at])) as Affected;
    return ended;
  }

  /** Moves a session to its next token generation (a refresh). */
  async rotateToken(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE user_session SET token_gen = token_gen + 1, rotated_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Writes sessions' "last seen" times in one statement, never moving one backwards. */
  async touchSessions(m: EntityManager, seen: [id: string, at: Date][]): Promise<void> {
    await m.query(
      `UPDATE user_session s SET last_seen_at = greatest(s.last_seen_at, x.at)
           FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE s.id = x.id`,
      [seen.map(([id]) => id), seen.map(([, at]) => at)],
    );
  }

  /** Records a failed sign-in of a name from a client. */
  async addLoginFailure(m: EntityManager, username: string, ip: string, at: Date): Promise<void> {
    await m.query(`INSERT INTO login_failure (username, at, ip) VALUES ($1, $2, $3)`, [username, at, ip]);
  }

  /** Drops a name's failures from before the window and its ended locks (the audit log keeps them). */
  async pruneLoginFailures(m: EntityManager, username: string, since: Date, now: Date): Promise<void> {
    await m.query(`DELETE FROM login_failure WHERE username = $1 AND at <= $2`, [username, since]);
    await m.query(`DELETE FROM login_lock WHERE username = $1 AND until <= $2`, [username, now]);
  }

  /** Locks the pair (name, client) until `until`, or moves an existing lock's end there. */
  async lockLogin(m: EntityManager, username: string, ip: string, until: Date): Promise<void> {
    await m.query(`INSERT INTO login_lock (username, ip, until) VALUES ($1, $2, $3) ON CONFLICT (username, ip) DO UPDATE SET until = EXCLUDED.until`, [username, ip, until]);
  }

  /** A successful sign-in: forgets the pair's (name, client) failures and lock. */
  async clearLoginFailures(m: EntityManager, username: string, ip: string): Promise<void> {
    await m.query(`DELETE FROM login_failure WHERE username = $1 AND ip IS NOT DISTINCT FROM $2`, [username, ip]);
    await m.query(`DELETE FROM login_lock WHERE username = $1 AND ip = $2`, [username, ip]);
  }

  /** Lifts every lock of a name, from every client; returns how many. */
  async clearLoginLocks(m: EntityManager, username: string): Promise<number> {
    const [, cleared] = (await m.query(`DELETE FROM login_lock WHERE username = $1`, [username])) as Affected;
    return cleared;
  }
}
