import type { Logger } from '../core/index.js';
import {
  addressKey,
  createFailureThrottle,
  createTaskLimiter,
  generateSecret,
  hashSecret,
  systemClock,
  verifySecret,
  type Clock,
  type FailureThrottle,
  type TaskLimiterStats,
  type ThrottledAttempt,
} from '../platform/index.js';
import type { Identity } from './acl.js';
import { createAccountBook, type AccountBook, type ProvisionRequest } from './account-book.js';
import { DEFAULT_SCRYPT_COST, type CredentialStore } from './credential-store.js';
import { createLoginRefusals, type AuthFailureReason, type LoginAttempt, type LoginRefusal, type RefuseLogin } from './login-refusals.js';
import { createVerifiedSecrets, type VerifiedSecrets } from './verified-secrets.js';

export type { AuthFailureReason, LoginAttempt } from './login-refusals.js';
export type { ProvisionRequest } from './account-book.js';

export type AuthOutcome = { ok: true; identity: Identity } | LoginRefusal;

export interface Authenticator {
  authenticate(attempt: LoginAttempt): Promise<AuthOutcome>;
  /**
   * An account kept in memory only (never written to the credentials file), for demo mode and
   * tests; it takes precedence over a file account of the same id. Idempotent per id.
   */
  provision(request: ProvisionRequest): { username: string; password: string };
  /** Re-reads the credentials file if it changed; returns the ids whose access changed. */
  reload(): Promise<string[]>;
  /** The stations an enabled gateway or relay account serves (catalogue ones only); undefined for any other. */
  stationsOf(id: string): readonly string[] | undefined;
  readonly throttle: FailureThrottle;
  /** The full secret checks (scrypt): running, waiting, started, refused as busy. */
  checks(): TaskLimiterStats;
}

export interface AuthenticatorOptions {
  store: CredentialStore;
  log: Logger;
  /** scrypt N for in-memory accounts and the dummy hash. */
  cost?: number;
  /** Failed logins per address per minute before it is refused for `blockMs`. */
  maxFailuresPerMinute: number;
  blockMs: number;
  /** Full secret checks running at once (MQTT_AUTH_MAX_CONCURRENT_CHECKS, default 1)... */
  maxConcurrentChecks?: number;
  /** ...and waiting; beyond it a login is refused at once with CONNACK 3 (MQTT_AUTH_MAX_QUEUED_CHECKS, default 100). */
  maxQueuedChecks?: number;
  /** Stations in the catalogue; accounts naming others are reported and those stations ignored. */
  stationExists(id: string): boolean;
  onFailure?(reason: AuthFailureReason): void;
  /** The full check of a secret against a hash (default platform verifySecret; tests count calls). */
  verifySecret?(secret: Buffer, hash: string): Promise<boolean>;
  clock?: Clock;
}

/** The throttle counts an address's failures over a minute (MQTT_AUTH_MAX_FAILURES_PER_MIN). */
const FAILURE_WINDOW_MS = 60_000;

interface Checker {
  book: AccountBook;
  secrets: VerifiedSecrets;
  /** A dummy check, as costly as a real one, for an unknown user: undefined when busy. */
  dummy(password: Buffer): Promise<unknown> | undefined;
  refuse: RefuseLogin;
}

/** The login of one reserved attempt: its identity, or its refusal (which ends the reservation). */
async function check(c: Checker, attempt: LoginAttempt, reserved: ThrottledAttempt): Promise<AuthOutcome> {
  const { username, password } = attempt;
  if (!username || !password || password.length === 0) return c.refuse(attempt, 4, 'missing_credentials', reserved);
  const entry = c.book.find(username);
  if (!entry) {
    const dummy = c.dummy(password);
    if (!dummy) return c.refuse(attempt, 3, 'busy', reserved);
    await dummy;
    return c.refuse(attempt, 4, 'unknown_user', reserved);
  }
  const verdict = await c.secrets.check(entry.id, await entry.hash, password);
  if (verdict === 'busy') return c.refuse(attempt, 3, 'busy', reserved);
  if (!verdict) return c.refuse(attempt, 4, 'bad_password', reserved);
  // Disabled is told only to a caller who proved the secret, so it reveals nothing.
  if (entry.disabled) return c.refuse(attempt, 5, 'disabled', reserved);
  reserved.release();
  const identity: Identity =
    entry.role === 'subscriber'
      ? { account: entry.id, role: 'subscriber' }
      : { account: entry.id, role: entry.role, stations: new Set(entry.stations) };
  return { ok: true, identity };
}

/**
 * Checks MQTT CONNECT credentials: salted scrypt, constant-time comparison, a dummy hash for
 * unknown users (same cost, so timing does not tell which user names exist), per-address
 * throttling of failures with each attempt reserved before its check, a bound on the checks
 * running and waiting, and every refusal logged with the client address (docs/PROTOCOL.md,
 * "Identity"; docs/SECURITY.md, "Login throttling").
 */
export async function createAuthenticator(options: AuthenticatorOptions): Promise<Authenticator> {
  const cost = options.cost ?? DEFAULT_SCRYPT_COST;
  const clock = options.clock ?? systemClock;
  const throttle = createFailureThrottle({
    maxFailures: options.maxFailuresPerMinute,
    windowMs: FAILURE_WINDOW_MS,
    blockMs: options.blockMs,
    clock,
  });
  const limiter = createTaskLimiter({ maxActive: options.maxConcurrentChecks ?? 1, maxQueued: options.maxQueuedChecks ?? 100 });
  const verify = options.verifySecret ?? verifySecret;
  const fullCheck = (secret: Buffer, hash: string): Promise<boolean> | undefined => limiter.tryRun(() => verify(secret, hash));
  const refuse = createLoginRefusals({ log: options.log, throttle, blockMs: options.blockMs, clock, onFailure: options.onFailure });
  const [book, dummyHash] = await Promise.all([
    createAccountBook({ store: options.store, log: options.log, cost, stationExists: options.stationExists }),
    hashSecret(generateSecret(), cost),
  ]);
  const secrets = createVerifiedSecrets(fullCheck);
  const checker: Checker = { book, secrets, refuse, dummy: (password) => fullCheck(password, dummyHash) };

  return {
    throttle,
    checks: () => limiter.stats(),
    async authenticate(attempt) {
      const key = addressKey(attempt.address);
      // Waits while as many of the address's logins as it may still fail are being checked.
      const reserved = await throttle.acquire(key);
      // Blocked: 5. Not blocked, but too many of its logins already waiting: 3, try again.
      if (!reserved) return throttle.blockedFor(key) > 0 ? refuse(attempt, 5, 'throttled') : refuse(attempt, 3, 'throttled');
      try {
        return await check(checker, attempt, reserved);
      } finally {
        reserved.release(); // after an unexpected error; a no-op once the attempt ended
      }
    },
    provision: (request) => book.provision(request),
    stationsOf(id) {
      const entry = book.find(id);
      return entry && !entry.disabled && entry.role !== 'subscriber' ? entry.stations : undefined;
    },
    async reload() {
      const changed = await book.reload();
      for (const id of changed) secrets.forget(id);
      return changed.filter((id) => !book.provisioned(id));
    },
  };
}
