import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../core/index.js';
import type { Identity } from './acl.js';
import type { Account, AccountRole, CredentialStore } from './credential-store.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';
import { DEFAULT_SCRYPT_COST, generateSecret, hashSecret, verifySecret } from './secret-hash.js';

export type AuthFailureReason = 'missing_credentials' | 'unknown_user' | 'bad_password' | 'disabled' | 'throttled';

export type AuthOutcome =
  | { ok: true; identity: Identity }
  /** CONNACK 4 "bad user name or password" or 5 "not authorized" (PROTOCOL.md, "Identity"). */
  | { ok: false; returnCode: 4 | 5; reason: AuthFailureReason };

export interface LoginAttempt {
  address: string;
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
}

export interface ProvisionRequest {
  id: string;
  role?: AccountRole;
  /** Default for a gateway: the station whose id is `id`. */
  stations?: string[];
}

export interface Authenticator {
  authenticate(attempt: LoginAttempt): Promise<AuthOutcome>;
  /**
   * An account kept in memory only (never written to the credentials file), for demo mode and
   * tests; it takes precedence over a file account of the same id. Idempotent per id.
   */
  provision(request: ProvisionRequest): { username: string; password: string };
  /** Re-reads the credentials file if it changed; returns the ids whose access changed. */
  reload(): Promise<string[]>;
  readonly throttle: LoginThrottle;
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
}

const PROVISIONED_SCRYPT_COST = 1024;

interface Entry {
  id: string;
  role: AccountRole;
  stations: string[];
  disabled: boolean;
  hash: string | Promise<string>;
}

/**
 * The user name to log with a refusal. An unknown one may be a secret typed into the wrong
 * field, so it is logged only when it looks like a station id (secrets are mixed-case),
 * otherwise as a short fingerprint an operator can compare.
 */
function loggableUser(username: string | undefined, reason: AuthFailureReason): Record<string, string> {
  if (username === undefined || reason !== 'unknown_user' || /^[A-Z0-9][A-Z0-9_-]{2,63}$/.test(username)) return username === undefined ? {} : { username };
  return { usernameSha256: createHash('sha256').update(username).digest('hex').slice(0, 12) };
}

/**
 * Checks MQTT CONNECT credentials: salted scrypt, constant-time comparison, a dummy hash for
 * unknown users (same cost, so timing does not tell which user names exist), per-address
 * throttling of failures, and every refusal logged with the client address (PROTOCOL.md).
 */
