import {
  formatScope,
  parseScope,
  QuantracError,
  stationScope,
  unknownScopeEntries,
  type Catalogue,
  type ScopeEntry,
} from '../core/index.js';
import type { CredentialStore } from './credential-store.js';
import { AccountIdSchema, type AccountRole } from './credentials-file.js';

export const GATEWAY_USAGE = `  quantrac gateway add <gatewayId> [stationId...] [--role gateway|subscriber|relay] [--scope province:NAME|zone:ID ...]
  quantrac gateway rotate|disable|enable <gatewayId>
  quantrac gateway list [--json]`;

export interface GatewayCommandContext {
  store: CredentialStore;
  /** Loaded only when needed (add), so a bad catalogue does not block list or disable; `--scope` needs the whole catalogue. */
  catalogue(): Promise<Pick<Catalogue, 'station'> & Partial<Catalogue>>;
  out(text: string): void;
}

const usage = (message: string): QuantracError => new QuantracError('ERR_USAGE', `${message}\nUsage:\n${GATEWAY_USAGE}`);

type Flags = { role?: string; json?: boolean; scope?: string[] };
type CommandCatalogue = Awaited<ReturnType<GatewayCommandContext['catalogue']>>;

/**
 * The stations `--scope` names, taken from the catalogue now: a province centre's relay
 * account serves hundreds of stations, and the account keeps the list it was given (a station
 * added to the catalogue later is added to the account with a new `gateway add`, or by hand).
 */
function scopeStations(texts: string[], catalogue: CommandCatalogue): string[] {
  let entries: ScopeEntry[];
  try {
    entries = texts.map((t) => parseScope(t));
  } catch {
    throw usage(`--scope is province:NAME, zone:ID or facility:ID, not "${texts.join(' ')}"`);
  }
  if (entries.some((e) => e.kind === 'country')) throw usage('--scope country is not a gateway scope: name provinces or zones');
  if (!catalogue.zoneOf || !catalogue.stations) throw new QuantracError('ERR_USAGE', '--scope needs the whole catalogue');
  const full = catalogue as Catalogue;
  const unknown = unknownScopeEntries(full, entries);
  if (unknown.length > 0) throw new QuantracError('ERR_USAGE', `not in the catalogue: ${unknown.map(formatScope).join(', ')}`);
  const ids = stationScope(full, entries).stationIds();
  if (ids.length === 0) throw new QuantracError('ERR_USAGE', `no station in ${texts.join(', ')}`);
  return ids;
}

