import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionPort, SessionRecord } from '../core/index.js';
import { HttpError, systemClock, type Clock } from '../platform/index.js';
import { CREATE_SESSION, DESTROY_SESSION, DESTROY_USER, GET_SESSION } from './session-scripts.js';

export interface RedisSessionStoreOptions {
  /** A connection from cluster/redis-connection.ts (commands, not subscriber mode). */
  redis: Redis;
  /** REDIS_KEY_PREFIX (`qt:`). */
  keyPrefix: string;
  idleMs: number;
  maxAgeMs: number;
  /** Bound on sessions per user: the oldest is ended past it, as in memory (default 20). */
  perUser?: number;
  /**
   * A request writes the session's last activity only when it is this old (default a tenth of
   * `idleMs`, at most a minute), so most checks only read: a session idles out at most this much
   * early.
   */
  touchEveryMs?: number;
  clock?: Clock;
}

/** The same sha256 of the token as the in-memory store (dashboard/server/session-store.ts): Redis never holds a usable token. */
const tokenId = (token: string): string => createHash('sha256').update(token).digest('base64url');

interface SessionCommands {
  qtSessionGet(session: string, ...args: Array<string | number>): Promise<Array<string | null> | null>;
  qtSessionCreate(session: string, set: string, ...args: Array<string | number>): Promise<number>;
  qtSessionDestroy(session: string, setPrefix: string, id: string): Promise<number>;
  qtSessionDestroyUser(set: string, sessionPrefix: string): Promise<string[]>;
}

/** Every failure of the store is the dashboard's 503: the request may be retried, the session is not lost. */
const unavailable = (err: unknown): never => {
  throw Object.assign(new HttpError(503, 'ERR_SESSIONS_UNAVAILABLE', 'sessions are unavailable; try again'), { cause: err });
};

function defineCommands(redis: Redis): SessionCommands {
  redis.defineCommand('qtSessionGet', { numberOfKeys: 1, lua: GET_SESSION });
  redis.defineCommand('qtSessionCreate', { numberOfKeys: 2, lua: CREATE_SESSION });
  redis.defineCommand('qtSessionDestroy', { numberOfKeys: 1, lua: DESTROY_SESSION });
  redis.defineCommand('qtSessionDestroyUser', { numberOfKeys: 1, lua: DESTROY_USER });
  return redis as unknown as SessionCommands;
}

/**
 * Dashboard sessions in Redis (cluster mode, docs/ARCHITECTURE.md "Cluster mode"): a session made
 * on one node is valid on every node, and a logout on any node ends it everywhere. Same semantics
 * as the in-memory store: idle timeout and maximum age (the key's TTL is the shorter of the two,
 * and each read checks both on this node's clock), a bound per user, the list by user for "end
 * this user's sessions". Nothing is cached: each request's check is one round trip (one script),
 * so a logout is refused on every node at once; the live sockets of an ended session close at
 * their node's next sweep (session-shared-sweep.ts in the dashboard).
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionPort {
  const { redis, idleMs, maxAgeMs } = options;
  const clock = options.clock ?? systemClock;
  const perUser = options.perUser ?? 20;
  const every = options.touchEveryMs ?? Math.min(60_000, Math.floor(idleMs / 10));
  const sessionPrefix = `${options.keyPrefix}session:`;
  const setPrefix = `${options.keyPrefix}sessions-of:`;
  const commands = defineCommands(redis);

  const record = (id: string, f: Array<string | null> | null): SessionRecord | undefined =>
    f && f[0] ? { id, user: f[0], createdAt: Number(f[1]), lastSeenAt: Number(f[2]) } : undefined;
  const expired = (s: SessionRecord, t: number): boolean => t - s.lastSeenAt > idleMs || t - s.createdAt > maxAgeMs;

  const lookUp = async (id: string, touchEvery: number): Promise<SessionRecord | undefined> => {
    const f = await commands.qtSessionGet(sessionPrefix + id, clock.now(), idleMs, maxAgeMs, touchEvery, id, setPrefix).catch(unavailable);
    return record(id, f);
  };

  return {
    async create(user) {
      const token = randomBytes(32).toString('base64url');
      const t = clock.now();
      const session: SessionRecord = { id: tokenId(token), user, createdAt: t, lastSeenAt: t };
      await commands
        .qtSessionCreate(
          sessionPrefix + session.id,
          setPrefix + user,
          session.id,
          user,
          t,
          Math.min(idleMs, maxAgeMs),
          perUser,
          sessionPrefix,
          maxAgeMs,
        )
        .catch(unavailable);
      return { token, session };
    },
    async get(token) {
      if (token === undefined || token.length < 16 || token.length > 128) return undefined;
      return lookUp(tokenId(token), every);
    },
    async touch(id) {
      await lookUp(id, 0);
    },
    async destroy(id) {
      await commands.qtSessionDestroy(sessionPrefix + id, setPrefix, id).catch(unavailable);
    },
    async destroyUser(user) {
      return commands.qtSessionDestroyUser(setPrefix + user, sessionPrefix).catch(unavailable);
    },
    // Redis ends expired sessions itself (the key's TTL); the sweep finds the ones with open sockets by peek.
    sweep: async () => [],
    async peek(id) {
      const f = await redis.hmget(sessionPrefix + id, 'user', 'createdAt', 'lastSeenAt').catch(unavailable);
      const s = record(id, f);
      return s && !expired(s, clock.now()) ? s : undefined;
    },
  };
}
