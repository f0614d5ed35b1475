import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { SessionCache, type LiveSession } from './session-cache';

function live(userId = 'u1', over: Partial<SessionEntity> = {}, active = true): LiveSession {
  return {
    session: Object.assign(new SessionEntity(), { id: 's1', userId, lastSeenAt: new Date(0), revokedAt: null, ...over }),
    user: Object.assign(new UserEntity(), { id: userId, isActive: active }),
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Looks up each `[sessionId, now]` in turn with one reader answering `answer()`; how many reads the cache made. */
async function reads(cache: SessionCache, lookups: Array<[string, number]>, answer: () => LiveSession = () => live()): Promise<number> {
  const read = jest.fn(async () => answer());
  for (const [id, now] of lookups) await cache.lookup(id, now, read);
  return read.mock.calls.length;
}

describe('SessionCache', () => {
  it('reads once within the TTL and again after it', async () => {
    const cache = new SessionCache(2000, 10);
    expect(await reads(cache, [['s1', 1000], ['s1', 3000]])).toBe(1);
    expect(await reads(cache, [['s1', 3001]])).toBe(1);
  });

  it('treats a clock that went backwards as stale', async () => {
    expect(await reads(new SessionCache(2000, 10), [['s1', 5000], ['s1', 4999]])).toBe(2);
  });

  it('shares one read among requests that miss at the same moment', async () => {
    const cache = new SessionCache(2000, 10);
    const d = deferred<LiveSession>();
    const read = jest.fn(() => d.promise);
    const all = Promise.all([cache.lookup('s1', 0, read), cache.lookup('s1', 0, read), cache.lookup('s1', 1, read)]);
    d.resolve(live());
    const [a, b, c] = await all;
    expect(read).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
  });

  it.each([
    ['a revoked session', () => live('u1', { revokedAt: new Date(0) })],
    ['a disabled user', () => live('u1', {}, false)],
  ])('does not remember %s', async (_, answer) => {
    expect(await reads(new SessionCache(2000, 10), [['s1', 0], ['s1', 0]], answer)).toBe(2);
  });

  it('forgets a session at once, and a read in flight at that moment is neither remembered nor shared with later requests', async () => {
    const cache = new SessionCache(2000, 10);
    const d = deferred<LiveSession>();
    const early = cache.lookup('s1', 0, () => d.promise);
    cache.forgetSession('s1'); // e.g. sign-out committed while the read was in flight
    const fresh = jest.fn(async () => live('u1', { revokedAt: new Date(0) }));
    const later = cache.lookup('s1', 0, fresh);
    d.resolve(live());
    expect((await early)?.session.revokedAt).toBeNull(); // it arrived before the sign-out
    expect((await later)?.session.revokedAt).not.toBeNull();
    expect(fresh).toHaveBeenCalledTimes(1);
    expect(await reads(cache, [['s1', 1]], () => live('u1', { revokedAt: new Date(0) }))).toBe(1); // the early live read was not remembered
  });

  it('forgets every session of a user', async () => {
    const cache = new SessionCache(2000, 10);
    await cache.lookup('a', 0, async () => live('u1'));
    await cache.lookup('b', 0, async () => live('u1'));
    await cache.lookup('c', 0, async () => live('u2'));
    cache.forgetUser('u1');
    expect(await reads(cache, [['a', 0], ['b', 0], ['c', 0]], () => live('u1'))).toBe(2);
  });

  it('keeps at most maxEntries, forgetting the oldest', async () => {
    const cache = new SessionCache(2000, 3);
    for (const id of ['a', 'b', 'c', 'd']) await cache.lookup(id, 0, async () => live());
    expect(cache.size).toBe(3);
    expect(await reads(cache, [['a', 0]])).toBe(1);
  });

  it('does not remember a failed read', async () => {
    const cache = new SessionCache(2000, 10);
    await expect(cache.lookup('s1', 0, async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await reads(cache, [['s1', 0]])).toBe(1);
  });
});
