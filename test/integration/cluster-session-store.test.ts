import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore } from '../../cluster/session-store.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

/**
 * The Redis session store's semantics against a real redis-server, the same as the in-memory
 * store's (test/unit/dashboard-auth.test.ts, "sessions"): idle timeout, maximum age, the bound per
 * user, ending a user's sessions. The store reads its own clock (here a hand-moved one) for
 * expiry; Redis's TTL only removes what has expired.
 */
describe('Redis session store', () => {
  let server: RedisServer;
  let redis: Redis;
  let now = 1_000_000;
  const clock = { now: () => now };

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('ends a session after idleMs without activity or maxAgeMs in all; a request is activity', async () => {
    const sessions = createRedisSessionStore({ redis, keyPrefix: 'a:', idleMs: 1000, maxAgeMs: 5000, touchEveryMs: 0, clock });
    now = 1_000_000;
    const { token, session } = await sessions.create('an');
    expect((await sessions.get(token))?.user).toBe('an');
    now += 900;
    expect(await sessions.get(token)).toMatchObject({ id: session.id, user: 'an', createdAt: 1_000_000, lastSeenAt: now });
    now += 900;
    expect(await sessions.get(token)).toBeDefined(); // 900 ms idle
    now += 1100;
    expect(await sessions.get(token)).toBeUndefined(); // 1100 ms idle
    expect(await redis.exists(`a:session:${session.id}`)).toBe(0);

    const b = await sessions.create('binh');
    for (let i = 0; i < 9; i++) {
      now += 500;
      await sessions.touch(b.session.id);
    }
    expect(await sessions.peek(b.session.id)).toBeDefined(); // 4.5 s in all
    now += 1000;
    expect(await sessions.peek(b.session.id)).toBeUndefined(); // past 5 s in all
    expect(await sessions.get(b.token)).toBeUndefined();
    expect(await sessions.get('not-a-token-at-all-0123456789')).toBeUndefined();
    expect(await sessions.get(undefined)).toBeUndefined();
    expect(await sessions.get('short')).toBeUndefined();
  });

  it("keeps the key's TTL at the session's remaining life, and writes activity only every touchEveryMs", async () => {
    const sessions = createRedisSessionStore({ redis, keyPrefix: 'b:', idleMs: 60_000, maxAgeMs: 600_000, touchEveryMs: 10_000, clock });
    now = 2_000_000;
    const { token, session } = await sessions.create('an');
    const ttl = await redis.pttl(`b:session:${session.id}`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    now += 5000;
    expect((await sessions.get(token))?.lastSeenAt).toBe(2_000_000); // under touchEveryMs: read only
    now += 5000;
    expect((await sessions.get(token))?.lastSeenAt).toBe(2_010_000);
    // Near the maximum age the TTL is what is left of it, not a whole idle period.
    while (now < 2_000_000 + 590_000) {
      now = Math.min(now + 50_000, 2_000_000 + 590_000);
      expect((await sessions.get(token))?.lastSeenAt).toBe(now);
    }
    expect(await redis.pttl(`b:session:${session.id}`)).toBeLessThanOrEqual(10_001);
  });

  it('keeps a bounded number of sessions per user, ending the oldest', async () => {
    const sessions = createRedisSessionStore({ redis, keyPrefix: 'c:', idleMs: 1e9, maxAgeMs: 1e9, perUser: 3, clock });
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      now += 1;
      tokens.push((await sessions.create('spray')).token);
    }
    const live = await Promise.all(tokens.map((t) => sessions.get(t)));
    expect(live.map((s) => s !== undefined)).toEqual([false, false, true, true, true]);
    expect(await redis.scard('c:sessions-of:spray')).toBe(3);
  });

  it("ends every session of a user and lists their ids; destroy ends one; another user's are kept", async () => {
    const sessions = createRedisSessionStore({ redis, keyPrefix: 'd:', idleMs: 1e9, maxAgeMs: 1e9, clock });
    const c = await sessions.create('chi');
    const d = await sessions.create('chi');
    const e = await sessions.create('chi');
    const other = await sessions.create('dung');
    await sessions.destroy(e.session.id);
    expect(await sessions.get(e.token)).toBeUndefined();
    expect((await sessions.destroyUser('chi')).sort()).toEqual([c.session.id, d.session.id].sort());
    expect(await sessions.get(c.token)).toBeUndefined();
    expect(await sessions.get(d.token)).toBeUndefined();
    expect(await sessions.destroyUser('chi')).toEqual([]);
    expect((await sessions.get(other.token))?.user).toBe('dung');
    expect(await sessions.sweep()).toEqual([]);
    // The server keeps the token's hash only (docs/SECURITY.md): no key or value holds the token.
    const keys = await redis.keys('d:*');
    expect(keys.some((k) => k.includes(other.token))).toBe(false);
    expect(Object.values(await redis.hgetall(`d:session:${other.session.id}`))).not.toContain(other.token);
  });
});
