import { systemClock, type Clock } from '../time/clock.js';
import { AttemptEntries, type AttemptEntry, type ThrottledAttempt } from './attempt-entries.js';

export type { ThrottledAttempt } from './attempt-entries.js';

export interface FailureThrottleOptions {
  /** Failures of one key within `windowMs` that start a block. */
  maxFailures: number;
  windowMs: number;
  /** How long a blocked key is refused without checking its credentials. */
  blockMs: number;
  /** Keys tracked at most; beyond it the stale, then the least recently failed, are forgotten (a bound on memory). */
  maxKeys?: number;
  /** Attempts of one key waiting in `acquire` at most (default 1000); beyond, refused at once. */
  maxWaiting?: number;
  clock?: Clock;
}

export interface FailureThrottle {
  /** Milliseconds left in the key's block, 0 when it is not blocked. */
  blockedFor(key: string): number;
  /**
   * Reserves an attempt before its secret is checked, or undefined when the key is blocked or
   * its recent failures plus its attempts in flight already reach `maxFailures` (then
   * `blockedFor` says 0 if only the attempts in flight stand in the way: try again shortly).
   */
  reserve(key: string): ThrottledAttempt | undefined;
  /**
   * Like `reserve`, but while only the key's attempts in flight stand in the way, waits for one
   * to end: a success frees its place, a failure may start the block (then undefined). Many
   * gateways behind one NAT address logging in at once are let in as places free, not refused.
   */
  acquire(key: string): Promise<ThrottledAttempt | undefined>;
  /** Records a failure without a reservation; returns true when this failure started a block. */
  recordFailure(key: string): boolean;
  /** Forgets the key's failures and block (after a success). */
  clear(key: string): void;
  readonly size: number;
}

/**
 * Refuses a key (a client address, a user name) for a while after repeated failed logins
 * (OWASP authentication cheat sheet: limit failed attempts). The login paths of the broker and
 * the dashboard decide what they key by; this owns the counting and the memory bound.
 *
 * An attempt is reserved BEFORE its (slow) secret check and counts as a failure until it ends,
 * so however many arrive at once, at most `maxFailures` secrets are checked per key before the
 * block: a check made before any of them failed cannot let them all through. The others wait
 * (`acquire`) or are refused (`reserve`) while that many are in flight.
 */
export function createFailureThrottle(options: FailureThrottleOptions): FailureThrottle {
  const clock = options.clock ?? systemClock;
  const entries = new AttemptEntries({ windowMs: options.windowMs, maxKeys: options.maxKeys ?? 100_000, clock });

  const addFailure = (e: AttemptEntry, now: number): boolean => {
    entries.recent(e, now);
    e.failures.push(now);
    if (e.failures.length >= options.maxFailures && e.blockedUntil <= now) {
      e.blockedUntil = now + options.blockMs;
      e.failures = [];
      return true;
    }
    return false;
  };

  const reserve = (key: string): ThrottledAttempt | undefined => {
    const e = entries.get(key);
    const now = clock.now();
    if (e && (e.blockedUntil > now || entries.recent(e, now) + e.inFlight >= options.maxFailures)) return undefined;
    return entries.reserve(key, addFailure);
  };
  /** Whether an attempt refused by `reserve` may wait: the key is not blocked, and one of its attempts will end and wake it. */
  const mayWait = (key: string): boolean => {
    const e = entries.get(key);
    return e !== undefined && e.blockedUntil <= clock.now() && e.inFlight > 0 && e.waiters.length < (options.maxWaiting ?? 1000);
  };

  return {
    get size() {
      return entries.size;
    },
    blockedFor(key) {
      const e = entries.get(key);
      return e ? Math.max(0, e.blockedUntil - clock.now()) : 0;
    },
    reserve,
    acquire(key) {
      return new Promise((resolve) => {
        const attempt = (): void => {
          const reserved = reserve(key);
          if (reserved) resolve(reserved);
          else if (mayWait(key)) entries.get(key)!.waiters.push(attempt);
          else resolve(undefined);
        };
        attempt();
      });
    },
    recordFailure(key) {
      const now = clock.now();
      return addFailure(entries.touch(key, now), now);
    },
    clear: (key) => entries.clear(key),
  };
}
