import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { QuantracError, StationIdSchema } from '../core/index.js';
import { isSecretHash } from '../platform/index.js';

/** A gateway id, station id or subscriber account name (the MQTT username). */
export const AccountIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/, 'account id must be 3 to 64 letters, digits, _, . or -');

/**
 * One account. A gateway publishes for its `stations` (docs/PROTOCOL.md, "Identity": a
 * station's own credentials, or a gateway serving several); a relay is a province centre's
 * gateway account that may also forward its stations' alert events and its own link state
 * (docs/PROTOCOL.md, "Between centres"); a subscriber (operator, integration) may only read
 * `alerts/#`. Only the salted hash of the secret is kept.
 */
export const AccountSchema = z
  .object({
    id: AccountIdSchema,
    role: z.enum(['gateway', 'subscriber', 'relay']),
    stations: z.array(StationIdSchema),
    disabled: z.boolean(),
    hash: z.string().refine(isSecretHash, 'not a scrypt hash'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict()
  .refine(
    (a) => (a.role !== 'subscriber') === a.stations.length > 0,
    'a gateway or relay lists at least one station; a subscriber lists none',
  );
export type Account = z.infer<typeof AccountSchema>;
export type AccountRole = Account['role'];

const CredentialsFileSchema = z.object({ version: z.literal(1), accounts: z.array(AccountSchema) }).strict();

const isAbsent = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** What tells a changed file: inode, size and modification time ('absent' when there is none). */
export async function fileFingerprint(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (err) {
    if (isAbsent(err)) return 'absent';
    throw err;
  }
}

/** Every account of the file; an absent file holds none. Throws ERR_CREDENTIALS naming the bad entry. */
export async function readAccounts(file: string): Promise<Account[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isAbsent(err)) return [];
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

/** Replaces the file's accounts: write then rename, so a reader never sees half a file; 0600, as hashes are still secrets' kin. */
export async function writeAccounts(file: string, accounts: Account[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
