import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCredentialStore, credentialsFileIn, runGatewayCommand } from '../broker/index.js';
import { accountsDir, loadCatalogue, loadConfig } from '../core/index.js';
import { createUserStore, runUserCommand } from '../dashboard/index.js';
import { runDeadLettersCommand } from '../ingest/index.js';
import { gatewayChangeEntry, userChangeEntry, withCliAudit } from './account-audit.js';
import { envWith } from './process.js';

/** The flags every account command takes: its role, JSON output, and where DATA_DIR is. */
const ACCOUNT_OPTIONS = {
  role: { type: 'string' },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

const out = (text: string): boolean => process.stdout.write(text);

/** `quantrac gateway add|rotate|disable|enable|list`: gateway credentials (broker/gateway-command.ts); changes are audited. */
export async function gateway(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ACCOUNT_OPTIONS, catalogue: { type: 'string' }, scope: { type: 'string', multiple: true } },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const store = createCredentialStore({ file: credentialsFileIn(accountsDir(config)), cost: config.MQTT_AUTH_SCRYPT_COST });
  const audit = { dataDir: resolve(config.DATA_DIR), retentionDays: config.AUDIT_RETENTION_DAYS };
  return withCliAudit(gatewayChangeEntry(positionals, { role: values.role }), audit, () =>
    runGatewayCommand(
      positionals,
      { role: values.role, json: values.json, scope: values.scope },
      { store, catalogue: () => loadCatalogue(resolve(config.CATALOGUE)), out },
    ),
  );
}

/**
 * `quantrac user add|passwd|role|scope|disable|enable|list`: dashboard accounts
 * (dashboard/server/user-command.ts); changes are audited. `--scope` (repeatable) and the lazily
 * loaded catalogue are passed for the scope by level (docs/SECURITY.md, "Access by level").
 */
export async function user(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ACCOUNT_OPTIONS,
      'password-stdin': { type: 'boolean', default: false },
      scope: { type: 'string', multiple: true },
      catalogue: { type: 'string' },
    },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const flags = { role: values.role, json: values.json, passwordStdin: values['password-stdin'], scope: values.scope };
  const io = {
    store: createUserStore(join(accountsDir(config), 'users.json'), { cost: config.DASHBOARD_SCRYPT_COST }),
    out,
    catalogue: () => loadCatalogue(resolve(config.CATALOGUE)),
    readPassword: async () => {
      let text = '';
      for await (const chunk of process.stdin) text += String(chunk);
      return text.split('\n')[0] ?? '';
    },
  };
  const audit = { dataDir: resolve(config.DATA_DIR), retentionDays: config.AUDIT_RETENTION_DAYS };
  return withCliAudit(userChangeEntry(positionals, flags), audit, () => runUserCommand(positionals, flags, io));
}

/** `quantrac deadletters`: lists the dead-letter store (ingest/dead-letters-command.ts). */
export async function deadletters(args: string[]): Promise<number> {
  const dataDir = parseArgs({ args, strict: false, options: { 'data-dir': { type: 'string' } } }).values['data-dir'];
  const config = loadConfig(envWith({ DATA_DIR: typeof dataDir === 'string' ? dataDir : undefined }));
  const write = (text: string): Promise<void> | undefined =>
    process.stdout.write(text) ? undefined : new Promise((r) => process.stdout.once('drain', () => r()));
  const code = await runDeadLettersCommand(args, { dataDir: resolve(config.DATA_DIR), out: write });
  // main() exits the process next: let a piped listing reach its reader first.
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  return code;
}
