import { randomBytes } from 'node:crypto';
import { QuantracError } from '../../core/index.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.js';
import { createUsersFile, RoleSchema, UserNameSchema, userNameKey, type Role, type StoredUser, type UsersFileOptions } from './users-file.js';

export { RoleSchema, UserNameSchema, userNameKey, type Role } from './users-file.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** Whether `role` may do what `needed` may. */
export const roleAtLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

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
  /**
   * Adds an account kept in memory only, never written to the file (demo mode: its login
   * must not outlive the run). When a real user has the name, `<name>-<random>` is used: the
   * returned user says which.
   */
  addEphemeral(name: string, role: Role, password?: string): Promise<{ user: User; password: string }>;
  setPassword(name: string, password?: string): Promise<string>;
  setRole(name: string, role: Role): User;
  disable(name: string): User;
  enable(name: string): User;
  /** Every user; throws ERR_USERS_FILE while the file is invalid (the CLI and the admin page say so). */
  list(): User[];
  /** Current state of one user (the file is re-read when another process changed it). */
  get(name: string): User | undefined;
  /** The user when the password is right and the account enabled; undefined otherwise. */
  verify(name: string, password: string): Promise<User | undefined>;
  /** Re-reads the file now; why it is not in use (invalid), or undefined when it is fine. */
  check(): string | undefined;
}

export interface UserStoreOptions extends UsersFileOptions {
  /** scrypt N for new hashes (tests lower it). */
  cost?: number;
}

const MIN_PASSWORD = 10;
/** Checked against when the user is unknown, so a wrong name costs as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/**
 * Dashboard accounts in `DATA_DIR/users.json` (mode 0600): scrypt hashes only (password-hash.ts).
 * The CLI (`quantrac user ...`) and the running centre share the file: every write replaces it
 * atomically (write then rename), and readers re-read it when its mtime changed, so a user
 * disabled from the CLI is refused by the running centre within a second.
 *
 * An invalid file never throws out of get() or verify() (users-file.ts): the last good copy
 * stays in use and writes are refused until it is fixed.
 */
export function createUserStore(file: string, options: UserStoreOptions = {}): UserStore {
  const now = options.now ?? Date.now;
  const hash = (password: string): Promise<string> => hashPassword(password, options.cost === undefined ? undefined : { N: options.cost, r: 8, p: 1 });
  const usersFile = createUsersFile(file, options);
  /** In-memory accounts (demo mode); a file user of the same name wins. */
  const ephemeral = new Map<string, StoredUser>();

  const publicUser = (u: StoredUser): User => ({ name: u.name, role: u.role, disabled: u.disabled, createdAt: u.createdAt, updatedAt: u.updatedAt });
  const normalise = (name: string): string => {
    const parsed = UserNameSchema.safeParse(userNameKey(name));
    if (!parsed.success) throw new QuantracError('ERR_BAD_USER_NAME', parsed.error.issues[0]?.message ?? 'bad user name');
    return parsed.data;
  };
  /** A file user wins over an in-memory one of the same name (the CLI may add one later). */
  const find = (users: Map<string, StoredUser>, key: string): StoredUser | undefined => users.get(key) ?? ephemeral.get(key);
  const existing = (name: string): { users: Map<string, StoredUser>; user: StoredUser } => {
    const users = usersFile.readStrict();
    const user = find(users, normalise(name));
    if (!user) throw new QuantracError('ERR_NO_USER', `no user "${name}"`);
    return { users, user };
  };
  const checkPassword = (password: string): void => {
    if (password.length < MIN_PASSWORD) throw new QuantracError('ERR_WEAK_PASSWORD', `a password needs at least ${MIN_PASSWORD} characters`);
  };
  const checkRole = (role: Role): void => {
    if (!RoleSchema.safeParse(role).success) throw new QuantracError('ERR_BAD_ROLE', 'role must be viewer, operator or admin');
  };
  const update = (name: string, change: Partial<StoredUser>): User => {
    const { users, user } = existing(name);
    const next = { ...user, ...change, updatedAt: new Date(now()).toISOString() };
    if (users.has(user.name)) usersFile.write(new Map(users).set(user.name, next));
    else ephemeral.set(user.name, next);
    return publicUser(next);
  };
  const newUser = async (key: string, role: Role, secret: string): Promise<StoredUser> => {
    const at = new Date(now()).toISOString();
    return { name: key, role, hash: await hash(secret), disabled: false, createdAt: at, updatedAt: at };
  };
  const prepare = (name: string, role: Role, password: string | undefined): { key: string; secret: string } => {
    const key = normalise(name);
    checkRole(role);
    const secret = password ?? generatePassword();
    checkPassword(secret);
    return { key, secret };
  };

  return {
    file,
    async add(name, role, password) {
      const { key, secret } = prepare(name, role, password);
      const user = await newUser(key, role, secret);
      const users = usersFile.readStrict();
      if (find(users, key)) throw new QuantracError('ERR_USER_EXISTS', `user "${key}" exists`);
      usersFile.write(new Map(users).set(key, user));
      return { user: publicUser(user), password: secret };
    },
    async addEphemeral(name, role, password) {
      const { key: wanted, secret } = prepare(name, role, password);
      const user = await newUser(wanted, role, secret);
      // Tolerant read: a broken file must not stop a demo; its last good copy (if any) still names the taken users.
      const users = usersFile.read(true);
      while (find(users, user.name)) user.name = normalise(`${wanted.slice(0, 25)}-${randomBytes(3).toString('hex')}`);
      if (user.name !== wanted) options.log?.warn({ wanted, name: user.name }, 'a user of users.json has the name asked for: the in-memory account gets another');
      ephemeral.set(user.name, user);
      return { user: publicUser(user), password: secret };
    },
    async setPassword(name, password) {
      const secret = password ?? generatePassword();
      checkPassword(secret);
      existing(name);
      update(name, { hash: await hash(secret) });
      return secret;
    },
    setRole(name, role) {
      checkRole(role);
      return update(name, { role });
    },
    disable: (name) => update(name, { disabled: true }),
    enable: (name) => update(name, { disabled: false }),
    list() {
      const users = usersFile.readStrict();
      return [...new Map([...ephemeral, ...users]).values()].map(publicUser).sort((a, b) => a.name.localeCompare(b.name));
    },
    get(name) {
      const u = find(usersFile.read(), name);
      return u ? publicUser(u) : undefined;
    },
    async verify(name, password) {
      const users = usersFile.read();
      const key = userNameKey(name);
      const u = UserNameSchema.safeParse(key).success ? find(users, key) : undefined;
      if (!u) {
        dummyHash ??= hash('not-a-real-password');
        await verifyPassword(password, await dummyHash);
        return undefined;
      }
      const ok = await verifyPassword(password, u.hash);
      return ok && !u.disabled ? publicUser(u) : undefined;
    },
    check() {
      usersFile.read(true);
      return usersFile.problem();
    },
  };
}
