import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCredentialStore, credentialsFileIn, runGatewayCommand } from '../broker/index.js';
import { loadCatalogue, loadConfig } from '../core/index.js';
import { createUserStore, runUserCommand } from '../dashboard/index.js';
import { runDeadLettersCommand } from '../ingest/index.js';
import { envWith } from './process.js';

/** The flags every account command takes: its role, JSON output, and where DATA_DIR is. */
const ACCOUNT_OPTIONS = {
  role: { type: 'string' },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

const out = (text: string): boolean => process.stdout.write(text);

/** `quantrac gateway add|rotate|disable|enable|list`: gateway credentials (broker/gateway-command.ts). */
export async function gateway(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ACCOUNT_OPTIONS, catalogue: { type: 'string' }, scope: { type: 'string', multiple: true } },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const store = createCredentialStore({ file: credentialsFileIn(config.DATA_DIR), cost: config.MQTT_AUTH_SCRYPT_COST });
  return runGatewayCommand(
    positionals,
    { role: values.role, json: values.json, scope: values.scope },
    { store, catalogue: () => loadCatalogue(resolve(config.CATALOGUE)), out },
  );
}

/** `quantrac user add|passwd|role|disable|enable|list`: dashboard accounts (dashboard/server/user-command.ts). */
export async function user(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ACCOUNT_OPTIONS, 'password-stdin': { type: 'boolean', default: false } },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'] }));
  return runUserCommand(
    positionals,
    { role: values.role, json: values.json, passwordStdin: values['password-stdin'] },
    {
      store: createUserStore(join(resolve(config.DATA_DIR), 'users.json'), { cost: config.DASHBOARD_SCRYPT_COST }),
      out,
      readPassword: async () => {
        let text = '';
        for await (const chunk of process.stdin) text += String(chunk);
        return text.split('\n')[0] ?? '';
      },
    },
  );
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
