import { randomBytes } from 'node:crypto';
import { QuantracError, type Logger } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import { RoleSchema, UserNameSchema, userNameKey, type Role, type StoredUser, type UsersFile } from './users-file.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** Whether `role` may do what `needed` may. */
export const roleAtLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** A user as the rest of the dashboard sees it: never the hash. */
export interface User {
  name: string;
  role: Role;
  disabled: boolean;
  /** Scope texts (core/scope.ts): `country`, `province:NAME`, `zone:ID`, `facility:ID`. */
  scope: string[];
  createdAt: string;
  updatedAt: string;
}

export const publicUser = (u: StoredUser): User => ({
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  scope: [...u.scope],
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

/** A typed name in its normal form, or ERR_BAD_USER_NAME. */
export function normaliseUserName(name: string): string {
  const parsed = UserNameSchema.safeParse(userNameKey(name));
  if (!parsed.success) throw new QuantracError('ERR_BAD_USER_NAME', parsed.error.issues[0]?.message ?? 'bad user name');
  return parsed.data;
}

export function checkRole(role: Role): void {
  if (!RoleSchema.safeParse(role).success) throw new QuantracError('ERR_BAD_ROLE', 'role must be viewer, operator or admin');
}

/**
 * The stored accounts: those of `users.json` and those kept in memory only (demo mode), with a
 * file user winning over an in-memory one of the same name (the CLI may add one later). It
 * knows where an account lives, not how passwords are checked (user-store.ts).
 */
export interface UserAccounts {
  /** The account of a typed name, tolerant of an invalid file (login, the sweep); undefined for a malformed name. */
  lookup(name: string): StoredUser | undefined;
  /** The account of a name already in normal form (a session's user). */
  get(key: string): StoredUser | undefined;
  /** Every account; throws ERR_USERS_FILE while the file is invalid. */
  list(): StoredUser[];
  /** Adds an account to the file; ERR_USER_EXISTS when the name is taken. */
  insert(user: StoredUser): void;
  /** Keeps an account in memory, renamed `<name>-<random>` while the name is taken; returns it as kept. */
  insertEphemeral(user: StoredUser): StoredUser;
  /** The account of a typed name, read strictly; ERR_NO_USER when there is none, ERR_USERS_FILE while the file is invalid. */
  existing(name: string): StoredUser;
  /** Changes an existing account where it lives; ERR_NO_USER when there is none. */
  update(name: string, change: Partial<StoredUser>): StoredUser;
  /** Re-reads the file now; why it is not in use, or undefined when it is fine. */
  check(): string | undefined;
}

export function createUserAccounts(usersFile: UsersFile, clock: Clock, log?: Logger): UserAccounts {
  const ephemeral = new Map<string, StoredUser>();
  const find = (users: Map<string, StoredUser>, key: string): StoredUser | undefined => users.get(key) ?? ephemeral.get(key);
  const existing = (name: string): { users: Map<string, StoredUser>; user: StoredUser } => {
    const users = usersFile.readStrict();
    const user = find(users, normaliseUserName(name));
    if (!user) throw new QuantracError('ERR_NO_USER', `no user "${name}"`);
    return { users, user };
  };

  return {
    lookup(name) {
      const users = usersFile.read();
      const key = userNameKey(name);
      return UserNameSchema.safeParse(key).success ? find(users, key) : undefined;
    },
    get: (key) => find(usersFile.read(), key),
    list: () => [...new Map([...ephemeral, ...usersFile.readStrict()]).values()],
    insert(user) {
      const users = usersFile.readStrict();
      if (find(users, user.name)) throw new QuantracError('ERR_USER_EXISTS', `user "${user.name}" exists`);
      usersFile.write(new Map(users).set(user.name, user));
    },
    insertEphemeral(user) {
      const wanted = user.name;
      // Tolerant read: a broken file must not stop a demo; its last good copy (if any) still names the taken users.
      const users = usersFile.read(true);
      while (find(users, user.name)) user.name = normaliseUserName(`${wanted.slice(0, 25)}-${randomBytes(3).toString('hex')}`);
      if (user.name !== wanted) {
        log?.warn({ wanted, name: user.name }, 'a user of users.json has the name asked for: the in-memory account gets another');
      }
      ephemeral.set(user.name, user);
      return user;
    },
    existing: (name) => existing(name).user,
    update(name, change) {
      const { users, user } = existing(name);
      const next = { ...user, ...change, updatedAt: new Date(clock.now()).toISOString() };
      if (users.has(user.name)) usersFile.write(new Map(users).set(user.name, next));
      else ephemeral.set(user.name, next);
      return next;
    },
    check() {
      usersFile.read(true);
      return usersFile.problem();
    },
  };
}
