import type { Logger } from '../core/index.js';
import { generateSecret, hashSecret } from '../platform/index.js';
import type { CredentialStore } from './credential-store.js';
import type { Account, AccountRole } from './credentials-file.js';

export interface ProvisionRequest {
  id: string;
  role?: AccountRole;
  /** Default for a gateway or relay: the station whose id is `id`. */
  stations?: string[];
}

/** An account as the authenticator checks it: its stations limited to the catalogue's. */
export interface AccountEntry {
  id: string;
  role: AccountRole;
  stations: string[];
  disabled: boolean;
  hash: string | Promise<string>;
}

/** The accounts logins are checked against: the credentials file's, and those provisioned in memory. */
export interface AccountBook {
  /** The account of a user name; an in-memory one takes precedence over a file one of the same id. */
  find(id: string): AccountEntry | undefined;
  /** Whether `id` is an in-memory account. */
  provisioned(id: string): boolean;
  provision(request: ProvisionRequest): { username: string; password: string };
  /** Re-reads the credentials file if it changed; returns the file accounts whose access changed. */
  reload(): Promise<string[]>;
}

export interface AccountBookOptions {
  store: CredentialStore;
  log: Logger;
  /** scrypt N for in-memory accounts, at most PROVISIONED_SCRYPT_COST. */
  cost: number;
  stationExists(id: string): boolean;
}

/**
 * A provisioned secret is 192 random bits and lives only in memory: no work factor could make
 * guessing it harder, so a cheap scrypt keeps the demo's many gateways from queueing their
 * logins behind each other.
 */
const PROVISIONED_SCRYPT_COST = 1024;

const sameAccess = (a: AccountEntry, b: AccountEntry): boolean =>
  a.disabled === b.disabled && a.role === b.role && a.hash === b.hash && a.stations.join() === b.stations.join();

/** Loads the credentials file once, then follows it on reload(); accounts naming stations not in the catalogue are reported. */
export async function createAccountBook(options: AccountBookOptions): Promise<AccountBook> {
  const { store, log } = options;
  const memory = new Map<string, AccountEntry & { secret: string }>();
  const toEntry = (a: Account): AccountEntry => {
    const unknown = a.stations.filter((s) => !options.stationExists(s));
    if (unknown.length > 0)
      log.warn({ account: a.id, stations: unknown }, 'credentials name stations not in the catalogue; ignoring those stations');
    return { id: a.id, role: a.role, stations: a.stations.filter((s) => options.stationExists(s)), disabled: a.disabled, hash: a.hash };
  };
  const index = (accounts: Account[]): Map<string, AccountEntry> => new Map(accounts.map((a) => [a.id, toEntry(a)]));
  let fromFile = index(await store.read());
  log.info({ accounts: fromFile.size, file: store.file }, 'gateway credentials loaded');

  return {
    find: (id) => memory.get(id) ?? fromFile.get(id),
    provisioned: (id) => memory.has(id),
    provision(request) {
      const existing = memory.get(request.id);
      if (existing) return { username: existing.id, password: existing.secret };
      const role = request.role ?? 'gateway';
      const requested = role === 'subscriber' ? [] : (request.stations ?? [request.id]);
      const stations = requested.filter((s) => options.stationExists(s));
      if (stations.length < requested.length) {
        const ignored = requested.filter((s) => !stations.includes(s));
        log.warn(
          { account: request.id, stations: ignored },
          'provisioned account names stations not in the catalogue; ignoring those stations',
        );
      }
      const secret = generateSecret();
      const hash = hashSecret(secret, Math.min(options.cost, PROVISIONED_SCRYPT_COST));
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
      const changed = [...fromFile].filter(([id, old]) => !next.has(id) || !sameAccess(next.get(id)!, old)).map(([id]) => id);
      fromFile = next;
      log.info({ accounts: next.size, changed: changed.length }, 'gateway credentials reloaded');
      return changed;
    },
  };
}
