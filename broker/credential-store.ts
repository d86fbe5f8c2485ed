import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { QuantracError, StationIdSchema, systemClock, type Clock } from '../core/index.js';
import { DEFAULT_SCRYPT_COST, generateSecret, hashSecret, isSecretHash } from './secret-hash.js';

/** A gateway id, station id or subscriber account name (the MQTT username). */
export const AccountIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/, 'account id must be 3 to 64 letters, digits, _, . or -');

/**
 * One account. A gateway publishes for its `stations` (PROTOCOL.md, "Identity": a station's
 * own credentials, or a gateway serving several); a subscriber (operator, integration) may
 * only read `alerts/#`. Only the salted hash of the secret is kept.
 */
export const AccountSchema = z.object({
  id: AccountIdSchema,
  role: z.enum(['gateway', 'subscriber']),
  stations: z.array(StationIdSchema),
  disabled: z.boolean(),
  hash: z.string().refine(isSecretHash, 'not a scrypt hash'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).strict().refine((a) => (a.role === 'gateway') === (a.stations.length > 0), 'a gateway lists at least one station; a subscriber lists none');
export type Account = z.infer<typeof AccountSchema>;
export type AccountRole = Account['role'];

const CredentialsFileSchema = z.object({ version: z.literal(1), accounts: z.array(AccountSchema) }).strict();

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

  const fingerprint = async (): Promise<string> => {
    try {
      const s = await stat(file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw err;
    }
  };

  async function read(): Promise<Account[]> {
    lastSeen = await fingerprint();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new QuantracError('ERR_CREDENTIALS', `credentials file ${file} is not JSON`);
    }
    const parsed = CredentialsFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new QuantracError('ERR_CREDENTIALS', `credentials file ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const ids = new Set<string>();
    for (const a of parsed.data.accounts) {
      if (ids.has(a.id)) throw new QuantracError('ERR_CREDENTIALS', `credentials file ${file}: duplicate account "${a.id}"`);
      ids.add(a.id);
    }
    return parsed.data.accounts;
  }

  async function write(accounts: Account[]): Promise<void> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // Write then rename, so a reader never sees half a file; 0600: hashes are still secrets' kin.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  }

  async function update(id: string, change: (a: Account) => Promise<Account>): Promise<void> {
    const accounts = await read();
    const i = accounts.findIndex((a) => a.id === id);
    if (i < 0) throw new QuantracError('ERR_NO_ACCOUNT', `no account "${id}" (see \`quantrac gateway list\`)`);
    accounts[i] = await change(accounts[i]!);
    await write(accounts);
  }

  const now = (): string => new Date(clock.now()).toISOString();

  return {
    file,
    read,
    async readIfChanged() {
      return (await fingerprint()) === lastSeen ? undefined : read();
    },
    async add(account) {
      const accounts = await read();
      if (accounts.some((a) => a.id === account.id)) throw new QuantracError('ERR_ACCOUNT_EXISTS', `account "${account.id}" exists; use \`quantrac gateway rotate ${account.id}\` for a new secret`);
      const secret = generateSecret();
      const entry = { ...account, disabled: false, hash: await hashSecret(secret, cost), createdAt: now(), updatedAt: now() };
      const checked = AccountSchema.safeParse(entry);
      if (!checked.success) throw new QuantracError('ERR_USAGE', `account "${account.id}": ${checked.error.issues[0]!.message}`);
      accounts.push(checked.data);
      await write(accounts);
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
