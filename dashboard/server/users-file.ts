import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { QuantracError, ScopeTextSchema, type Logger } from '../../core/index.js';
import { systemClock, type Clock } from '../../platform/index.js';

/** viewer: an inspector (reads everything); operator: on-call (acknowledges, silences); admin: also manages users. */
export const RoleSchema = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const UserNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'user name: 2-32 of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

/**
 * The one normal form of a typed user name (trimmed, lower case): login, the throttle's
 * per-user key and the store all use it, so " Admin\t" is the same account, and the same
 * lock, as "admin".
 */
export const userNameKey = (name: string): string => name.trim().toLowerCase();

export const StoredUserSchema = z.object({
  name: UserNameSchema,
  role: RoleSchema,
  hash: z.string(),
  disabled: z.boolean().default(false),
  /** Where the user may look (docs/SECURITY.md, "Access by level"); files from before scopes mean the whole country. */
  scope: z.array(ScopeTextSchema).min(1).default(['country']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const UsersFileSchema = z.object({ version: z.literal(1), users: z.array(StoredUserSchema) });
export type StoredUser = z.infer<typeof StoredUserSchema>;

export interface UsersFileOptions {
  clock?: Clock;
  /** get() and verify() re-check the file's mtime at most this often. */
  recheckMs?: number;
  /** Where an invalid file is reported (once per change of the file). */
  log?: Logger;
}

export interface UsersFile {
  /** The last good copy, re-read when the file changed (at most every `recheckMs` unless forced). */
  read(force?: boolean): Map<string, StoredUser>;
  /** Forced re-read that throws ERR_USERS_FILE when the file is invalid: before a write or a full listing. */
  readStrict(): Map<string, StoredUser>;
  /** Replaces the file atomically (write then rename), mode 0600. */
  write(users: Map<string, StoredUser>): void;
  /** Why the file is not in use, or undefined when it is fine. */
  problem(): string | undefined;
}

/** The file's accounts, or why it is not usable: never the parser's own message, which quotes the file (hashes) back. */
function loadUsers(file: string): { users: StoredUser[] } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code ? `cannot read (${code})` : 'not valid JSON' };
  }
  const parsed = UsersFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}` };
  }
  return { users: parsed.data.users };
}

/** Replaces the file atomically (write then rename), mode 0600; returns the new version (mtime and size). */
function replaceUsers(file: string, users: StoredUser[]): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, users }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  const stat = statSync(file);
  return `${stat.mtimeMs}:${stat.size}`;
}

/**
 * `users.json` as the user store reads it. An invalid file (a bad hand edit) never throws out
 * of read(): it runs in the WebSocket upgrade and the session sweep, where a throw would stop
 * the whole centre (broker and ingest with it). The last good copy stays in use (none at
 * start: every login is refused), the problem is logged once per change of the file, and
 * writes are refused until it is fixed (writing would drop the users in the unreadable file).
 */
export function createUsersFile(file: string, options: UsersFileOptions = {}): UsersFile {
  const clock = options.clock ?? systemClock;
  const recheckMs = options.recheckMs ?? 1000;
  const log = options.log;
  let users = new Map<string, StoredUser>();
  /** Which version of the file (mtime and size, or a stat error) was last read, good or bad. */
  let version = '';
  let problem: string | undefined;
  let checkedAt = -Infinity;

  const broken = (seen: string, why: string): void => {
    const changed = seen !== version || problem === undefined;
    version = seen;
    problem = `${file}: ${why}`;
    if (!changed) return;
    log?.error(
      { file, problem: why, usersKept: users.size },
      users.size > 0
        ? 'users file invalid: the users last read from it stay in use until it is fixed'
        : 'users file invalid: no dashboard user can log in until it is fixed',
    );
  };

  const read = (force = false): Map<string, StoredUser> => {
    const t = clock.now();
    if (!force && t - checkedAt < recheckMs) return users;
    checkedAt = t;
    let stat;
    try {
      stat = statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      if (code !== 'ENOENT') {
        broken(`stat:${code}`, `cannot read (${code})`);
        return users;
      }
      users = new Map();
      version = '';
      problem = undefined;
      return users;
    }
    const seen = `${stat.mtimeMs}:${stat.size}`;
    if (!force && seen === version) return users;
    const loaded = loadUsers(file);
    if ('problem' in loaded) {
      broken(seen, loaded.problem);
      return users;
    }
    if (problem !== undefined) log?.info({ file, users: loaded.users.length }, 'users file valid again');
    users = new Map(loaded.users.map((u) => [u.name, u]));
    version = seen;
    problem = undefined;
    return users;
  };

  return {
    read,
    readStrict() {
      read(true);
      if (problem !== undefined) throw new QuantracError('ERR_USERS_FILE', `${problem}; fix or restore it (nothing was changed)`);
      return users;
    },
    write(next) {
      version = replaceUsers(file, [...next.values()]);
      users = next;
      problem = undefined;
      checkedAt = clock.now();
    },
    problem: () => problem,
  };
}
