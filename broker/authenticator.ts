import type { Logger } from '../core/index.js';
import {
  createFailureThrottle,
  generateSecret,
  hashSecret,
  systemClock,
  verifySecret,
  type Clock,
  type FailureThrottle,
} from '../platform/index.js';
import type { Identity } from './acl.js';
import { createAccountBook, type ProvisionRequest } from './account-book.js';
import { DEFAULT_SCRYPT_COST, type CredentialStore } from './credential-store.js';
import { createLoginRefusals, type AuthFailureReason, type LoginAttempt, type LoginRefusal } from './login-refusals.js';
import { createVerifiedSecrets } from './verified-secrets.js';

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
  readonly throttle: FailureThrottle;
}

export interface AuthenticatorOptions {
  store: CredentialStore;
  log: Logger;
  /** scrypt N for in-memory accounts and the dummy hash. */
  cost?: number;
  /** Failed logins per address per minute before it is refused for `blockMs`. */
  maxFailuresPerMinute: number;
  blockMs: number;
  /** Stations in the catalogue; accounts naming others are reported and those stations ignored. */
  stationExists(id: string): boolean;
  onFailure?(reason: AuthFailureReason): void;
  clock?: Clock;
}

/** The throttle counts an address's failures over a minute (MQTT_AUTH_MAX_FAILURES_PER_MIN). */
const FAILURE_WINDOW_MS = 60_000;

/**
 * Checks MQTT CONNECT credentials: salted scrypt, constant-time comparison, a dummy hash for
 * unknown users (same cost, so timing does not tell which user names exist), per-address
 * throttling of failures, and every refusal logged with the client address (docs/PROTOCOL.md,
 * "Identity").
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
  const refuse = createLoginRefusals({ log: options.log, throttle, blockMs: options.blockMs, clock, onFailure: options.onFailure });
  const book = await createAccountBook({ store: options.store, log: options.log, cost, stationExists: options.stationExists });
  const secrets = createVerifiedSecrets();
  const dummyHash = hashSecret(generateSecret(), cost);

  return {
    throttle,
    async authenticate(attempt) {
      if (throttle.blockedFor(attempt.address) > 0) return refuse(attempt, 5, 'throttled');
      const { username, password } = attempt;
      if (!username || !password || password.length === 0) return refuse(attempt, 4, 'missing_credentials');
      const entry = book.find(username);
      if (!entry) {
        await verifySecret(password, await dummyHash);
        return refuse(attempt, 4, 'unknown_user');
      }
      if (!(await secrets.check(entry.id, await entry.hash, password))) return refuse(attempt, 4, 'bad_password');
      // Disabled is told only to a caller who proved the secret, so it reveals nothing.
      if (entry.disabled) return refuse(attempt, 5, 'disabled');
      const identity: Identity =
        entry.role === 'gateway'
          ? { account: entry.id, role: 'gateway', stations: new Set(entry.stations) }
          : { account: entry.id, role: 'subscriber' };
      return { ok: true, identity };
    },
    provision: (request) => book.provision(request),
    async reload() {
      const changed = await book.reload();
      for (const id of changed) secrets.forget(id);
      return changed.filter((id) => !book.provisioned(id));
    },
  };
}
