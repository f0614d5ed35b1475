import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { LoginResponse, MeResponse, TokenResponse } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { AccountsRepository } from './accounts.repository';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { dummyHash, hashPassword, passwordPolicyErrors, verifyPassword } from './password';
import { SessionCache, type LiveSession } from './session-cache';
import { TokenService } from './token.service';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** A session's "last seen" is written at most this often; the idle limit is measured to within it. */
const LAST_SEEN_WRITE_MS = 10_000;
/** "Last seen" writes are gathered for this long and sent as one statement (one round trip for all sessions). */
const LAST_SEEN_FLUSH_MS = 1_000;


const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Beijing time to the minute, rounded up (never earlier than the lock really ends). */
function hhmm(d: Date): string {
  const up = new Date(Math.ceil(d.getTime() / 60_000) * 60_000);
  return up.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthService.name);
  private readonly checks = new SessionCache();
  /** Sessions seen since the last flush: id → when. */
  private readonly seen = new Map<string, Date>();
  /** "Last seen" times whose write has been sent and has not returned yet: they count as written too. */
  private readonly flushing = new Map<string, Date>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly accounts: AccountsRepository,
  ) {}

  /**
   * Sign-in (issue 18 item 5). An unknown, disabled or real account answers alike: the same
   * status, code and message, an argon2 verification either way (a dummy hash for the unknown), and
   * the same lockout. Failures lock the pair (account, client IP) after lockout.maxFailures in
   * lockout.windowMinutes (ASVS V2.2.1, 等保 8.1.4.1 b), so nobody can lock an account out for
   * its owner elsewhere; past that many failures from all clients every attempt at the account is
   * slowed down (at most lockout.slowdownMaxMs), which never refuses the right password.
   */
  async login(username: string, password: string, client: ClientInfo): Promise<LoginResponse> {
    const now = this.clock.now();
    const { maxFailures, windowMinutes, lockMinutes, slowdownStepMs, slowdownMaxMs } = this.config.lockout;
    const ip = client.ip ?? '';
    const since = new Date(now.getTime() - windowMinutes * 60_000);

    const state = await this.accounts.loginState(username, ip, now, since);
    if (state.locked_until) {
      await this.audit.record({ username, ip: client.ip, action: 'auth.login', objectType: 'user', objectId: null, result: 'denied', details: { reason: 'locked' } });
      throw this.lockedAnswer(state.locked_until);
    }
    // The global per-account slow-down: a distributed guesser is slowed, the owner still gets in.
    const over = state.account_failures - maxFailures + 1;
    if (over > 0) await sleep(Math.min(over * slowdownStepMs, slowdownMaxMs));

    const user = await this.users.findOneBy({ username });
    const ok = user && user.isActive ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!ok || !user) {
      const lockedUntil = await this.unitOfWork.run(null, 'auth.login', async (m) => {
        await this.accounts.addLoginFailure(m, username, ip, now);
        // Only the window counts: older failures and ended locks of this name are dropped (the audit log keeps them).
        await this.accounts.pruneLoginFailures(m, username, since, now);
        const { pair, account } = await this.accounts.loginFailureCounts(m, username, ip, since);
        let until: Date | null = null;
        if (pair >= maxFailures) {
          until = new Date(now.getTime() + lockMinutes * 60_000);
          await this.accounts.lockLogin(m, username, ip, until);
        }
        await this.audit.record(
          {
            username,
            ip: client.ip,
            action: 'auth.login',
            objectType: 'user',
            objectId: user?.id ?? null,
            result: 'failure',
            details: { failuresInWindow: pair, accountFailuresInWindow: account, locked: !!until },
          },
          m,
        );
        return until;
      });
      if (lockedUntil) throw this.lockedAnswer(lockedUntil);
      throw new AppException(401, 'INVALID_CREDENTIALS', '用户名或密码错误');
    }

    const session = await this.unitOfWork.run(null, 'auth.login', async (m) => {
      await this.accounts.clearLoginFailures(m, username, ip);
      const s = await this.accounts.openSession(m, { userId: user.id, at: now, ip: client.ip, userAgent: client.userAgent?.slice(0, 256) ?? null });
      await this.audit.record(
        { actor: { userId: user.id, username, role: user.role }, ip: client.ip, action: 'auth.login', objectType: 'session', objectId: s.id, result: 'success', details: user.mustChangePassword ? { mustChangePassword: true } : undefined },
        m,
      );
      return s;
    });
    return { ...this.issue(user.id, session, 0), user: await this.me(user.id) };
  }

  /** The one lockout answer, the same for a real and an unknown account (issue 18 item 5). */
  private lockedAnswer(until: Date): AppException {
    return new AppException(
      423,
      'ACCOUNT_LOCKED',
      `密码连续错误${this.config.lockout.maxFailures}次，账号已锁定（仅限当前网络地址），请于 ${hhmm(until)} 后再试`,
    );
  }

  /**
   * A new access token for a live session (ASVS V3.3): only until config.refreshWindowMinutes
   * after the presented token expired, and only once per token. Each refresh rotates the session's
   * token generation; a retired token presented again ends the whole session (reuse detection),
   * except the immediately previous one within config.refreshReuseGraceSeconds of its rotation,
   * which is answered with a token of the current generation (two requests of one tab that
   * refreshed at once).
   */
  async refresh(token: string | null, client: ClientInfo): Promise<TokenResponse> {
    const v = token ? this.tokens.verify(token, { ignoreExpiration: true }) : null;
    if (!v || !v.ok) throw new AppException(401, 'UNAUTHENTICATED', '请先登录');
    const now = this.clock.now();
    const { sid, gen, exp } = v.claims;
    if (now.getTime() >= exp * 1000 + this.config.refreshWindowMinutes * 60_000) {
      throw new AppException(401, 'SESSION_ENDED', '登录凭证已过期，请重新登录');
    }
    const { session, user } = await this.liveSession(sid, client);
    // The unit's one possible audit row is a reuse's (below).
    const outcome = await this.unitOfWork.run(null, 'auth.refresh-reuse', async (m) => {
      const row = await this.accounts.lockSessionToken(m, sid);
      if (!row || row.revoked_at) return { ended: true as const, reuse: false };
      if (gen === row.token_gen) {
        await this.accounts.rotateToken(m, sid, now);
        return { ended: false as const, gen: gen + 1 };
      }
      const graceMs = this.config.refreshReuseGraceSeconds * 1000;
      if (gen === row.token_gen - 1 && row.rotated_at && now.getTime() - new Date(row.rotated_at).getTime() <= graceMs) {
        return { ended: false as const, gen: row.token_gen };
      }
      // A retired token came back: whoever holds the newer one or this one is not the session's owner.
      await this.accounts.revokeSession(m, sid, now);
      await this.audit.record(
        {
          actor: { userId: user.id, username: user.username, role: user.role },
          ip: client.ip,
          action: 'auth.refresh-reuse',
          objectType: 'session',
          objectId: sid,
          result: 'denied',
          details: { presented: gen, current: row.token_gen },
        },
        m,
      );
      return { ended: true as const, reuse: true };
    });
    if (outcome.ended) {
      this.checks.forgetSession(sid);
      throw new AppException(401, 'SESSION_ENDED', outcome.reuse ? '登录凭证已被使用过，为安全起见本次会话已结束，请重新登录' : '会话已结束，请重新登录');
    }
    return this.issue(session.userId, session, outcome.gen);
  }

  /**
   * POST /auth/password (issue 18 item 8, ASVS V2.1.5/V2.1.6): the current password and a new one
   * that meets the policy. Every other session of the user is signed out (ASVS V3.3.3); this one
   * stays. Clears a forced change.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findOneBy({ id: actor.userId });
    if (!user) throw new AppException(401, 'SESSION_ENDED', '会话已结束，请重新登录');
    const errors = passwordPolicyErrors(newPassword, user.username);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.audit.record({ actor, ip: actor.ip, action: 'auth.password-change', objectType: 'user', objectId: user.id, result: 'failure', details: { reason: 'wrong current password' } });
      throw AppException.validation([{ field: 'currentPassword', code: 'wrongPassword', message: '当前密码不正确' }, ...errors]);
    }
    if (newPassword === currentPassword) errors.unshift({ field: 'newPassword', code: 'passwordUnchanged', message: '新密码不能与当前密码相同' });
    if (errors.length) throw AppException.validation(errors);
    const hash = await hashPassword(newPassword);
    const now = this.clock.now();
    const ended = await this.unitOfWork.run(actor, 'auth.password-change', async (m, tx) => {
      await this.accounts.changePassword(m, user.id, hash, now);
      const othersEnded = await this.accounts.endOtherSessions(m, user.id, actor.sessionId, now);
      await tx.audit({ objectType: 'user', objectId: user.id, details: { otherSessionsEnded: othersEnded, wasForced: user.mustChangePassword } });
      return othersEnded;
    });
    this.logger.debug(`password changed for ${user.username}; ${ended} other session(s) ended`);
    // After the commit: the other sessions and the forced-change flag are read afresh.
    this.checks.forgetUser(user.id);
  }

  async logout(actor: Actor): Promise<void> {
    await this.unitOfWork.run(actor, 'auth.logout', async (m, tx) => {
      await this.accounts.revokeSession(m, actor.sessionId, this.clock.now());
      await tx.audit({ objectType: 'session', objectId: actor.sessionId });
    });
    // After the commit: a check read before it is forgotten, and none read after it can be live.
    this.checks.forgetSession(actor.sessionId);
  }

  /**
   * Checks a session on every request: not revoked, user active, not idle for longer than the
   * limit, not older than the absolute lifetime (config.sessionMaxHours from sign-in). Touches it, so activity keeps it alive. An idle session is ended for good.
   *
   * A check read from the database is trusted for SESSION_CHECK_TTL_MS in this process (a sign-out,
   * idle end or lockout here forgets it at once; one in another process or a change made directly
   * in the database shows within the TTL). The idle limit is checked on every request, cached or not.
   */
  async liveSession(sessionId: string, client: ClientInfo): Promise<LiveSession> {
    const now = this.clock.now();
    const idleMs = this.config.sessionIdleMinutes * 60_000;
    const read = () => this.readSession(sessionId);
    let live = await this.checks.lookup(sessionId, now.getTime(), read);
    if (live && now.getTime() - live.session.lastSeenAt.getTime() > idleMs) {
      // Idle by what this process knows: ask the database, which may know of activity elsewhere.
      this.checks.forgetSession(sessionId);
      live = await this.checks.lookup(sessionId, now.getTime(), read);
    }
    if (!live || live.session.revokedAt || !live.user.isActive) {
      throw new AppException(401, 'SESSION_ENDED', '会话已结束，请重新登录');
    }
    const { session, user } = live;
    // ASVS V3.3.2: an absolute lifetime from sign-in, however busy the session is.
    if (now.getTime() >= this.sessionEnd(session).getTime()) {
      this.checks.forgetSession(session.id);
      await this.accounts.expireSession(this.accounts.manager, session.id, now);
      await this.audit.record({ actor: { userId: user.id, username: user.username, role: user.role }, ip: client.ip, action: 'auth.session-expired', objectType: 'session', objectId: session.id, result: 'success', details: { maxHours: this.config.sessionMaxHours } });
      throw new AppException(401, 'SESSION_ENDED', `登录已满${this.config.sessionMaxHours}小时，会话已结束，请重新登录`);
    }
    if (now.getTime() - session.lastSeenAt.getTime() > idleMs) {
      this.checks.forgetSession(session.id);
      await this.accounts.revokeSession(this.accounts.manager, session.id, now);
      await this.audit.record({ actor: { userId: user.id, username: user.username, role: user.role }, ip: client.ip, action: 'auth.idle-timeout', objectType: 'session', objectId: session.id, result: 'success' });
      throw new AppException(401, 'SESSION_ENDED', `超过${this.config.sessionIdleMinutes}分钟未操作，会话已结束，请重新登录`);
    }
    // One write per session per LAST_SEEN_WRITE_MS, not one per request: the time is moved in
    // memory first, so the requests arriving while the write is in flight do not write again.
    if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_WRITE_MS) {
      session.lastSeenAt = now;
      this.touch(session.id, now);
    }
    return live;
  }

  /**
   * Queues a session's "last seen" write. At the year-end rush most requests are the first of a
   * fresh session, so one UPDATE per request would be a round trip each; the writes of a second
   * are sent together (never moving a time backwards).
   */
  private touch(sessionId: string, at: Date): void {
    this.seen.set(sessionId, at);
    this.flushTimer ??= setTimeout(() => void this.flushSeen(), LAST_SEEN_FLUSH_MS).unref();
  }

  async flushSeen(): Promise<void> {
    this.flushTimer = null;
    if (!this.seen.size) return;
    const batch = [...this.seen];
    this.seen.clear();
    for (const [id, at] of batch) this.flushing.set(id, at);
    await this.accounts.touchSessions(batch).catch((err: Error) => this.logger.warn(`session last-seen write failed: ${err.message}`));
    // Written (or failed): from now on the row says it, unless a later flush has sent a newer time.
    for (const [id, at] of batch) if (this.flushing.get(id) === at) this.flushing.delete(id);
  }

  /** The dummy hash is made at start, so the first unknown name is not slower than a real one (issue 18 item 5). */
  async onModuleInit(): Promise<void> {
    await dummyHash();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flushSeen();
  }

  /** Forgets what this process remembers of a user's sessions: call it wherever a user is disabled, re-passworded or locked. */
  forgetUser(userId: string): void {
    this.checks.forgetUser(userId);
  }

  /** The session check's read (issue 16), shared by concurrent first requests (`AccountsRepository.checkSession`). */
  private async readSession(sessionId: string): Promise<LiveSession | null> {
    const row = isUuid(sessionId) ? await this.accounts.checkSession(sessionId.toLowerCase()) : null;
    if (!row) return null;
    // A "last seen" still waiting for its write (see `touch`), or whose write is under way, counts as written.
    let lastSeenAt = row.last_seen_at;
    for (const pending of [this.seen.get(row.id), this.flushing.get(row.id)]) if (pending && pending > lastSeenAt) lastSeenAt = pending;
    const session = Object.assign(new SessionEntity(), { id: row.id, userId: row.user_id, createdAt: row.created_at, lastSeenAt, revokedAt: row.revoked_at,
      tokenGen: row.token_gen,
      rotatedAt: row.rotated_at,
      ip: row.ip,
      userAgent: row.user_agent,
    });
    // The password hash is not read here; nothing on this path needs it.
    const user = Object.assign(new UserEntity(), {
      id: row.user_id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      regionCode: row.region_code,
      enterpriseId: row.enterprise_id,
      isActive: row.is_active,
      lockedUntil: row.locked_until,
      mustChangePassword: row.must_change_password,
      createdAt: row.user_created_at,
    });
    return { session, user };
  }

  async me(userId: string): Promise<MeResponse> {
    const row = await this.accounts.me(userId);
    if (!row) throw AppException.notFound('用户');
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      regionCode: row.region_code,
      regionName: row.region_name,
      enterpriseId: row.enterprise_id,
      enterpriseName: row.enterprise_name,
      mustChangePassword: row.must_change_password,
    };
  }

  /** When a session ends whatever happens (ASVS V3.3.2). */
  private sessionEnd(session: SessionEntity): Date {
    return new Date(session.createdAt.getTime() + this.config.sessionMaxHours * 3_600_000);
  }

  private issue(userId: string, session: SessionEntity, gen: number): TokenResponse {
    return {
      accessToken: this.tokens.sign({ sub: userId, sid: session.id, gen }),
      expiresIn: this.config.accessTokenTtlSeconds,
      idleTimeoutMinutes: this.config.sessionIdleMinutes,
      sessionExpiresAt: this.sessionEnd(session).toISOString(),
    };
  }
}
