import { createHash } from 'node:crypto';
import type { Logger } from '../core/index.js';
import { addressKey, createRateLimitedLog, type Clock, type FailureThrottle, type ThrottledAttempt } from '../platform/index.js';

export type AuthFailureReason = 'missing_credentials' | 'unknown_user' | 'bad_password' | 'disabled' | 'throttled' | 'busy';

export interface LoginAttempt {
  address: string;
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
}

/**
 * CONNACK 3 "server unavailable" (try again), 4 "bad user name or password" or 5 "not
 * authorized" (docs/PROTOCOL.md, "Identity").
 */
export interface LoginRefusal {
  ok: false;
  returnCode: 3 | 4 | 5;
  reason: AuthFailureReason;
}

export interface LoginRefusalsOptions {
  log: Logger;
  /** Failures per client address (its throttling key, platform addressKey). */
  throttle: FailureThrottle;
  blockMs: number;
  clock: Clock;
  onFailure?(reason: AuthFailureReason): void;
}

export type RefuseLogin = (
  attempt: LoginAttempt,
  returnCode: 3 | 4 | 5,
  reason: AuthFailureReason,
  reserved?: ThrottledAttempt,
) => LoginRefusal;

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

/** Refusals whose secret was never checked: a flood of them is logged at most once a second per key. */
const UNCHECKED: Partial<Record<AuthFailureReason, string>> = {
  throttled: 'login refused: address throttled',
  busy: 'login refused: too many secret checks waiting (server busy)',
};

/**
 * Refuses a login: counts it, logs it with the client address (docs/PROTOCOL.md, "Identity":
 * every refusal is logged), and ends its reservation on the per-address throttle: a wrong or
 * missing secret counts as a failure; "disabled" (the right secret), "busy" and "throttled"
 * (never checked) do not. A flood of unchecked refusals is logged at most once a second per
 * address (throttled) or in all (busy), with the number held back.
 */
export function createLoginRefusals(options: LoginRefusalsOptions): RefuseLogin {
  const { log, throttle } = options;
  const floodLog = createRateLimitedLog(log, 1000, options.clock);
  return (attempt, returnCode, reason, reserved) => {
    options.onFailure?.(reason);
    const key = addressKey(attempt.address);
    const fields = { address: attempt.address, clientId: attempt.clientId, ...loggableUser(attempt.username, reason), reason, returnCode };
    const unchecked = UNCHECKED[reason];
    if (unchecked !== undefined) {
      reserved?.release();
      const extra = reason === 'throttled' ? { blockedForMs: throttle.blockedFor(key) } : {};
      floodLog('warn', reason === 'busy' ? 'busy' : key, { ...fields, ...extra }, unchecked);
      return { ok: false, returnCode, reason };
    }
    log.warn(fields, 'login refused');
    if (reason === 'disabled') reserved?.release();
    else if (reserved ? reserved.fail() : throttle.recordFailure(key)) {
      log.warn(
        { event: 'security', address: attempt.address, blockMs: options.blockMs },
        'too many failed logins from one address; refusing it for a while',
      );
    }
    return { ok: false, returnCode, reason };
  };
}
