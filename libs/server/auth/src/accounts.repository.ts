import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { USER_SORT_KEYS, type Page, type Role, type UserSortKey } from '@cqo/contracts';
import { listWhere, orderBySort, queryWherePage, type PageQueryFields } from '@cqo/server-common';
import { GroupCommit, PoolRepository, preparedQuery, submitBatchesInFlight } from '@cqo/server-database';
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

/** The signed-in user as `GET /auth/me` reads it. */
export interface MeRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string | null;
  region_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  must_change_password: boolean;
}

/** An account as the admin's list and item read it: its names, whether it is active, and its current lock. */
export interface UserAdminRow extends MeRow {
  is_active: boolean;
  locked_until: Date | null;
}

/** The session check's row: the session and its user (no password hash). */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
  token_gen: number;
  rotated_at: Date | null;
  ip: string | null;
  user_agent: string | null;
  username: string;
  display_name: string;
  role: Role;
  region_code: string | null;
  enterprise_id: string | null;
  is_active: boolean;
  locked_until: Date | null;
  must_change_password: boolean;
  user_created_at: Date;
}

/** A session's token generation as a refresh reads it, locked. */
export interface SessionTokenRow {
  token_gen: number;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/** What sign-in reads before it verifies: the pair's (name, client) live lock and the name's failures in the window. */
export interface LoginState {
  locked_until: Date | null;
  account_failures: number;
}

/** An UPDATE or DELETE through `m.query` answers [rows, row count] with TypeORM's postgres driver. */
type Affected<R = unknown> = [R[], number];

/** The session and its user in one plain read; the callers add the WHERE. */
const SESSION_CHECK_SQL = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.revoked_at, s.token_gen, s.rotated_at, s.ip, s.user_agent,
       u.username, u.display_name, u.role, u.region_code, u.enterprise_id, u.is_active, u.locked_until, u.must_change_password,
       u.created_at AS user_created_at
  FROM user_session s JOIN app_user u ON u.id = s.user_id`;

/** The admin's account rows with their region's and enterprise's names; the callers add the WHERE. */
const USER_ADMIN_FROM = `FROM app_user u LEFT JOIN region g ON g.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id`;

/** An account as the admin's list and item read it (`UserAdminRow`); $1 is now, which decides whether its lock still holds. */
const USER_ADMIN_SELECT = `SELECT u.id, u.username, u.display_name, u.role, u.region_code, g.name AS region_name, u.enterprise_id, e.name AS enterprise_name,
       u.is_active, u.must_change_password,
       (SELECT max(l.until) FROM login_lock l WHERE l.username = u.username AND l.until > $1) AS locked_until
  ${USER_ADMIN_FROM}`;

/** The column each account sort key orders by (issue 20 item 3). */
const USER_SORT_SQL: Record<UserSortKey, string> = { username: 'u.username', displayName: 'u.display_name', role: 'u.role' };

/**
 * The only writer of `app_user`, `user_session`, `login_lock` and `login_failure` (issue 19 item 2),
 * and the reader of the accounts and sessions. A write takes the caller's manager first: a
 * transaction's, or (where it says so) the pool's `manager` for a write of its own. Reads outside
 * a transaction and the session check use the pool. The CLI constructs it without the Nest
 * container, on its own data source, and calls only writes with its own transaction's manager.
 */
@Injectable()
export class AccountsRepository extends PoolRepository {
  /**
   * The session check's read (issue 16): concurrent first requests of different sessions share one
   * statement (`= ANY`), so a burst of fresh sessions costs a share of a round trip each and at most
   * `submitBatchesInFlight()` pool connections; an idle api reads alone, with the prepared statement.
   */
  private readonly sessionReads = new GroupCommit<string, SessionRow | null>({
    writeOne: async (id) =>
      (await preparedQuery<SessionRow>(this.dataSource, 'cqo.auth.session-check.v2', `${SESSION_CHECK_SQL} WHERE s.id = $1`, [id]))[0] ?? null,
    writeMany: async (ids) => {
      const rows = await preparedQuery<SessionRow>(this.dataSource, 'cqo.auth.session-check-many.v1', `${SESSION_CHECK_SQL} WHERE s.id = ANY($1::uuid[])`, [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    key: (id) => id,
    maxInFlight: submitBatchesInFlight(),
    maxBatch: 200,
  });

  /** A session and its user by the session's id (lower-case uuid), or null; concurrent calls share a read. */
  checkSession(id: string): Promise<SessionRow | null> {
    return this.sessionReads.write(id);
  }

  /** A page of accounts matching the admin's filters, in the sort asked for; `now` decides which locks still hold. */
  listUsers<T>(q: PageQueryFields & { q?: string; role?: Role; sort?: string }, now: Date, map: (r: UserAdminRow) => T): Promise<Page<T>> {
    // $1 (now) is read by the lock column only; typed here so the count query can bind it too.
    const { where, params } = listWhere((p) => `$${p.push(now)}::timestamptz IS NOT NULL`, { 'u.role': q.role });
    if (q.q) {
      const n = params.push(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.username ILIKE $${n} OR u.display_name ILIKE $${n})`);
    }
    const orderBy = orderBySort(q.sort, USER_SORT_KEYS, USER_SORT_SQL, 'u.username, u.id');
    return queryWherePage(this.dataSource, { count: USER_ADMIN_FROM, select: USER_ADMIN_SELECT, orderBy }, where, params, q, map);
  }

  /** One account as the admin sees it, or null; `now` decides whether its lock still holds. */
  async userById(id: string, now: Date): Promise<UserAdminRow | null> {
    const [row]: UserAdminRow[] = await this.dataSource.query(`${USER_ADMIN_SELECT} WHERE u.id = $2`, [now, id]);
    return row ?? null;
  }

  /** The signed-in user with the names of their region and enterprise, or null. */
  async me(userId: string): Promise<MeRow | null> {
    const [row]: MeRow[] = await this.dataSource.query(
      `SELECT u.id, u.username, u.display_name, u.role, u.region_code, r.name AS region_name, u.enterprise_id, e.name AS enterprise_name,
              u.must_change_password
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id
        WHERE u.id = $1`,
      [userId],
    );
    return row ?? null;
  }

  /** Whether a name is taken, whatever its case. */
  async usernameTaken(m: EntityManager, username: string): Promise<boolean> {
    const [taken] = await m.query(`SELECT 1 FROM app_user WHERE lower(username) = lower($1)`, [username]);
    return !!taken;
  }

  /** The account locked for the caller's transaction, or null. */
  async lockUser(m: EntityManager, id: string): Promise<{ id: string; username: string } | null> {
    const [row]: { id: string; username: string }[] = await m.query(`SELECT id, username FROM app_user WHERE id = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  /** Whether the enterprise an account is bound to exists. */
  async enterpriseExists(m: EntityManager, enterpriseId: string): Promise<boolean> {
    return (await m.query(`SELECT 1 FROM enterprise WHERE id = $1`, [enterpriseId])).length > 0;
  }

  /** The level of the region an account is bound to (1 province, 2 city, 3 county), or null when there is none. */
  async regionLevel(m: EntityManager, regionCode: string): Promise<number | null> {
    const [region]: { level: number }[] = await m.query(`SELECT level FROM region WHERE code = $1`, [regionCode]);
    return region ? region.level : null;
  }

  /** Sign-in's first read, on the pool: the pair's (name, client) lock live at `now`, and the name's failures since `since`. */
  async loginState(username: string, ip: string, now: Date, since: Date): Promise<LoginState> {
    const [state]: LoginState[] = await this.dataSource.query(
      `SELECT (SELECT until FROM login_lock WHERE username = $1 AND ip = $2 AND until > $3) AS locked_until,
              (SELECT count(*)::int FROM login_failure WHERE username = $1 AND at > $4) AS account_failures`,
      [username, ip, now, since],
    );
    return state;
  }

  /** A name's failures since `since`: from the client (`pair`) and from all (`account`). */
  async loginFailureCounts(m: EntityManager, username: string, ip: string, since: Date): Promise<{ pair: number; account: number }> {
    const [counts]: { pair: number; account: number }[] = await m.query(
      `SELECT count(*) FILTER (WHERE ip = $2)::int AS pair, count(*)::int AS account FROM login_failure WHERE username = $1 AND at > $3`,
      [username, ip, since],
    );
    return counts;
  }

  /** A session's token generation, locked for a refresh; null when there is no such session. */
  async lockSessionToken(m: EntityManager, id: string): Promise<SessionTokenRow | null> {
    const [row]: SessionTokenRow[] = await m.query(`SELECT token_gen, rotated_at, revoked_at FROM user_session WHERE id = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  /**
   * Creates an account that must change its password at the next sign-in; returns its id, or null
   * when the username is taken by a create committed meanwhile (`usernameTaken`, read before,
   * cannot see one still in flight, and its unique violation was a 500).
   */
  async create(m: EntityManager, a: NewAccount): Promise<string | null> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id, must_change_password) VALUES ($1,$2,$3,$4,$5,$6,true)
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [a.username, a.displayName, a.passwordHash, a.role, a.regionCode, a.enterpriseId],
    );
    return row?.id ?? null;
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

  /** Ends one session, whether or not it had ended already; `m` may be the pool's `manager` for a write of its own. */
  async revokeSession(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE user_session SET revoked_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Ends one session unless it has ended already (an earlier end time is kept); `m` may be the pool's `manager` for a write of its own. */
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

  /** Writes sessions' "last seen" times in one statement on the pool, never moving one backwards. */
  async touchSessions(seen: [id: string, at: Date][]): Promise<void> {
    await this.dataSource.query(
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
