import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { QuantracError, ScopeTextSchema, type Catalogue, type Logger } from '../../core/index.js';
import { systemClock, type Clock } from '../../platform/index.js';
import { checkUserScope } from './user-scope.js';
import { UserNameSchema } from './users-file.js';

/**
 * A display's sessions belong to `display:<name>`: a user name never has a colon
 * (UserNameSchema), so no account can be mistaken for a display or the other way round.
 */
export const DISPLAY_PREFIX = 'display:';

/** Where the display tokens live: beside users.json, in ACCOUNTS_DIR (shared by cluster nodes). */
export const displaysFileIn = (accountsDir: string): string => join(accountsDir, 'displays.json');

const StoredDisplaySchema = z.object({
  name: UserNameSchema,
  scope: z.array(ScopeTextSchema).min(1),
  /** sha256 of the token, base64url: the token itself is printed once and never stored. */
  hash: z.string().regex(/^[\w-]{43}$/),
  createdAt: z.string(),
});
const DisplaysFileSchema = z.object({ version: z.literal(1), displays: z.array(StoredDisplaySchema) });
type StoredDisplay = z.infer<typeof StoredDisplaySchema>;

/** A display as the rest of the dashboard sees it: never the hash. */
export interface Display {
  name: string;
  scope: string[];
  createdAt: string;
}

export interface DisplayStore {
  readonly file: string;
  /** A new display with its token (shown once); ERR_DISPLAY_EXISTS, ERR_BAD_USER_NAME, ERR_BAD_SCOPE, ERR_UNKNOWN_SCOPE. */
  add(name: string, scope: readonly string[], catalogue?: Catalogue): { display: Display; token: string };
  /** Removes a display: its token stops working at once and its sessions end (ERR_NO_DISPLAY when there is none). */
  remove(name: string): Display;
  /** Every display, by name; throws ERR_DISPLAYS_FILE while the file is invalid. */
  list(): Display[];
  /** One display by name; tolerant of an invalid file (the last good copy answers). */
  get(name: string): Display | undefined;
  /** The display a token opens, or undefined; tolerant of an invalid file. */
  byToken(token: string): Display | undefined;
}

export interface DisplayStoreOptions {
  clock?: Clock;
  /** get() and byToken() re-check the file's mtime at most this often (default 1 s). */
  recheckMs?: number;
  log?: Logger;
}

/**
 * A display token is 32 random bytes: a bearer secret with full entropy, so one sha256 is
 * enough to keep the file useless to a reader (no dictionary to try, unlike a password).
 */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

const publicDisplay = (d: StoredDisplay): Display => ({ name: d.name, scope: [...d.scope], createdAt: d.createdAt });

/** The file's version (mtime and size, or a stat error), or undefined when it does not exist. */
function versionOf(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    return code === 'ENOENT' ? undefined : `stat:${code}`;
  }
}

const shown = (d: StoredDisplay | undefined): Display | undefined => (d ? publicDisplay(d) : undefined);

function load(file: string): StoredDisplay[] | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `cannot read (${code})` : 'not valid JSON';
  }
  const parsed = DisplaysFileSchema.safeParse(raw);
  // Never the parser's own message: it would quote the file (hashes) back.
  if (!parsed.success) return `${parsed.error.issues[0]?.path.join('.') || 'file'}: invalid`;
  return parsed.data.displays;
}

/** Replaces the file atomically (write then rename), mode 0600, like users.json. */
function save(file: string, displays: StoredDisplay[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, displays }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * Display tokens in `ACCOUNTS_DIR/displays.json` (mode 0600): names, scopes and token hashes.
 * The CLI writes it, the running centre (every node of a cluster) reads it again when its
 * mtime changed, so a display removed from the CLI is refused within a second. An invalid
 * file never throws out of get() or byToken(): the last good copy stays in use, writes are
 * refused until it is fixed.
 */
export function createDisplayStore(file: string, options: DisplayStoreOptions = {}): DisplayStore {
  const clock = options.clock ?? systemClock;
  const recheckMs = options.recheckMs ?? 1000;
  let byName = new Map<string, StoredDisplay>();
  let byHash = new Map<string, StoredDisplay>();
  let version = '';
  let problem: string | undefined;
  let checkedAt = -Infinity;

  const keep = (displays: StoredDisplay[]): void => {
    byName = new Map(displays.map((d) => [d.name, d]));
    byHash = new Map(displays.map((d) => [d.hash, d]));
  };
  const read = (force = false): void => {
    const t = clock.now();
    if (!force && t - checkedAt < recheckMs) return;
    checkedAt = t;
    const seen = versionOf(file);
    if (seen === undefined) {
      [version, problem] = ['', undefined];
      return keep([]);
    }
    // Parsed only when the file changed, forced or not.
    if (seen === version) return;
    const loaded = seen.startsWith('stat:') ? `cannot read (${seen.slice(5)})` : load(file);
    if (typeof loaded === 'string') {
      if (seen !== version || problem === undefined)
        options.log?.error({ file, problem: loaded }, 'displays file invalid: the last good copy stays in use');
      [version, problem] = [seen, `${file}: ${loaded}`];
      return;
    }
    [version, problem] = [seen, undefined];
    keep(loaded);
  };
  const strict = (): Map<string, StoredDisplay> => {
    read(true);
    if (problem !== undefined) throw new QuantracError('ERR_DISPLAYS_FILE', `${problem}; fix or restore it (nothing was changed)`);
    return byName;
  };
  const write = (next: Map<string, StoredDisplay>): void => {
    save(file, [...next.values()]);
    read(true);
  };

  return {
    file,
    add(name, scope, catalogue) {
      const parsed = UserNameSchema.safeParse(name.trim().toLowerCase());
      if (!parsed.success)
        throw new QuantracError('ERR_BAD_USER_NAME', parsed.error.issues[0]?.message.replace('user name', 'display name') ?? 'bad name');
      // A display only looks: the viewer's scope rules (a facility scope included).
      const checked = checkUserScope('viewer', scope, catalogue);
      const current = strict();
      if (current.has(parsed.data)) throw new QuantracError('ERR_DISPLAY_EXISTS', `display "${parsed.data}" exists`);
      const token = randomBytes(32).toString('base64url');
      const stored = { name: parsed.data, scope: checked, hash: tokenHash(token), createdAt: new Date(clock.now()).toISOString() };
      write(new Map(current).set(stored.name, stored));
      return { display: publicDisplay(stored), token };
    },
    remove(name) {
      const key = name.trim().toLowerCase();
      const current = strict();
      const found = current.get(key);
      if (!found) throw new QuantracError('ERR_NO_DISPLAY', `no display "${name}"`);
      const next = new Map(current);
      next.delete(key);
      write(next);
      return publicDisplay(found);
    },
    list: () => [...strict().values()].map(publicDisplay).sort((a, b) => a.name.localeCompare(b.name)),
    get: (name) => (read(), shown(byName.get(name))),
    byToken(token) {
      if (token.length < 32 || token.length > 128) return undefined;
      read();
      const hash = tokenHash(token);
      // A display added a moment ago by the CLI: look at the file now (a stat; parsed only when it changed).
      if (!byHash.has(hash)) read(true);
      return shown(byHash.get(hash));
    },
  };
}
