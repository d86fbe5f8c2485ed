import { userNameKey } from './users-file.js';

export interface LoginThrottle {
  /** Milliseconds to wait before this address or this user name may try again; 0 when free. */
  blockedFor(address: string, user: string): number;
  failed(address: string, user: string): void;
  succeeded(address: string, user: string): void;
}

export interface LoginThrottleOptions {
  /** Failures allowed within `windowMs` before a key is locked. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  /** Bound on tracked keys; the oldest are forgotten past it (memory stays bounded under a spray). */
  maxKeys?: number;
  now?: () => number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Login throttling per client address and per user name (OWASP authentication cheat sheet:
 * limit failed attempts on both, so neither one address guessing many names nor many
 * addresses guessing one name gets far). A success clears the address and the name. The name
 * is keyed in the store's own normal form (userNameKey), so " admin" or "ADMIN\t", which log in
 * as admin, count against admin's lock too.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();

  const userKey = (user: string): string => `u:${userNameKey(user)}`;
  const wait = (key: string, t: number): number => {
    const e = entries.get(key);
    return e && e.lockedUntil > t ? e.lockedUntil - t : 0;
  };
  const fail = (key: string, t: number): void => {
    let e = entries.get(key);
    if (!e) {
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
      e = { failures: [], lockedUntil: 0 };
    }
    entries.delete(key);
    entries.set(key, e);
    e.failures = e.failures.filter((at) => t - at < options.windowMs);
    e.failures.push(t);
    if (e.failures.length >= options.maxFailures) {
      e.lockedUntil = t + options.lockMs;
      e.failures = [];
    }
  };

  return {
    blockedFor(address, user) {
      const t = now();
      return Math.max(wait(`a:${address}`, t), wait(userKey(user), t));
    },
    failed(address, user) {
      const t = now();
      fail(`a:${address}`, t);
      fail(userKey(user), t);
    },
    succeeded(address, user) {
      entries.delete(`a:${address}`);
      entries.delete(userKey(user));
    },
  };
}
