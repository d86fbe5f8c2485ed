import { join, resolve } from 'node:path';
import { QuantracError } from '../core/index.js';
import { generateSecret, hashSecret, systemClock, type Clock } from '../platform/index.js';
import { AccountSchema, fileFingerprint, readAccounts, writeAccounts, type Account, type AccountRole } from './credentials-file.js';

export { AccountIdSchema, AccountSchema, type Account, type AccountRole } from './credentials-file.js';

/** scrypt N for new gateway secret hashes unless configured (MQTT_AUTH_SCRYPT_COST's default). */
export const DEFAULT_SCRYPT_COST = 16_384;

export interface NewAccount {
  id: string;
  role: AccountRole;
  stations: string[];
}

export interface CredentialStore {
  readonly file: string;
  /** Every account; an absent file holds none. Throws ERR_CREDENTIALS naming the bad entry. */
  read(): Promise<Account[]>;
  /** The accounts when the file changed since the last read or readIfChanged, else undefined. */
  readIfChanged(): Promise<Account[] | undefined>;
  /** Adds an account and returns its new secret: the only time the secret exists in clear. */
  add(account: NewAccount): Promise<string>;
  /** Replaces an account's secret; the old one stops working. Returns the new secret. */
  rotate(id: string): Promise<string>;
  setDisabled(id: string, disabled: boolean): Promise<void>;
}

export interface CredentialStoreOptions {
  /** e.g. DATA_DIR/credentials.json; written with mode 0600, never under seeds/. */
  file: string;
  /** scrypt N for new hashes. */
  cost?: number;
  clock?: Clock;
}

/** The credentials file: only the CLI writes it (atomically); the broker reads it and follows changes. */
export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const { file } = options;
  const cost = options.cost ?? DEFAULT_SCRYPT_COST;
  const clock = options.clock ?? systemClock;
  let lastSeen = '';

  async function read(): Promise<Account[]> {
    lastSeen = await fileFingerprint(file);
    return readAccounts(file);
  }

  async function update(id: string, change: (a: Account) => Promise<Account>): Promise<void> {
    const accounts = await read();
    const i = accounts.findIndex((a) => a.id === id);
    if (i < 0) throw new QuantracError('ERR_NO_ACCOUNT', `no account "${id}" (see \`quantrac gateway list\`)`);
    accounts[i] = await change(accounts[i]!);
    await writeAccounts(file, accounts);
  }

  const now = (): string => new Date(clock.now()).toISOString();

  return {
    file,
    read,
    async readIfChanged() {
      return (await fileFingerprint(file)) === lastSeen ? undefined : read();
    },
    async add(account) {
      const accounts = await read();
      if (accounts.some((a) => a.id === account.id)) {
        throw new QuantracError(
          'ERR_ACCOUNT_EXISTS',
          `account "${account.id}" exists; use \`quantrac gateway rotate ${account.id}\` for a new secret`,
        );
      }
      const secret = generateSecret();
      const entry = { ...account, disabled: false, hash: await hashSecret(secret, cost), createdAt: now(), updatedAt: now() };
      const checked = AccountSchema.safeParse(entry);
      if (!checked.success) throw new QuantracError('ERR_USAGE', `account "${account.id}": ${checked.error.issues[0]!.message}`);
      accounts.push(checked.data);
      await writeAccounts(file, accounts);
      return secret;
    },
    async rotate(id) {
      const secret = generateSecret();
      await update(id, async (a) => ({ ...a, hash: await hashSecret(secret, cost), updatedAt: now() }));
      return secret;
    },
    async setDisabled(id, disabled) {
      await update(id, async (a) => ({ ...a, disabled, updatedAt: now() }));
    },
  };
}

/** Where the centre keeps gateway credentials: DATA_DIR/credentials.json. */
export const credentialsFileIn = (dataDir: string): string => join(resolve(dataDir), 'credentials.json');