/** `quantrac gateway list [--json]`: accounts without their hashes. */
async function listAccounts(flags: Flags, ctx: GatewayCommandContext): Promise<number> {
  const accounts = await ctx.store.read();
  if (flags.json) {
    const shown = accounts.map(({ hash: _hash, ...a }) => a);
    ctx.out(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  if (accounts.length === 0) {
    ctx.out(`no accounts in ${ctx.store.file}; add one with \`quantrac gateway add <gatewayId> [stationId...]\`\n`);
    return 0;
  }
  const rows = [
    ['ACCOUNT', 'ROLE', 'STATE', 'UPDATED', 'STATIONS'],
    ...accounts.map((a) => [
      a.id,
      a.role,
      a.disabled ? 'disabled' : 'enabled',
      a.updatedAt.slice(0, 19).replace('T', ' '),
      a.role === 'subscriber' ? 'alerts/#' : a.role === 'relay' ? `${a.stations.length} (relay)` : a.stations.join(' '),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  ctx.out(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n');
  return 0;
}

/** The stations a new gateway account serves: those named and those in `--scope` (all in the catalogue), or the station whose id is the account's. */
async function gatewayStations(id: string, stations: string[], scope: string[], ctx: GatewayCommandContext): Promise<string[]> {
  const catalogue = await ctx.catalogue();
  const inScope = scope.length > 0 ? scopeStations(scope, catalogue) : [];
  const named = stations.length > 0 || inScope.length > 0 ? [...stations, ...inScope] : [id];
  const list = [...new Set(named)];
  const unknown = list.filter((s) => !catalogue.station(s));
  if (unknown.length > 0) {
    throw new QuantracError(
      'ERR_USAGE',
      stations.length > 0 || inScope.length > 0
        ? `not in the catalogue: ${unknown.join(', ')}`
        : `"${id}" is not a station in the catalogue; a gateway serving several stations lists them: quantrac gateway add ${id} <stationId...>`,
    );
  }
  const others = (await ctx.store.read()).filter((a) => !a.disabled && a.stations.some((s) => list.includes(s)));
  for (const o of others) {
    const shared = o.stations.filter((s) => list.includes(s)).join(', ');
    ctx.out(`note: account ${o.id} also publishes for ${shared}; disable it if this gateway replaces it\n`);
  }
  return list;
}

/** How `add` describes the new account. */
function addedLine(id: string, role: AccountRole, list: string[]): string {
  if (role === 'subscriber') return `added subscriber ${id} (reads alerts/#)`;
  if (role === 'gateway') return `added gateway ${id} for ${list.length === 1 ? 'station' : 'stations'} ${list.join(', ')}`;
  const shown = list.length <= 10 ? list.join(', ') : `${list.slice(0, 10).join(', ')} and ${list.length - 10} more`;
  return `added relay ${id} (a province centre forwarding here) for ${list.length} ${list.length === 1 ? 'station' : 'stations'}: ${shown}`;
}

/** `quantrac gateway add <id> [stationId...] [--role gateway|subscriber|relay] [--scope ...]`: prints the new secret once. */
async function addAccount(id: string, stations: string[], flags: Flags, ctx: GatewayCommandContext): Promise<number> {
  const role = (flags.role ?? 'gateway') as AccountRole;
  if (role !== 'gateway' && role !== 'subscriber' && role !== 'relay')
    throw usage(`--role is gateway, subscriber or relay, not "${flags.role}"`);
  const scope = flags.scope ?? [];
  if (role === 'subscriber' && (stations.length > 0 || scope.length > 0))
    throw usage('a subscriber account lists no stations: it reads alerts/# only');
  const list = role === 'subscriber' ? [] : await gatewayStations(id, stations, scope, ctx);
  const secret = await ctx.store.add({ id, role, stations: list });
  ctx.out(
    [
      addedLine(id, role, list),
      `  username  ${id}`,
      `  password  ${secret}`,
      'The password is shown this once: configure the client with it now. The centre keeps only a salted hash.',
      '',
    ].join('\n'),
  );
  return 0;
}

/**
 * `quantrac gateway ...`: the operator's side of gateway credentials (docs/PROTOCOL.md,
 * "Identity"). A new or rotated secret is printed once and never stored in clear; a running
 * centre follows the file within seconds.
 */
export async function runGatewayCommand(args: string[], flags: Flags, ctx: GatewayCommandContext): Promise<number> {
  const [action, id, ...stations] = args;
  if (action === 'list') return listAccounts(flags, ctx);
  if (!action) throw usage('gateway: which action?');
  if (!['add', 'rotate', 'disable', 'enable'].includes(action)) throw usage(`gateway: unknown action "${action}"`);
  if (!id) throw usage(`gateway ${action}: which account?`);
  if (!AccountIdSchema.safeParse(id).success) throw usage(`"${id}" is not an account id: 3 to 64 letters, digits, _, . or -`);

  switch (action) {
    case 'add':
      return addAccount(id, stations, flags, ctx);
    case 'rotate': {
      const secret = await ctx.store.rotate(id);
      ctx.out(
        [
          `new secret for ${id}; the old one no longer works and its connections are closed`,
          `  username  ${id}`,
          `  password  ${secret}`,
          'The password is shown this once.',
          '',
        ].join('\n'),
      );
      return 0;
    }
    case 'disable':
    case 'enable':
      await ctx.store.setDisabled(id, action === 'disable');
      ctx.out(
        action === 'disable' ? `disabled ${id}: its logins get "not authorized" and its connections are closed\n` : `enabled ${id}\n`,
      );
      return 0;
    default:
      throw usage(`gateway: unknown action "${action}"`);
  }
}
