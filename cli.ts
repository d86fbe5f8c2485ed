import { GATEWAY_USAGE } from './broker/index.js';
import { audit, AUDIT_USAGE } from './cli/audit-command.js';
import { deadletters, gateway, user } from './cli/account-commands.js';
import { catalogue, CATALOGUE_USAGE } from './cli/catalogue-command.js';
import { display } from './cli/display-command.js';
import { simulate } from './cli/simulate-command.js';
import { start } from './cli/start-command.js';
import { QuantracError } from './core/index.js';
import { DISPLAY_USAGE, USER_USAGE } from './dashboard/index.js';
import { DEADLETTERS_USAGE } from './ingest/index.js';

const USAGE = `Usage:
  quantrac start [--demo] [--mqtt-port N] [--http-port N] [--data-dir DIR] [--catalogue FILE]
  quantrac simulate [--url mqtt://host:port] [--stations N|ID,...] [--catalogue FILE] [--rate MSG_PER_S] [--duration-s N] [--messages N] [--seed N]
                    [--scenario NAME:STATION[:PARAMETER][:key=value,...]]... [--scenario-file FILE] [--history-s N]
                    [--username GATEWAY (secret in QUANTRAC_GATEWAY_SECRET) | --credentials FILE]
${GATEWAY_USAGE}   (credentials in DATA_DIR; also --data-dir DIR, --catalogue FILE)
${USER_USAGE}   (dashboard accounts in DATA_DIR/users.json; also --data-dir DIR)
${DISPLAY_USAGE}   (wall displays in DATA_DIR/displays.json; also --data-dir DIR, --catalogue FILE)
${DEADLETTERS_USAGE}
${AUDIT_USAGE}   (the audit log in DATA_DIR/audit)
${CATALOGUE_USAGE}

Configuration comes from the environment (see docs/CONFIGURATION.md); flags override it.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  start,
  simulate,
  gateway,
  user,
  display,
  deadletters,
  audit,
  catalogue,
};

/** The `quantrac` command (bin/quantrac): one function per command, in cli/. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const run = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run) return run(rest);
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`quantrac: unknown command "${command}"\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    process.stderr.write(`quantrac: ${e instanceof QuantracError ? e.message : (e.stack ?? String(e))}\n`);
    process.exit(1);
  },
);
