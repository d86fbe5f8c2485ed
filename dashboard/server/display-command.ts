import { QuantracError, type Catalogue } from '../../core/index.js';
import type { DisplayStore } from './display-tokens.js';

export const DISPLAY_USAGE = `  quantrac display add <name> --scope SCOPE [--scope SCOPE]... [--url BASE]   (prints the kiosk URL once)
  quantrac display remove <name>   (its token stops working; a running centre ends its sessions within a minute)
  quantrac display list [--json]
  SCOPE as for users: country, "province:NAME", zone:ID or facility:ID
`;

export interface DisplayCommandIo {
  store: DisplayStore;
  /** The catalogue scopes are checked against (loaded only by add). */
  catalogue?: () => Catalogue | Promise<Catalogue>;
  /** The dashboard's address as people reach it, for the printed URL. */
  baseUrl: string;
  out: (text: string) => void;
}

/**
 * The kiosk URL: the token rides in the fragment, which the browser never sends to a server
 * (no access log, proxy log or Referer holds it); the page exchanges it for a session and
 * removes it from the address bar and the history.
 */
export const kioskUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/#/kiosk?display=${token}`;

/**
 * `quantrac display ...`: read-only wall displays in ACCOUNTS_DIR/displays.json. `add` needs an
 * explicit --scope (a wall display of the whole country must be meant), prints the token once
 * inside the kiosk URL and stores only its sha256.
 */
export async function runDisplayCommand(
  positionals: string[],
  flags: { json?: boolean; scope?: readonly string[] | undefined },
  io: DisplayCommandIo,
): Promise<number> {
  const [sub, name] = positionals;
  const { store, out } = io;
  const needName = (): string => {
    if (!name) throw new QuantracError('ERR_USAGE', `quantrac display ${sub} needs a display name\n${DISPLAY_USAGE}`);
    return name;
  };
  switch (sub) {
    case 'add': {
      const display = needName();
      if (!flags.scope?.length) throw new QuantracError('ERR_USAGE', `quantrac display add needs --scope\n${DISPLAY_USAGE}`);
      const catalogue = io.catalogue ? await io.catalogue() : undefined;
      const added = store.add(display, flags.scope, catalogue);
      out(`display ${added.display.name} added with scope ${added.display.scope.join(', ')}\n`);
      out(
        `kiosk URL: ${kioskUrl(io.baseUrl, added.token)}\n(shown once: only a hash of its token is stored; remove the display to revoke it)\n`,
      );
      return 0;
    }
    case 'remove': {
      const removed = store.remove(needName());
      out(`display ${removed.name} removed (a running centre ends its sessions within a minute)\n`);
      return 0;
    }
    case 'list': {
      const displays = store.list();
      if (flags.json) {
        out(`${JSON.stringify(displays, null, 2)}\n`);
        return 0;
      }
      if (displays.length === 0) {
        out(`no displays in ${store.file}\n`);
        return 0;
      }
      const w = Math.max(4, ...displays.map((d) => d.name.length));
      out(`${'name'.padEnd(w)}  created                   scope\n`);
      for (const d of displays) out(`${d.name.padEnd(w)}  ${d.createdAt.padEnd(24)}  ${d.scope.join(', ')}\n`);
      return 0;
    }
    default:
      throw new QuantracError('ERR_USAGE', `unknown display command "${sub ?? ''}"\n${DISPLAY_USAGE}`);
  }
}
