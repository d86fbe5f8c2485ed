import { QuantracError } from '../../core/index.js';
import { RoleSchema, type Role, type UserStore } from './user-store.js';

export const USER_USAGE = `  quantrac user add <name> [--role viewer|operator|admin] [--password-stdin]
  quantrac user passwd <name> [--password-stdin]
  quantrac user role <name> viewer|operator|admin
  quantrac user disable|enable <name>
  quantrac user list [--json]
`;

export interface UserCommandIo {
  store: UserStore;
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
  flags: { role?: string; json?: boolean; passwordStdin?: boolean },
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

  switch (sub) {
    case 'add': {
      const { user, password: secret } = await store.add(needName(), role(flags.role, 'viewer'), await password());
      out(`user ${user.name} added with role ${user.role}\n`);
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
      out(`${'name'.padEnd(w)}  role      state     updated\n`);
      for (const u of users)
        out(`${u.name.padEnd(w)}  ${u.role.padEnd(8)}  ${(u.disabled ? 'disabled' : 'enabled').padEnd(8)}  ${u.updatedAt}\n`);
      return 0;
    }
    default:
      throw new QuantracError('ERR_USAGE', `unknown user command "${sub ?? ''}"\n${USER_USAGE}`);
  }
}
