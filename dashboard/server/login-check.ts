import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../core/index.js';
import { createRateLimitedLog, createTaskLimiter, systemClock, type Clock } from '../../platform/index.js';
import { loggableUser } from './auth-log-user.js';
import type { LoginThrottle } from './login-throttle.js';
import { userNameKey, type User, type UserStore } from './user-store.js';

/** Why a login was refused, as counted on /metrics. */
export type LoginRefusalReason = 'bad_credentials' | 'throttled' | 'busy';

/** A login's verdict: the user, or the HTTP refusal to send. */
export type LoginVerdict =
  { ok: true; user: User } | { ok: false; status: 401 | 429 | 503; code: string; message: string; headers?: Record<string, string> };

export interface LoginCheckOptions {
  users: UserStore;
  throttle: LoginThrottle;
  /** Password checks (scrypt) running at once and waiting (default 1 and 20); beyond, a login is refused as busy. */
  checks?: { maxConcurrent?: number; maxQueued?: number };
  /** Where the refused-login counter goes (the `/metrics` registry); none: not counted. */
  registry?: Registry;
  clock?: Clock;
  log: Logger;
}

/** Counts refused logins on the registry, by reason. */
function refusalCounter(registry: Registry | undefined): (reason: LoginRefusalReason) => void {
  if (!registry) return () => undefined;
  const counter = new Counter({
    name: 'quantrac_dashboard_login_refusals_total',
    help: 'Dashboard logins refused, by reason: bad_credentials, throttled (address, name at an address, name back-off), busy (too many password checks waiting)',
    labelNames: ['reason'],
    registers: [registry],
  });
  return (reason) => counter.inc({ reason });
}

/**
 * Checks a login's password (docs/SECURITY.md, "Login throttling"): the attempt is reserved on
 * the throttle BEFORE the slow check, so a burst in parallel gets no more checks than a
 * sequence; the checks run at most `checks.maxConcurrent` at once, since scrypt shares libuv's
 * thread pool with the durable spool's fsync; beyond the queue the login is refused at once.
 * Refusals are counted and logged (floods at most once a second per address, or in all when busy).
 */
export function createLoginCheck(
  options: LoginCheckOptions,
): (address: string, username: string, password: string) => Promise<LoginVerdict> {
  const { users, throttle, log } = options;
  const floodLog = createRateLimitedLog(log, 1000, options.clock ?? systemClock);
  const checks = createTaskLimiter({ maxActive: options.checks?.maxConcurrent ?? 1, maxQueued: options.checks?.maxQueued ?? 20 });
  const refused = refusalCounter(options.registry);
  /** Who a failed or throttled login was for, safe to log (auth-log-user.ts). */
  const loggable = (username: string): Record<string, string | number | boolean> =>
    loggableUser(username, users.get(userNameKey(username)) !== undefined);

  return async (address, username, password) => {
    const attempt = await throttle.begin(address, username);
    if ('retryAfterMs' in attempt) {
      refused('throttled');
      floodLog('warn', `throttled ${address}`, { address, ...loggable(username) }, 'login throttled');
      const headers = { 'retry-after': String(Math.ceil(attempt.retryAfterMs / 1000)) };
      return { ok: false, status: 429, code: 'ERR_THROTTLED', message: 'too many failed logins: try again later', headers };
    }
    const checking = checks.tryRun(() => users.verify(username, password));
    if (!checking) {
      attempt.cancelled();
      refused('busy');
      floodLog('warn', 'busy', { address, ...loggable(username) }, 'login refused: too many password checks waiting (server busy)');
      return {
        ok: false,
        status: 503,
        code: 'ERR_BUSY',
        message: 'the server is busy: try again in a moment',
        headers: { 'retry-after': '1' },
      };
    }
    const user = await checking.catch((err: unknown) => {
      attempt.cancelled();
      throw err;
    });
    if (!user) {
      attempt.failed();
      refused('bad_credentials');
      log.warn({ address, ...loggable(username) }, 'login failed');
      return { ok: false, status: 401, code: 'ERR_BAD_CREDENTIALS', message: 'wrong user name or password' };
    }
    attempt.succeeded();
    return { ok: true, user };
  };
}
