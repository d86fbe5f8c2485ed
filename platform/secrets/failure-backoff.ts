import { systemClock, type Clock } from '../time/clock.js';
import { AttemptEntries, type AttemptEntry, type ThrottledAttempt } from './attempt-entries.js';

export interface FailureBackoffOptions {
  /** Failures of one key within `windowMs` before the back-off starts. */
  freeFailures: number;
  windowMs: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further failure... */
  baseMs: number;
  /** ...up to this. */
  maxMs: number;
  /** Keys tracked at most (a bound on memory under a spray of keys). */
  maxKeys?: number;
  clock?: Clock;
}

export interface FailureBackoff {
  /** Milliseconds before the key may try again; 0 when it may try now. */
  waitFor(key: string): number;
  /** Reserves an attempt before its secret is checked, or undefined when the key must wait. */
  reserve(key: string): ThrottledAttempt | undefined;
  /** Forgets the key's failures (after a success). */
  clear(key: string): void;
  readonly size: number;
}

/**
 * A slow, never long, brake on one key (a user name tried from many addresses): after
 * `freeFailures` failures in the window, one attempt at a time, each after a wait since the last
 * failure that doubles from `baseMs` up to `maxMs`. Unlike a block, the key is never shut for
 * long, so it cannot be used to lock its owner out (docs/SECURITY.md, "Login throttling").
 * As in the failure throttle, an attempt in flight counts as a failure until it ends.
 */
export function createFailureBackoff(options: FailureBackoffOptions): FailureBackoff {
  const clock = options.clock ?? systemClock;
  const entries = new AttemptEntries({ windowMs: options.windowMs, maxKeys: options.maxKeys ?? 100_000, clock });

  const wait = (e: AttemptEntry | undefined, now: number): number => {
    if (!e) return 0;
    const failures = entries.recent(e, now);
    const beyond = failures + e.inFlight - options.freeFailures;
    if (beyond < 0) return 0;
    // Past the free failures one attempt at a time: while one is in flight, the others wait the base.
    if (e.inFlight > 0) return options.baseMs;
    const delay = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(beyond, 30));
    return Math.max(0, (e.failures.at(-1) ?? now) + delay - now);
  };
  const addFailure = (e: AttemptEntry, now: number): boolean => {
    entries.recent(e, now);
    e.failures.push(now);
    return e.failures.length === options.freeFailures;
  };

  return {
    get size() {
      return entries.size;
    },
    waitFor: (key) => wait(entries.get(key), clock.now()),
    reserve(key) {
      return wait(entries.get(key), clock.now()) > 0 ? undefined : entries.reserve(key, addFailure);
    },
    clear: (key) => entries.clear(key),
  };
}
