import { QuantracError, type Catalogue } from '../../core/index.js';
import { generateSecret, hashSecret, systemClock, verifySecret } from '../../platform/index.js';
import { checkRole, createUserAccounts, normaliseUserName, publicUser, type User } from './user-accounts.js';
import { checkUserScope, isFacilityScope } from './user-scope.js';
import { createUsersFile, type Role, type StoredUser, type UsersFileOptions } from './users-file.js';

export { RoleSchema, UserNameSchema, userNameKey, type Role } from './users-file.js';
export { roleAtLeast, type User } from './user-accounts.js';

export interface UserStore {
  readonly file: string;
  /**
   * Adds a user; without a password one is generated. Returns the password (shown once). The
   * scope defaults to the whole country; it is checked (user-scope.ts `checkUserScope`).
   */
  add(name: string, role: Role, password?: string, scope?: readonly string[]): Promise<{ user: User; password: string }>;
  /**
   * Adds an account kept in memory only, never written to the file (demo mode: its login
   * must not outlive the run). When a real user has the name, `<name>-<random>` is used: the
   * returned user says which.
   */
  addEphemeral(name: string, role: Role, password?: string): Promise<{ user: User; password: string }>;
  setPassword(name: string, password?: string): Promise<string>;
  /** ERR_FACILITY_SCOPE when a facility user would get more than the viewer role. */
  setRole(name: string, role: Role): User;
  /** Replaces a user's scope (checked against the role and the catalogue, user-scope.ts). */
  setScope(name: string, scope: readonly string[]): Promise<User>;
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
  /** scrypt N for new hashes (DASHBOARD_SCRYPT_COST; tests lower it). */
  cost?: number;
  /** The catalogue scopes are checked against (unknown entries refused); none: only their form and the facility rule are checked. */
  catalogue?: () => Catalogue | Promise<Catalogue>;
}

/**
 * scrypt N = 2^15 by default (OWASP password storage cheat sheet): each check takes about
 * 50-100 ms, which is the point (offline guessing) and why logins are also throttled
 * (login-throttle.ts). Never below 2^10, whatever is configured.
 */
const PASSWORD_COST = 1 << 15;
const MIN_PASSWORD_COST = 1024;
const MIN_PASSWORD = 10;
/** A generated password (demo user, `quantrac user add`): 15 random bytes, 20 characters, about 120 bits. */
const generatePassword = (): string => generateSecret(15);
/** Checked against when the user is unknown, so a wrong name costs as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) throw new QuantracError('ERR_WEAK_PASSWORD', `a password needs at least ${MIN_PASSWORD} characters`);
}

/**
 * Dashboard accounts in `DATA_DIR/users.json` (mode 0600): scrypt hashes only (platform's one
 * hash format). The CLI (`quantrac user ...`) and the running centre share the file: every write
 * replaces it atomically (write then rename), and readers re-read it when its mtime changed, so a
 * user disabled from the CLI is refused by the running centre within a second.
 *
 * An invalid file never throws out of get() or verify() (users-file.ts): the last good copy
 * stays in use and writes are refused until it is fixed. Where an account lives (file or
 * memory) is user-accounts.ts; this owns the password rules and their checking.
 */
export function createUserStore(file: string, options: UserStoreOptions = {}): UserStore {
  const clock = options.clock ?? systemClock;
  const hash = (password: string): Promise<string> => hashSecret(password, options.cost ?? PASSWORD_COST, MIN_PASSWORD_COST);
  const accounts = createUserAccounts(createUsersFile(file, options), clock, options.log);
  const checkScope = async (role: Role, scope: readonly string[]): Promise<string[]> =>
    checkUserScope(role, scope, options.catalogue ? await options.catalogue() : undefined);

  /** A new account, its name normalised and its password checked (generated when not given), then hashed. */
  const newUser = async (
    name: string,
    role: Role,
    password: string | undefined,
    scopeTexts: readonly string[] = ['country'],
  ): Promise<{ user: StoredUser; secret: string }> => {
    const key = normaliseUserName(name);
    checkRole(role);
    const scope = await checkScope(role, scopeTexts);
    const secret = password ?? generatePassword();
    checkPassword(secret);
    const at = new Date(clock.now()).toISOString();
    return { user: { name: key, role, hash: await hash(secret), disabled: false, scope, createdAt: at, updatedAt: at }, secret };
  };
  const update = (name: string, change: Partial<StoredUser>): User => publicUser(accounts.update(name, change));

  return {
    file,
    async add(name, role, password, scope) {
      const { user, secret } = await newUser(name, role, password, scope);
      accounts.insert(user);
      return { user: publicUser(user), password: secret };
    },
    async addEphemeral(name, role, password) {
      const { user, secret } = await newUser(name, role, password);
      return { user: publicUser(accounts.insertEphemeral(user)), password: secret };
    },
    async setPassword(name, password) {
      const secret = password ?? generatePassword();
      checkPassword(secret);
      accounts.existing(name);
      update(name, { hash: await hash(secret) });
      return secret;
    },
    setRole(name, role) {
      checkRole(role);
      const current = accounts.existing(name).scope;
      if (role !== 'viewer' && isFacilityScope(current)) checkUserScope(role, current);
      return update(name, { role });
    },
    async setScope(name, scope) {
      const checked = await checkScope(accounts.existing(name).role, scope);
      return update(name, { scope: checked });
    },
    disable: (name) => update(name, { disabled: true }),
    enable: (name) => update(name, { disabled: false }),
    list: () =>
      accounts
        .list()
        .map(publicUser)
        .sort((a, b) => a.name.localeCompare(b.name)),
    get(name) {
      const u = accounts.get(name);
      return u ? publicUser(u) : undefined;
    },
    async verify(name, password) {
      const u = accounts.lookup(name);
      if (!u) {
        dummyHash ??= hash('not-a-real-password');
        await verifySecret(password, await dummyHash);
        return undefined;
      }
      const ok = await verifySecret(password, u.hash);
      return ok && !u.disabled ? publicUser(u) : undefined;
    },
    check: () => accounts.check(),
  };
}
