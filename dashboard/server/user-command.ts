import { QuantracError, type Catalogue } from '../../core/index.js';
import { checkUserScope, scopeChoices } from './user-scope.js';
import { RoleSchema, userNameKey, type Role, type UserStore } from './user-store.js';

export const USER_USAGE = `  quantrac user add <name> [--role viewer|operator|admin] [--scope SCOPE]... [--password-stdin]
  quantrac user passwd <name> [--password-stdin]
  quantrac user role <name> viewer|operator|admin
  quantrac user scope <name> --scope SCOPE [--scope SCOPE]...   (replaces the scope)
  quantrac user scopes [--json]   (every scope of the catalogue)
  quantrac user disable|enable <name>
  quantrac user list [--json]
  SCOPE: country (the default), "province:NAME", zone:ID or facility:ID (a facility user is a viewer)
`;

/** The flags of `quantrac user` beyond the account commands' own, for node:util parseArgs (cli/account-commands.ts). */
export const USER_COMMAND_OPTIONS = {
  scope: { type: 'string', multiple: true },
  catalogue: { type: 'string' },
} as const;

export interface UserCommandIo {
  store: UserStore;
  /** The catalogue (CATALOGUE), loaded only by the commands that need it: scopes are checked against it and listed from it. */
  catalogue?: () => Catalogue | Promise<Catalogue>;
  out: (text: string) => void;
  /** The password when --password-stdin was given (first line of stdin). */
  readPassword: () => Promise<string>;
}

/**
 * `quantrac user ...`: dashboard accounts in DATA_DIR/users.json. A generated password is
 * printed once, here, and stored only as a scrypt hash; a password of one's own is read from
 * stdin, never from the command line (it would stay in the shell history and `ps`).
 */
export async function runUserCommand(
  positionals: string[],
  flags: { role?: string; json?: boolean; passwordStdin?: boolean; scope?: readonly string[] | undefined },
  io: UserCommandIo,
): Promise<number> {
  const [sub, name, extra] = positionals;
  const { store, out } = io;
  const needName = (): string => {
    if (!name) throw new QuantracError('ERR_USAGE', `quantrac user ${sub} needs a user name\n${USER_USAGE}`);
    return name;
  };
  const role = (text: string | undefined, fallback?: Role): Role => {
    const parsed = RoleSchema.safeParse(text ?? fallback);
    if (!parsed.success) throw new QuantracError('ERR_USAGE', `role must be viewer, operator or admin, got "${text ?? ''}"`);
    return parsed.data;
  };
  const password = async (): Promise<string | undefined> =>
    flags.passwordStdin ? (await io.readPassword()).replace(/\r?\n$/, '') : undefined;
  const catalogue = async (): Promise<Catalogue | undefined> => (io.catalogue ? await io.catalogue() : undefined);
  /** The --scope flags checked against the role and the catalogue (user-scope.ts), before anything is written. */
  const scope = async (forRole: Role): Promise<string[]> => checkUserScope(forRole, flags.scope ?? ['country'], await catalogue());

  switch (sub) {
    case 'add': {
      const r = role(flags.role, 'viewer');
      const checked = await scope(r);
      const { user, password: secret } = await store.add(needName(), r, await password(), checked);
      out(`user ${user.name} added with role ${user.role} and scope ${user.scope.join(', ')}\n`);
      if (!flags.passwordStdin) out(`password: ${secret}\n(shown once: it is stored only as a hash)\n`);
      return 0;
    }
    case 'passwd': {
      const secret = await store.setPassword(needName(), await password());
      out(`password of ${needName()} changed\n`);
      if (!flags.passwordStdin) out(`password: ${secret}\n(shown once: it is stored only as a hash)\n`);
      return 0;
    }
    case 'role': {
      const user = store.setRole(needName(), role(extra));
      out(`user ${user.name} now has role ${user.role}\n`);
      return 0;
    }
    case 'scope': {
      if (!flags.scope?.length) throw new QuantracError('ERR_USAGE', `quantrac user scope needs at least one --scope\n${USER_USAGE}`);
      const current = store.get(userNameKey(needName()));
      const user = await store.setScope(needName(), await scope(current?.role ?? 'viewer'));
      out(`user ${user.name} now has scope ${user.scope.join(', ')} (a running centre ends their sessions within a minute)\n`);
      return 0;
    }
    case 'scopes':
      return listScopes(await catalogue(), flags.json === true, out);
    case 'disable':
    case 'enable': {
      const user = sub === 'disable' ? store.disable(needName()) : store.enable(needName());
      out(`user ${user.name} ${user.disabled ? 'disabled (a running centre ends their sessions within a minute)' : 'enabled'}\n`);
      return 0;
    }
    case 'list': {
      const users = store.list();
      if (flags.json) {
        out(`${JSON.stringify(users, null, 2)}\n`);
        return 0;
      }
      if (users.length === 0) {
        out(`no users in ${store.file}\n`);
        return 0;
      }
      const w = Math.max(4, ...users.map((u) => u.name.length));
      out(`${'name'.padEnd(w)}  role      state     updated                   scope\n`);
      for (const u of users) {
        const state = (u.disabled ? 'disabled' : 'enabled').padEnd(8);
        out(`${u.name.padEnd(w)}  ${u.role.padEnd(8)}  ${state}  ${u.updatedAt.padEnd(24)}  ${u.scope.join(', ')}\n`);
      }
      return 0;
    }
    default:
      throw new QuantracError('ERR_USAGE', `unknown user command "${sub ?? ''}"\n${USER_USAGE}`);
  }
}

/** `quantrac user scopes`: the country, each province with its zone count, each zone and each facility, by id and name. */
function listScopes(catalogue: Catalogue | undefined, json: boolean, out: (text: string) => void): number {
  if (!catalogue) throw new QuantracError('ERR_USAGE', 'quantrac user scopes needs the catalogue (CATALOGUE or --catalogue FILE)');
  const choices = scopeChoices(catalogue);
  if (json) {
    out(`${JSON.stringify(choices, null, 2)}\n`);
    return 0;
  }
  for (const c of choices) {
    const extra = c.kind === 'province' ? `  (${c.zones} zone${c.zones === 1 ? '' : 's'})` : c.kind === 'country' ? '' : `  ${c.label}`;
    out(`${c.scope}${extra}\n`);
  }
  return 0;
}
