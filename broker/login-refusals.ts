import { createHash } from 'node:crypto';
import type { Logger } from '../core/index.js';
import { createRateLimitedLog, type Clock, type FailureThrottle } from '../platform/index.js';

export type AuthFailureReason = 'missing_credentials' | 'unknown_user' | 'bad_password' | 'disabled' | 'throttled';

export interface LoginAttempt {
  address: string;
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
}

/** CONNACK 4 "bad user name or password" or 5 "not authorized" (docs/PROTOCOL.md, "Identity"). */
export interface LoginRefusal {
  ok: false;
  returnCode: 4 | 5;
  reason: AuthFailureReason;
}

export interface LoginRefusalsOptions {
  log: Logger;
  /** Failures per client address; a refusal other than `disabled` or `throttled` counts as one. */
  throttle: FailureThrottle;
  blockMs: number;
  clock: Clock;
  onFailure?(reason: AuthFailureReason): void;
}

/**
 * The user name to log with a refusal. An unknown one may be a secret typed into the wrong
 * field, so it is logged only when it looks like a station id (secrets are mixed-case),
 * otherwise as a short fingerprint an operator can compare.
 */
function loggableUser(username: string | undefined, reason: AuthFailureReason): Record<string, string> {
  if (username === undefined) return {};
  if (reason !== 'unknown_user' || /^[A-Z0-9][A-Z0-9_-]{2,63}$/.test(username)) return { username };
  return { usernameSha256: createHash('sha256').update(username).digest('hex').slice(0, 12) };
}

/**
 * Refuses a login: counts it, logs it with the client address (docs/PROTOCOL.md, "Identity":
 * every refusal is logged), and feeds the per-address throttle. A flood from a throttled
 * address is logged at most once a second per address, with the number held back.
 */
export function createLoginRefusals(
  options: LoginRefusalsOptions,
): (attempt: LoginAttempt, returnCode: 4 | 5, reason: AuthFailureReason) => LoginRefusal {
  const { log, throttle } = options;
  const throttledLog = createRateLimitedLog(log, 1000, options.clock);
  return (attempt, returnCode, reason) => {
    options.onFailure?.(reason);
    const fields = { address: attempt.address, clientId: attempt.clientId, ...loggableUser(attempt.username, reason), reason, returnCode };
    if (reason === 'throttled') {
      throttledLog(
        'warn',
        attempt.address,
        { ...fields, blockedForMs: throttle.blockedFor(attempt.address) },
        'login refused: address throttled',
      );
      return { ok: false, returnCode, reason };
    }
    log.warn(fields, 'login refused');
    if (reason !== 'disabled' && throttle.recordFailure(attempt.address)) {
      log.warn(
        { event: 'security', address: attempt.address, blockMs: options.blockMs },
        'too many failed logins from one address; refusing it for a while',
      );
    }
    return { ok: false, returnCode, reason };
  };
}
