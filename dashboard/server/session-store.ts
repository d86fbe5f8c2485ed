import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../platform/index.js';

export interface Session {
  /** sha256 of the cookie's token: what the server keeps, so a memory dump holds no usable token. */
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionStore {
  /** A new session; the token goes in the cookie and nowhere else. */
  create(user: string): { token: string; session: Session };
  /** The live session of a cookie token (touching it), or undefined when unknown or expired. */
  get(token: string | undefined): Session | undefined;
  /** Keeps a session alive without a request (an open live socket is activity). */
  touch(id: string): void;
  destroy(id: string): void;
  /** Ends every session of a user; returns their ids. */
  destroyUser(user: string): string[];
  /** Removes expired sessions; returns the ids removed. */
  sweep(): string[];
  has(id: string): boolean;
  /** The session by id, without touching it. */
  peek(id: string): Session | undefined;
  /** Every session (the sessions file writes them). */
  all(): IterableIterator<Session>;
  readonly size: number;
}

export interface SessionStoreOptions {
  idleMs: number;
  maxAgeMs: number;
  /** Bound on sessions per user: the oldest is ended past it (a stolen-cookie spray cannot grow memory). */
  perUser?: number;
  /** Bound on all sessions: the least recently seen is ended past it. */
  max?: number;
  clock?: Clock;
  /** Sessions of a previous run (session-file.ts); expired ones are dropped. */
  initial?: readonly Session[];
  /** Called after every change, touches included (the sessions file is written from it). */
  onChange?: () => void;
}

export const tokenId = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Sessions in memory, keyed by the sha256 of their token. Given `initial` and `onChange`
 * (session-file.ts), they outlive a restart: a wall display keeps its session through a centre
 * restart, and still no token is on disk. Sessions end after `idleMs` without activity or
 * `maxAgeMs` in all (OWASP session management).
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const clock = options.clock ?? systemClock;
  const perUser = options.perUser ?? 20;
  const max = options.max ?? 10_000;
  const sessions = new Map<string, Session>();
  const changed = options.onChange ?? ((): void => undefined);

  const expired = (s: Session, t: number): boolean => t - s.lastSeenAt > options.idleMs || t - s.createdAt > options.maxAgeMs;
  const start = clock.now();
  for (const s of options.initial ?? []) if (!expired(s, start)) sessions.set(s.id, { ...s });

  return {
    create(user) {
      const token = randomBytes(32).toString('base64url');
      const t = clock.now();
      const session: Session = { id: tokenId(token), user, createdAt: t, lastSeenAt: t };
      const own = [...sessions.values()].filter((s) => s.user === user).sort((a, b) => a.createdAt - b.createdAt);
      for (const s of own.slice(0, Math.max(0, own.length - perUser + 1))) sessions.delete(s.id);
      if (sessions.size >= max) {
        const oldest = [...sessions.values()].reduce((a, b) => (a.lastSeenAt <= b.lastSeenAt ? a : b));
        sessions.delete(oldest.id);
      }
      sessions.set(session.id, session);
      changed();
      return { token, session };
    },
    get(token) {
      if (token === undefined || token.length < 16 || token.length > 128) return undefined;
      const id = tokenId(token);
      const s = sessions.get(id);
      if (!s) return undefined;
      const t = clock.now();
      if (expired(s, t)) {
        sessions.delete(id);
        changed();
        return undefined;
      }
      s.lastSeenAt = t;
      changed();
      return s;
    },
    touch(id) {
      const s = sessions.get(id);
      if (s && !expired(s, clock.now())) {
        s.lastSeenAt = clock.now();
        changed();
      }
    },
    destroy: (id) => {
      if (sessions.delete(id)) changed();
    },
    destroyUser(user) {
      const gone: string[] = [];
      for (const [id, s] of sessions) {
        if (s.user === user) {
          sessions.delete(id);
          gone.push(id);
        }
      }
      if (gone.length > 0) changed();
      return gone;
    },
    sweep() {
      const t = clock.now();
      const gone: string[] = [];
      for (const [id, s] of sessions) {
        if (expired(s, t)) {
          sessions.delete(id);
          gone.push(id);
        }
      }
      if (gone.length > 0) changed();
      return gone;
    },
    has: (id) => sessions.has(id),
    peek: (id) => sessions.get(id),
    all: () => sessions.values(),
    get size() {
      return sessions.size;
    },
  };
}
