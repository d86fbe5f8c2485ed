import { systemClock, type Clock } from '../time/clock.js';

export interface FailureThrottleOptions {
  /** Failures of one key within `windowMs` that start a block. */
  maxFailures: number;
  windowMs: number;
  /** How long a blocked key is refused without checking its credentials. */
  blockMs: number;
  /** Keys tracked at most; beyond it the stale, then the least recently failed, are forgotten (a bound on memory). */
  maxKeys?: number;
  clock?: Clock;
}

export interface FailureThrottle {
  /** Milliseconds left in the key's block, 0 when it may try. */
  blockedFor(key: string): number;
  /** Records a failure; returns true when this failure started a block. */
  recordFailure(key: string): boolean;
  /** Forgets the key's failures (after a success). */
  clear(key: string): void;
  readonly size: number;
}

interface Entry {
  failures: number[];
  blockedUntil: number;
}

/**
 * Refuses a key (a client address, a user name) for a while after repeated failed logins
 * (OWASP authentication cheat sheet: limit failed attempts). The login paths of the broker and
 * the dashboard decide what they key by; this owns the counting and the memory bound.
 */
export function createFailureThrottle(options: FailureThrottleOptions): FailureThrottle {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 100_000;
  const entries = new Map<string, Entry>();

  const prune = (now: number): void => {
    for (const [key, e] of entries) {
      if (e.blockedUntil <= now && (e.failures.at(-1) ?? 0) <= now - options.windowMs) entries.delete(key);
    }
    // Still too many (a flood of keys): forget the least recently failed (insertion order).
    for (const key of entries.keys()) {
      if (entries.size < maxKeys) break;
      entries.delete(key);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    blockedFor(key) {
      const e = entries.get(key);
      return e ? Math.max(0, e.blockedUntil - clock.now()) : 0;
    },
    recordFailure(key) {
      const now = clock.now();
      let e = entries.get(key);
      if (e) entries.delete(key);
      else {
        if (entries.size >= maxKeys) prune(now);
        e = { failures: [], blockedUntil: 0 };
      }
      entries.set(key, e);
      e.failures = e.failures.filter((t) => t > now - options.windowMs);
      e.failures.push(now);
      if (e.failures.length >= options.maxFailures && e.blockedUntil <= now) {
        e.blockedUntil = now + options.blockMs;
        e.failures = [];
        return true;
      }
      return false;
    },
    clear(key) {
      entries.delete(key);
    },
  };
}
