import { createFailureThrottle, type Clock } from '../../platform/index.js';
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
  /** Bound on tracked keys (addresses and names together): memory stays bounded under a spray. */
  maxKeys?: number;
  clock?: Clock;
}

/**
 * Login throttling per client address and per user name (OWASP authentication cheat sheet:
 * limit failed attempts on both, so neither one address guessing many names nor many
 * addresses guessing one name gets far), as two kinds of key of one platform failure throttle.
 * A success clears the address and the name. The name is keyed in the store's own normal form
 * (userNameKey), so " admin" or "ADMIN\t", which log in as admin, count against admin's lock too.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const throttle = createFailureThrottle({
    maxFailures: options.maxFailures,
    windowMs: options.windowMs,
    blockMs: options.lockMs,
    maxKeys: options.maxKeys ?? 10_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const addressKey = (address: string): string => `a:${address}`;
  const userKey = (user: string): string => `u:${userNameKey(user)}`;

  return {
    blockedFor: (address, user) => Math.max(throttle.blockedFor(addressKey(address)), throttle.blockedFor(userKey(user))),
    failed(address, user) {
      throttle.recordFailure(addressKey(address));
      throttle.recordFailure(userKey(user));
    },
    succeeded(address, user) {
      throttle.clear(addressKey(address));
      throttle.clear(userKey(user));
    },
  };
}
