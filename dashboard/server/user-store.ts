import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { QuantracError } from '../../core/index.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.js';

/** viewer: an inspector (reads everything); operator: on-call (acknowledges, silences); admin: also manages users. */
export const RoleSchema = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** Whether `role` may do what `needed` may. */
export const roleAtLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

export const UserNameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'user name: 2-32 of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

const StoredUserSchema = z.object({
  name: UserNameSchema,
  role: RoleSchema,
  hash: z.string(),
  disabled: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const UsersFileSchema = z.object({ version: z.literal(1), users: z.array(StoredUserSchema) });
type StoredUser = z.infer<typeof StoredUserSchema>;

/** A user as the rest of the dashboard sees it: never the hash. */
export interface User {
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserStore {
  readonly file: string;
  /** Adds a user; without a password one is generated. Returns the password (shown once). */
  add(name: string, role: Role, password?: string): Promise<{ user: User; password: string }>;
  /** Adds the user or resets its password and role (demo mode). */
  upsert(name: string, role: Role, password?: string): Promise<{ user: User; password: string }>;
  setPassword(name: string, password?: string): Promise<string>;
  setRole(name: string, role: Role): User;
  disable(name: string): User;
  enable(name: string): User;
  list(): User[];
  /** Current state of one user (the file is re-read when another process changed it). */
  get(name: string): User | undefined;
  /** The user when the password is right and the account enabled; undefined otherwise. */
  verify(name: string, password: string): Promise<User | undefined>;
}

const MIN_PASSWORD = 10;
/** Checked against when the user is unknown, so a wrong name costs as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/**
 * Dashboard accounts in `DATA_DIR/users.json` (mode 0600): scrypt hashes only (password-hash.ts).
 * The CLI (`quantrac user ...`) and the running centre share the file: every write replaces it
 * atomically (write then rename), and readers re-read it when its mtime changed, so a user
 * disabled from the CLI is refused by the running centre within a second.
 */
export function createUserStore(file: string, options: { now?: () => number; recheckMs?: number; /** scrypt N for new hashes (tests lower it). */ cost?: number } = {}): UserStore {
  const now = options.now ?? Date.now;
  const recheckMs = options.recheckMs ?? 1000;
  const hash = (password: string): Promise<string> => hashPassword(password, options.cost === undefined ? undefined : { N: options.cost, r: 8, p: 1 });
  let users = new Map<string, StoredUser>();
  let mtimeMs = -1;
  let checkedAt = -Infinity;

  const load = (force = false): void => {
    const t = now();
    if (!force && t - checkedAt < recheckMs) return;
    checkedAt = t;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      users = new Map();
      mtimeMs = -1;
      return;
    }
    if (!force && stat.mtimeMs === mtimeMs) return;
    const parsed = UsersFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new QuantracError('ERR_USERS_FILE', `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    users = new Map(parsed.data.users.map((u) => [u.name, u]));
    mtimeMs = stat.mtimeMs;
  };

  const save = (): void => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, users: [...users.values()] }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    mtimeMs = statSync(file).mtimeMs;
    checkedAt = now();
  };

  const publicUser = (u: StoredUser): User => ({ name: u.name, role: u.role, disabled: u.disabled, createdAt: u.createdAt, updatedAt: u.updatedAt });
  const normalise = (name: string): string => {
    const parsed = UserNameSchema.safeParse(name.trim().toLowerCase());
    if (!parsed.success) throw new QuantracError('ERR_BAD_USER_NAME', parsed.error.issues[0]?.message ?? 'bad user name');
    return parsed.data;
  };
  const existing = (name: string): StoredUser => {
    load(true);
    const u = users.get(normalise(name));
    if (!u) throw new QuantracError('ERR_NO_USER', `no user "${name}"`);
    return u;
  };
  const checkPassword = (password: string): void => {
    if (password.length < MIN_PASSWORD) throw new QuantracError('ERR_WEAK_PASSWORD', `a password needs at least ${MIN_PASSWORD} characters`);
  };
  const update = (name: string, change: Partial<StoredUser>): User => {
    const u = existing(name);
    const next = { ...u, ...change, updatedAt: new Date(now()).toISOString() };
    users.set(u.name, next);
    save();
    return publicUser(next);
  };

  const put = async (name: string, role: Role, password: string | undefined, replace: boolean): Promise<{ user: User; password: string }> => {
    const key = normalise(name);
    if (!RoleSchema.safeParse(role).success) throw new QuantracError('ERR_BAD_ROLE', 'role must be viewer, operator or admin');
    const secret = password ?? generatePassword();
    checkPassword(secret);
    const hashed = await hash(secret);
    load(true);
    const prior = users.get(key);
    if (prior && !replace) throw new QuantracError('ERR_USER_EXISTS', `user "${key}" exists`);
    const at = new Date(now()).toISOString();
    const user: StoredUser = { name: key, role, hash: hashed, disabled: false, createdAt: prior?.createdAt ?? at, updatedAt: at };
    users.set(key, user);
    save();
    return { user: publicUser(user), password: secret };
  };

  return {
    file,
    add: (name, role, password) => put(name, role, password, false),
    upsert: (name, role, password) => put(name, role, password, true),
    async setPassword(name, password) {
      const secret = password ?? generatePassword();
      checkPassword(secret);
      existing(name);
      update(name, { hash: await hash(secret) });
      return secret;
    },
    setRole(name, role) {
      if (!RoleSchema.safeParse(role).success) throw new QuantracError('ERR_BAD_ROLE', 'role must be viewer, operator or admin');
      return update(name, { role });
    },
    disable: (name) => update(name, { disabled: true }),
    enable: (name) => update(name, { disabled: false }),
    list() {
      load(true);
      return [...users.values()].map(publicUser).sort((a, b) => a.name.localeCompare(b.name));
    },
    get(name) {
      load();
      const u = users.get(name);
      return u ? publicUser(u) : undefined;
    },
    async verify(name, password) {
      load();
      const key = name.trim().toLowerCase();
      const u = UserNameSchema.safeParse(key).success ? users.get(key) : undefined;
      if (!u) {
        dummyHash ??= hash('not-a-real-password');
        await verifyPassword(password, await dummyHash);
        return undefined;
      }
      const ok = await verifyPassword(password, u.hash);
      return ok && !u.disabled ? publicUser(u) : undefined;
    },
  };
}
