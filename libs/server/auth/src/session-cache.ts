import type { SessionEntity } from './entities/session.entity';
import type { UserEntity } from './entities/user.entity';

export interface LiveSession {
  session: SessionEntity;
  user: UserEntity;
}

/** How long this process trusts a session check it made: another process's sign-out or a disable in the database shows within this. */
export const SESSION_CHECK_TTL_MS = 2_000;
/** Sessions remembered at most; past it the oldest check is forgotten. */
export const SESSION_CHECK_MAX_ENTRIES = 10_000;

interface Entry {
  live: LiveSession;
  /** Clock time (ms) of the database read this entry came from. */
  checkedAt: number;
}

/**
 * A short, bounded, per-process memory of "this session was live at time T", so a burst of
 * requests on one session costs one database read per TTL instead of one per request; requests
 * that miss at the same moment share one read. Whatever ends a session or changes a user in this
 * process calls `forgetSession`/`forgetUser`: that drops the remembered check, keeps a read in
 * flight at that moment from being remembered, and makes later requests read afresh.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly reads = new Map<string, Promise<LiveSession | null>>();
  private generation = 0;

  constructor(
    readonly ttlMs = SESSION_CHECK_TTL_MS,
    readonly maxEntries = SESSION_CHECK_MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The session as remembered (if checked less than the TTL before `nowMs`), or as `read` finds
   * it. Only a live one (not revoked, user active) is remembered, stamped with the time its read began.
   */
  lookup(sessionId: string, nowMs: number, read: () => Promise<LiveSession | null>): Promise<LiveSession | null> {
    const e = this.entries.get(sessionId);
    if (e) {
      const age = nowMs - e.checkedAt;
      // A clock that moved backwards makes the entry stale too.
      if (age >= 0 && age <= this.ttlMs) return Promise.resolve(e.live);
      this.entries.delete(sessionId);
    }
    const inFlight = this.reads.get(sessionId);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const pending = read().then(
      (live) => {
        if (this.reads.get(sessionId) === pending) this.reads.delete(sessionId);
        if (live && !live.session.revokedAt && live.user.isActive && generation === this.generation) {
          this.entries.delete(sessionId);
          this.entries.set(sessionId, { live, checkedAt: nowMs });
          while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        }
        return live;
      },
      (err: unknown) => {
        if (this.reads.get(sessionId) === pending) this.reads.delete(sessionId);
        throw err;
      },
    );
    this.reads.set(sessionId, pending);
    return pending;
  }

  forgetSession(sessionId: string): void {
    this.generation++;
    this.entries.delete(sessionId);
    this.reads.delete(sessionId);
  }

  /** Every session of a user: for a disable, a password change, a lockout, a role change. */
  forgetUser(userId: string): void {
    this.generation++;
    for (const [id, e] of this.entries) if (e.live.user.id === userId) this.entries.delete(id);
    // Which user an in-flight read is for is not known yet: later requests all read afresh.
    this.reads.clear();
  }
}
