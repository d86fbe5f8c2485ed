/**
 * The dashboard's session store as a port (docs/ARCHITECTURE.md, "Cluster mode"): the
 * dashboard's in-memory store answers at once; the cluster's Redis store (cluster/) answers with
 * promises, since every check is a round trip. The dashboard takes either.
 */
export type MaybePromise<T> = T | Promise<T>;

/** One session as the server keeps it; `id` is the sha256 of the cookie's token, never the token. */
export interface SessionRecord {
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

/**
 * What the dashboard needs of a session store: idle timeout and maximum age are the store's,
 * as is the bound on sessions per user. The in-memory store (dashboard/server/session-store.ts)
 * fits it with plain values.
 */
export interface SessionPort {
  /** A new session; the token goes in the cookie and nowhere else. */
  create(user: string): MaybePromise<{ token: string; session: SessionRecord }>;
  /** The live session of a cookie token (touching it), or undefined when unknown or expired. */
  get(token: string | undefined): MaybePromise<SessionRecord | undefined>;
  /** Keeps a session alive without a request (an open live socket is activity). */
  touch(id: string): MaybePromise<void>;
  destroy(id: string): MaybePromise<void>;
  /** Ends every session of a user; returns their ids. */
  destroyUser(user: string): MaybePromise<string[]>;
  /** Removes expired sessions; returns the ids removed. */
  sweep(): MaybePromise<string[]>;
  /** The session by id, without touching it (a shared store answers undefined once it expired). */
  peek(id: string): MaybePromise<SessionRecord | undefined>;
}

/** Whether a store's answer is still to come (a promise from a shared store). */
export const isPending = <T>(value: MaybePromise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | undefined)?.then === 'function';
