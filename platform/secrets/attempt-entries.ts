import type { Clock } from '../time/clock.js';

/**
 * One login attempt reserved before its secret is checked. Until it ends it counts as a failure,
 * so parallel attempts cannot all pass a check made before any of them failed
 * (docs/SECURITY.md, "Login throttling").
 */
export interface ThrottledAttempt {
  /** The secret was wrong: the attempt counts as a failure. True when this failure started a block. */
  fail(): boolean;
  /** The attempt ends without a failure (a success, or refused before its secret was checked). */
  release(): void;
}

/** What a throttle knows of one key. */
export interface AttemptEntry {
  /** Times of the failures still inside the window, oldest first (trimmed lazily by `recent`). */
  failures: number[];
  /** Attempts reserved and not yet ended. */
  inFlight: number;
  /** Refused until then without checking its secret (0: not blocked). */
  blockedUntil: number;
  /** Attempts waiting for one in flight to end (failure-throttle.ts, acquire): each tries again then. */
  waiters: Array<() => void>;
}

export interface AttemptEntriesOptions {
  windowMs: number;
  /** Keys tracked at most; beyond it the stale, then the least recently used idle ones, are forgotten. */
  maxKeys: number;
  clock: Clock;
}

/**
 * The keys of a throttle in a bounded map, most recently used last. A key with an attempt in
 * flight or waiting is never forgotten (its attempt must be able to record its failure, its
 * waiters to be woken); their number is bounded by the connections the listeners accept.
 */
export class AttemptEntries {
  private readonly entries = new Map<string, AttemptEntry>();

  constructor(private readonly options: AttemptEntriesOptions) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): AttemptEntry | undefined {
    return this.entries.get(key);
  }

  /** The key's entry, created if new, and moved to the most recently used end. */
  touch(key: string, now: number): AttemptEntry {
    let e = this.entries.get(key);
    if (e) this.entries.delete(key);
    else {
      if (this.entries.size >= this.options.maxKeys) this.prune(now);
      e = { failures: [], inFlight: 0, blockedUntil: 0, waiters: [] };
    }
    this.entries.set(key, e);
    return e;
  }

  /** The key's failures within the window (older ones are dropped). */
  recent(e: AttemptEntry, now: number): number {
    const from = now - this.options.windowMs;
    if (e.failures.length > 0 && e.failures[0]! <= from) e.failures = e.failures.filter((t) => t > from);
    return e.failures.length;
  }

  /** Forgets the key's failures and block; its attempts in flight still end normally. */
  clear(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures = [];
    e.blockedUntil = 0;
    if (e.inFlight === 0 && e.waiters.length === 0) this.entries.delete(key);
  }

  /**
   * Reserves an attempt on the key. `onFail` records its failure (returns whether that started
   * a block); each attempt ends once, later calls do nothing.
   */
  reserve(key: string, onFail: (e: AttemptEntry, now: number) => boolean): ThrottledAttempt {
    const now = this.options.clock.now();
    const e = this.touch(key, now);
    e.inFlight++;
    let open = true;
    const end = (): void => {
      open = false;
      e.inFlight--;
      const waiters = e.waiters.splice(0);
      if (e.inFlight === 0 && e.failures.length === 0 && e.blockedUntil === 0 && waiters.length === 0) this.entries.delete(key);
      for (const retry of waiters) retry();
    };
    return {
      fail: () => {
        if (!open) return false;
        const at = this.options.clock.now();
        const started = onFail(this.touch(key, at), at);
        end();
        return started;
      },
      release: () => {
        if (open) end();
      },
    };
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      const idle = e.inFlight === 0 && e.waiters.length === 0;
      if (idle && e.blockedUntil <= now && (e.failures.at(-1) ?? 0) <= now - this.options.windowMs) this.entries.delete(key);
    }
    // Still too many (a flood of keys): forget the least recently used idle ones.
    for (const [key, e] of this.entries) {
      if (this.entries.size < this.options.maxKeys) break;
      if (e.inFlight === 0 && e.waiters.length === 0) this.entries.delete(key);
    }
  }
}
