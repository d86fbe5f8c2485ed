import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { accountsDir, loadCatalogue, loadConfig, type AuditEntry, type Config } from '../core/index.js';
import { createDisplayStore, displaysFileIn, runDisplayCommand } from '../dashboard/index.js';
import { withCliAudit } from './account-audit.js';
import { envWith } from './process.js';

/** What `quantrac display <positionals>` changes, as an audit entry without its actor; undefined for list. */
export function displayChangeEntry(positionals: string[], flags: { scope?: readonly string[] | undefined }): AuditEntry | undefined {
  const [sub, name] = positionals;
  if (sub === 'add') return { action: 'display_add', target: name, detail: { scope: (flags.scope ?? []).join(', ') } };
  if (sub === 'remove') return { action: 'display_remove', target: name };
  return undefined;
}

/** The dashboard's address as people reach it: the first configured origin, else the listening address. */
function dashboardBase(config: Config): string {
  const origin = config.DASHBOARD_ORIGINS[0];
  if (origin) return origin;
  const host = config.HTTP_HOST === '0.0.0.0' || config.HTTP_HOST === '127.0.0.1' ? 'localhost' : config.HTTP_HOST;
  return `http://${host}:${config.HTTP_PORT}`;
}

/**
 * `quantrac display add|remove|list`: read-only wall displays (dashboard/server/display-command.ts)
 * in ACCOUNTS_DIR/displays.json; adds and removals are audited like account changes.
 */
export async function display(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      catalogue: { type: 'string' },
      scope: { type: 'string', multiple: true },
      url: { type: 'string' },
    },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const io = {
    store: createDisplayStore(displaysFileIn(accountsDir(config))),
    catalogue: () => loadCatalogue(resolve(config.CATALOGUE)),
    baseUrl: values.url ?? dashboardBase(config),
    out: (text: string): void => void process.stdout.write(text),
  };
  const flags = { json: values.json, scope: values.scope };
  const audit = { dataDir: resolve(config.DATA_DIR), retentionDays: config.AUDIT_RETENTION_DAYS };
  return withCliAudit(displayChangeEntry(positionals, flags), audit, () => runDisplayCommand(positionals, flags, io));
}
