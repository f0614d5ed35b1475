import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, MoreThan, type Repository } from 'typeorm';
import type { LoginResponse, MeResponse, TokenResponse } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { APP_CONFIG, AppException, Clock, type Actor, type AppConfig } from '@cqo/server-common';
import { preparedQuery } from '@cqo/server-database';
import { LoginFailureEntity } from './entities/login-failure.entity';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { dummyHash, verifyPassword } from './password';
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

/** The session check's row: the session and its user. */
interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
  username: string;
  display_name: string;
  role: UserEntity['role'];
  region_code: string | null;
  enterprise_id: string | null;
  is_active: boolean;
  locked_until: Date | null;
  user_created_at: Date;
}

function hhmm(d: Date): string {
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly logger = new Logger(AuthService.name);
  private readonly checks = new SessionCache();
  /** Sessions seen since the last flush: id → when. */
  private readonly seen = new Map<string, Date>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async login(username: string, password: string, client: ClientInfo): Promise<LoginResponse> {
    const now = this.clock.now();
    const user = await this.users.findOneBy({ username });
    const { maxFailures, windowMinutes, lockMinutes } = this.config.lockout;

    if (user?.lockedUntil && user.lockedUntil > now) {
      await this.audit.record({ username, ip: client.ip, action: 'auth.login', objectType: 'user', objectId: user.id, result: 'denied', details: { reason: 'locked' } });
      throw new AppException(423, 'ACCOUNT_LOCKED', `账号已锁定，请于 ${hhmm(user.lockedUntil)} 后再试`);
    }

    const ok = user && user.isActive ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!ok || !user) {
      const lockedUntil = await this.dataSource.transaction(async (m) => {
        await m.insert(LoginFailureEntity, { username, at: now, ip: client.ip });
        const recent = await m.count(LoginFailureEntity, {
          where: { username, at: MoreThan(new Date(now.getTime() - windowMinutes * 60_000)) },
        });
        let until: Date | null = null;
        if (user && recent >= maxFailures) {
          until = new Date(now.getTime() + lockMinutes * 60_000);
          await m.update(UserEntity, { id: user.id }, { lockedUntil: until });
        }
        await this.audit.record(
          { username, ip: client.ip, action: 'auth.login', objectType: 'user', objectId: user?.id ?? null, result: 'failure', details: { failuresInWindow: recent, locked: !!until } },
          m,
        );
        return until;
      });
      if (lockedUntil) {
        if (user) this.checks.forgetUser(user.id);
        throw new AppException(423, 'ACCOUNT_LOCKED', `密码连续错误${maxFailures}次，账号已锁定，请于 ${hhmm(lockedUntil)} 后再试`);
      }
      throw new AppException(401, 'INVALID_CREDENTIALS', '用户名或密码错误');
    }

    const session = await this.dataSource.transaction(async (m) => {
      await m.delete(LoginFailureEntity, { username });
      if (user.lockedUntil) await m.update(UserEntity, { id: user.id }, { lockedUntil: null });
      const s = await m.save(
        m.create(SessionEntity, { userId: user.id, createdAt: now, lastSeenAt: now, revokedAt: null, ip: client.ip, userAgent: client.userAgent?.slice(0, 256) ?? null }),
      );
      await this.audit.record({ actor: { userId: user.id, username, role: user.role }, ip: client.ip, action: 'auth.login', objectType: 'session', objectId: s.id, result: 'success' }, m);
      return s;
    });
    return { ...this.issue(user.id, session.id), user: await this.me(user.id) };
  }

  /** A new access token for a live session, also when the old token has just expired. */
  async refresh(token: string | null, client: ClientInfo): Promise<TokenResponse> {
    const v = token ? this.tokens.verify(token, { ignoreExpiration: true }) : null;
    if (!v || !v.ok) throw new AppException(401, 'UNAUTHENTICATED', '请先登录');
    const { session } = await this.liveSession(v.claims.sid, client);
    return this.issue(session.userId, session.id);
  }

  async logout(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.update(SessionEntity, { id: actor.sessionId }, { revokedAt: this.clock.now() });
      await this.audit.record({ actor, ip: actor.ip, action: 'auth.logout', objectType: 'session', objectId: actor.sessionId, result: 'success' }, m);
    });
    // After the commit: a check read before it is forgotten, and none read after it can be live.
    this.checks.forgetSession(actor.sessionId);
  }

  /**
   * Checks a session on every request: not revoked, user active, not idle for longer than the
   * limit. Touches it, so activity keeps it alive. An idle session is ended for good.
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
    if (now.getTime() - session.lastSeenAt.getTime() > idleMs) {
      this.checks.forgetSession(session.id);
      await this.sessions.update({ id: session.id }, { revokedAt: now });
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
    await this.dataSource
      .query(
        `UPDATE user_session s SET last_seen_at = greatest(s.last_seen_at, x.at)
           FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE s.id = x.id`,
        [batch.map(([id]) => id), batch.map(([, at]) => at)],
      )
      .catch((err: Error) => this.logger.warn(`session last-seen write failed: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flushSeen();
  }

  /** Forgets what this process remembers of a user's sessions: call it wherever a user is disabled, re-passworded or locked. */
  forgetUser(userId: string): void {
    this.checks.forgetUser(userId);
  }

  private async readSession(sessionId: string): Promise<LiveSession | null> {
    // One plain round trip for both.
    const [row] = /^[0-9a-f-]{36}$/i.test(sessionId)
      ? await preparedQuery<SessionRow>(
          this.dataSource,
          'cqo.auth.session-check',
          `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.revoked_at, s.ip, s.user_agent,
                  u.username, u.display_name, u.role, u.region_code, u.enterprise_id, u.is_active, u.locked_until, u.created_at AS user_created_at
             FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.id = $1`,
          [sessionId],
        )
      : [];
    if (!row) return null;
    // A "last seen" still waiting for its write (see `touch`) counts as written.
    const pending = this.seen.get(row.id);
    const lastSeenAt = pending && pending > row.last_seen_at ? pending : row.last_seen_at;
    const session = Object.assign(new SessionEntity(), { id: row.id, userId: row.user_id, createdAt: row.created_at, lastSeenAt, revokedAt: row.revoked_at, ip: row.ip, userAgent: row.user_agent });
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
      createdAt: row.user_created_at,
    });
    return { session, user };
  }

  async me(userId: string): Promise<MeResponse> {
    const [row] = await this.dataSource.query(
      `SELECT u.id, u.username, u.display_name, u.role, u.region_code, r.name AS region_name, u.enterprise_id, e.name AS enterprise_name
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code LEFT JOIN enterprise e ON e.id = u.enterprise_id
        WHERE u.id = $1`,
      [userId],
    );
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
    };
  }

  private issue(userId: string, sessionId: string): TokenResponse {
    return {
      accessToken: this.tokens.sign({ sub: userId, sid: sessionId }),
      expiresIn: this.config.accessTokenTtlSeconds,
      idleTimeoutMinutes: this.config.sessionIdleMinutes,
    };
  }
}
