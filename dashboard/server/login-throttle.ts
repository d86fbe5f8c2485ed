import { addressKey, createFailureBackoff, createFailureThrottle, type Clock, type ThrottledAttempt } from '../../platform/index.js';
import { userNameKey } from './users-file.js';

/** One login attempt, reserved before its password is checked; it ends once. */
export interface LoginTry {
  succeeded(): void;
  failed(): void;
  /** Not an attempt after all (the check could not run): nothing is counted. */
  cancelled(): void;
}

export interface LoginThrottle {
  /**
   * Reserves an attempt for this user name from this address, or says how long to wait. While
   * only attempts in flight from the address stand in the way, it waits for them to end.
   */
  begin(address: string, user: string): Promise<LoginTry | { retryAfterMs: number }>;
  /** Milliseconds before this user name may be tried from this address; 0 when free. */
  blockedFor(address: string, user: string): number;
}

export interface LoginThrottleOptions {
  /** Failures allowed within `windowMs` from one address, or for one name from one address, before it is locked. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  /** Failures for one name from any addresses within `windowMs` before its back-off starts (default 2 x maxFailures). */
  nameBackoffAfter?: number;
  /** The back-off's cap (default 30 s); it starts at 1 s and doubles per failure. */
  nameBackoffMaxMs?: number;
  /** Bound on tracked keys (addresses, pairs, names): memory stays bounded under a spray. */
  maxKeys?: number;
  clock?: Clock;
}

const NAME_BACKOFF_BASE_MS = 1000;
/** Refused with no block running (too many waiting, or the name's attempt in flight): retry soon. */
const IN_FLIGHT_RETRY_MS = 1000;

/**
 * Login throttling (docs/SECURITY.md, "Login throttling"; OWASP authentication cheat sheet):
 * - per address (one address guessing many names) and per name AND address (one address
 *   guessing one name): locked for `lockMs` after `maxFailures` failures in the window;
 * - per name alone (many addresses guessing one name) only a back-off: past its free failures,
 *   one attempt at a time, from 1 s after the last failure doubling up to the cap. Never a
 *   long lock of the name from everywhere: that would let anyone lock any user out.
 * Each attempt is reserved before its password is checked and counts as a failure until it
 * ends, so a burst of parallel logins gets no more checks than a sequence would; the rest of a
 * burst from one address waits for those to end (then is let in, or refused by the lock). A success
 * clears the address, the pair and the name. Names are keyed in the store's own normal form
 * (userNameKey), so " admin" or "ADMIN\t", which log in as admin, count as admin.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { clock } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const locks = createFailureThrottle({
    maxFailures: options.maxFailures,
    windowMs: options.windowMs,
    blockMs: options.lockMs,
    maxKeys,
    clock,
  });
  const names = createFailureBackoff({
    freeFailures: options.nameBackoffAfter ?? 2 * options.maxFailures,
    windowMs: options.windowMs,
    baseMs: NAME_BACKOFF_BASE_MS,
    maxMs: options.nameBackoffMaxMs ?? 30_000,
    maxKeys,
    clock,
  });
  const keys = (address: string, user: string): { a: string; p: string; n: string } => {
    const a = addressKey(address);
    const n = userNameKey(user);
    return { a: `a:${a}`, p: `p:${a} ${n}`, n };
  };
  const lockedFor = (key: string): number => locks.blockedFor(key) || IN_FLIGHT_RETRY_MS;

  return {
    blockedFor(address, user) {
      const k = keys(address, user);
      return Math.max(locks.blockedFor(k.a), locks.blockedFor(k.p), names.waitFor(k.n));
    },
    async begin(address, user) {
      const k = keys(address, user);
      const held: ThrottledAttempt[] = [];
      const refuse = (retryAfterMs: number): { retryAfterMs: number } => {
        held.forEach((h) => h.release());
        return { retryAfterMs };
      };
      const a = await locks.acquire(k.a);
      if (!a) return refuse(lockedFor(k.a));
      held.push(a);
      const p = await locks.acquire(k.p);
      if (!p) return refuse(lockedFor(k.p));
      held.push(p);
      const n = names.reserve(k.n);
      if (!n) return refuse(names.waitFor(k.n) || IN_FLIGHT_RETRY_MS);
      held.push(n);
      return {
        failed: () => held.forEach((h) => h.fail()),
        cancelled: () => held.forEach((h) => h.release()),
        succeeded() {
          // Cleared before the release, so the attempts its release wakes see the cleared count.
          locks.clear(k.a);
          locks.clear(k.p);
          names.clear(k.n);
          held.forEach((h) => h.release());
        },
      };
    },
  };
}
