import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createAuditLog } from '../audit/index.js';
import { createLogger, QuantracError, type AuditEntry } from '../core/index.js';

/** Who runs a command, for the audit log: `cli:<the OS user>` (docs/SECURITY.md, "Audit log"). */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/** What `quantrac user <positionals>` changes, as an audit entry without its actor; undefined for list and scopes. */
export function userChangeEntry(positionals: string[], flags: { role?: string; scope?: string[] }): AuditEntry | undefined {
  const [sub, name, extra] = positionals;
  const scope = (flags.scope ?? []).join(', ');
  switch (sub) {
    case 'add':
      return { action: 'user_add', target: name, detail: { role: flags.role ?? 'viewer', scope: scope || 'country' } };
    case 'passwd':
    case 'password':
      return { action: 'user_change', target: name, detail: { resetPassword: true } };
    case 'role':
      return { action: 'user_change', target: name, detail: { role: extra ?? '' } };
    case 'disable':
    case 'enable':
      return { action: 'user_change', target: name, detail: { disabled: sub === 'disable' } };
    case 'scope':
      return { action: 'user_change', target: name, detail: { scope } };
    default:
      return undefined;
  }
}

/** What `quantrac gateway <positionals>` changes, as an audit entry without its actor; undefined for list. */
export function gatewayChangeEntry(positionals: string[], flags: { role?: string }): AuditEntry | undefined {
  const [action, id, ...stations] = positionals;
  switch (action) {
    case 'add': {
      const role = flags.role ?? 'gateway';
      const count = role === 'subscriber' ? 0 : Math.max(1, new Set(stations).size);
      return { action: 'gateway_add', target: id, detail: { role, stations: count } };
    }
    case 'rotate':
      return { action: 'gateway_change', target: id, detail: { rotated: true } };
    case 'disable':
    case 'enable':
      return { action: 'gateway_change', target: id, detail: { disabled: action === 'disable' } };
    default:
      return undefined;
  }
}

export interface CliAuditContext {
  dataDir: string;
  retentionDays: number;
  /** The acting user; `cliActor()` by default. */
  actor?: string;
  /** Where a warning goes (stderr): never stdout, which may be a --json listing. */
  warn?(text: string): void;
}

/**
 * Runs an account command and records it in DATA_DIR/audit (user = the OS user, address `cli`):
 * outcome ok, or failed with the error's code when it throws (usage errors change nothing and
 * are not recorded). The entry is on disk before the command returns. An audit log that cannot
 * be written does not undo the change: a warning says so.
 */
export async function withCliAudit(entry: AuditEntry | undefined, ctx: CliAuditContext, run: () => Promise<number>): Promise<number> {
  if (entry === undefined) return run();
  const warn = ctx.warn ?? ((text: string) => void process.stderr.write(text));
  const record = async (outcome: 'ok' | 'failed', error?: string): Promise<void> => {
    try {
      const log = createLogger({ level: 'silent' });
      const audit = await createAuditLog({ dir: join(ctx.dataDir, 'audit'), retentionDays: ctx.retentionDays, log, retention: false });
      audit.record({
        ...entry,
        user: ctx.actor ?? cliActor(),
        address: 'cli',
        outcome,
        ...(error ? { detail: { ...entry.detail, error } } : {}),
      });
      await audit.close();
      if (audit.queued > 0) throw new Error(`the write to ${join(ctx.dataDir, 'audit')} failed`);
    } catch (err) {
      warn(`quantrac: warning: the audit log could not record this change: ${(err as Error).message}\n`);
    }
  };
  let code: number;
  try {
    code = await run();
  } catch (err) {
    const known = err instanceof QuantracError ? err.code : 'ERR_INTERNAL';
    if (known !== 'ERR_USAGE') await record('failed', known);
    throw err;
  }
  await record(code === 0 ? 'ok' : 'failed');
  return code;
}
