import { systemClock, type Clock } from '../core/index.js';

export interface LoginThrottleOptions {
  /** Failed logins from one address within `windowMs` that start a block. */
  maxFailures: number;
  windowMs?: number;
  /** How long a blocked address is refused without checking its credentials. */
  blockMs: number;
  clock?: Clock;
  /** Addresses tracked at most; beyond it the stalest are forgotten (a bound on memory). */
  maxAddresses?: number;
}

export interface LoginThrottle {
  /** Milliseconds left in the address's block, 0 when it may try. */
  blockedFor(address: string): number;
  /** Records a failure; returns true when this failure started a block. */
  recordFailure(address: string): boolean;
  readonly size: number;
}

interface Entry { failures: number[]; blockedUntil: number }

/**
 * Refuses an address for a while after repeated failed logins (issue 3: "throttling of
 * repeated failures per source address"). Keyed by address only: per-user counting would let
 * one address try every station; the README notes the NAT caveat and the knob.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const clock = options.clock ?? systemClock;
  const windowMs = options.windowMs ?? 60_000;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const entries = new Map<string, Entry>();

  const prune = (now: number): void => {
    for (const [address, e] of entries) {
      if (e.blockedUntil <= now && (e.failures.at(-1) ?? 0) <= now - windowMs) entries.delete(address);
    }
    // Still too many (a flood from many addresses): forget the oldest (insertion order).
    for (const address of entries.keys()) {
      if (entries.size < maxAddresses) break;
      entries.delete(address);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    blockedFor(address) {
      const e = entries.get(address);
      return e ? Math.max(0, e.blockedUntil - clock.now()) : 0;
    },
    recordFailure(address) {
      const now = clock.now();
      let e = entries.get(address);
      if (!e) {
        if (entries.size >= maxAddresses) prune(now);
        e = { failures: [], blockedUntil: 0 };
        entries.set(address, e);
      }
      e.failures = e.failures.filter((t) => t > now - windowMs);
      e.failures.push(now);
      if (e.failures.length >= options.maxFailures && e.blockedUntil <= now) {
        e.blockedUntil = now + options.blockMs;
        e.failures = [];
        return true;
      }
      return false;
    },
  };
}