export async function createAuthenticator(options: AuthenticatorOptions): Promise<Authenticator> {
  const { store, log } = options;
  const cost = options.cost ?? DEFAULT_SCRYPT_COST;
  const throttle = createLoginThrottle({ maxFailures: options.maxFailuresPerMinute, blockMs: options.blockMs });
  const memory = new Map<string, Entry & { secret: string }>();
  let fromFile = new Map<string, Entry>();
  const dummyHash = hashSecret(generateSecret(), cost);
  // A reconnecting gateway should not pay scrypt every time: after one full check, an HMAC of
  // the secret under a per-process key stands in (the secret is 192 random bits, so this keeps
  // its strength); it is dropped when the account's hash changes.
  const macKey = randomBytes(32);
  const verified = new Map<string, { hash: string; mac: Buffer }>();
  const mac = (secret: Buffer): Buffer => createHmac('sha256', macKey).update(secret).digest();
  const lastThrottleLog = new Map<string, number>();

  const toEntry = (a: Account): Entry => {
    const unknown = a.stations.filter((s) => !options.stationExists(s));
    if (unknown.length > 0) log.warn({ account: a.id, stations: unknown }, 'credentials name stations not in the catalogue; ignoring those stations');
    return { id: a.id, role: a.role, stations: a.stations.filter((s) => options.stationExists(s)), disabled: a.disabled, hash: a.hash };
  };
  const index = (accounts: Account[]): Map<string, Entry> => new Map(accounts.map((a) => [a.id, toEntry(a)]));
  fromFile = index(await store.read());
  log.info({ accounts: fromFile.size, file: store.file }, 'gateway credentials loaded');

  function refuse(attempt: LoginAttempt, returnCode: 4 | 5, reason: AuthFailureReason): AuthOutcome {
    options.onFailure?.(reason);
    const fields = { address: attempt.address, clientId: attempt.clientId, ...loggableUser(attempt.username, reason), reason, returnCode };
    if (reason === 'throttled') {
      // A flood from a blocked address is logged at most once a second, with a count.
      const last = lastThrottleLog.get(attempt.address) ?? 0;
      if (Date.now() - last >= 1000) {
        lastThrottleLog.set(attempt.address, Date.now());
        log.warn({ ...fields, blockedForMs: throttle.blockedFor(attempt.address) }, 'login refused: address throttled');
      }
      if (lastThrottleLog.size > 10_000) lastThrottleLog.clear();
      return { ok: false, returnCode, reason };
    }
    log.warn(fields, 'login refused');
    if (reason !== 'disabled' && throttle.recordFailure(attempt.address)) {
      log.warn({ event: 'security', address: attempt.address, blockMs: options.blockMs }, 'too many failed logins from one address; refusing it for a while');
    }
    return { ok: false, returnCode, reason };
  }

  async function check(entry: Entry, password: Buffer): Promise<boolean> {
    const hash = await entry.hash;
    const cached = verified.get(entry.id);
    if (cached && cached.hash === hash && timingSafeEqual(cached.mac, mac(password))) return true;
    const ok = await verifySecret(password, hash);
    if (ok) verified.set(entry.id, { hash, mac: mac(password) });
    return ok;
  }

  return {
    throttle,
    async authenticate(attempt) {
      if (throttle.blockedFor(attempt.address) > 0) return refuse(attempt, 5, 'throttled');
      const { username, password } = attempt;
      if (!username || !password || password.length === 0) return refuse(attempt, 4, 'missing_credentials');
      const entry = memory.get(username) ?? fromFile.get(username);
      if (!entry) {
        await verifySecret(password, await dummyHash);
        return refuse(attempt, 4, 'unknown_user');
      }
      if (!(await check(entry, password))) return refuse(attempt, 4, 'bad_password');
      // Disabled is told only to a caller who proved the secret, so it reveals nothing.
      if (entry.disabled) return refuse(attempt, 5, 'disabled');
      const identity: Identity = entry.role === 'gateway'
        ? { account: entry.id, role: 'gateway', stations: new Set(entry.stations) }
        : { account: entry.id, role: 'subscriber' };
      return { ok: true, identity };
    },
    provision(request) {
      const existing = memory.get(request.id);
      if (existing) return { username: existing.id, password: existing.secret };
      const role = request.role ?? 'gateway';
      const requested = role === 'gateway' ? (request.stations ?? [request.id]) : [];
      const stations = requested.filter((s) => options.stationExists(s));
      if (stations.length < requested.length) log.warn({ account: request.id, stations: requested.filter((s) => !stations.includes(s)) }, 'provisioned account names stations not in the catalogue; ignoring those stations');
      const secret = generateSecret();
      // A provisioned secret is 192 random bits and lives only in memory: no work factor
      // could make guessing it harder, so a cheap scrypt keeps the demo's many gateways
      // from queueing their logins behind each other.
      const hash = hashSecret(secret, Math.min(cost, PROVISIONED_SCRYPT_COST));
      hash.catch(() => undefined);
      memory.set(request.id, { id: request.id, role, stations, disabled: false, hash, secret });
      return { username: request.id, password: secret };
    },
    async reload() {
      let accounts: Account[] | undefined;
      try {
        accounts = await store.readIfChanged();
      } catch (err) {
        log.error({ err }, 'credentials file unreadable; keeping the accounts loaded before');
        return [];
      }
      if (!accounts) return [];
      const next = index(accounts);
      const changed: string[] = [];
      for (const [id, old] of fromFile) {
        const now = next.get(id);
        if (!now || now.disabled !== old.disabled || now.hash !== old.hash || now.stations.join() !== old.stations.join()) changed.push(id);
      }
      for (const id of changed) verified.delete(id);
      fromFile = next;
      log.info({ accounts: next.size, changed: changed.length }, 'gateway credentials reloaded');
      return changed.filter((id) => !memory.has(id));
    },
  };
}
